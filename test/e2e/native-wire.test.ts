// The native firmware on the wire, byte for byte. With the device's random seed chosen so its
// first nonce byte is 0xAB (URPC_SEED=199) and the host's fixed to 0x3C, the handshake is TVM's
// session test vector (spec §3.5 / §7.2: session id 0x6682), and the requests and replies are
// the spec's §7.3 full-stack frames.
import assert from 'node:assert/strict';
import { ProcessTransport, NATIVE_FIRMWARE } from '../../host/transport/process.ts';
import { RemoteSession } from '../../host/client/remote.ts';
import type { Transport } from '../../host/transport/transport.ts';
import { fromHex, toHex } from '../../host/client/packet.ts';
import { ensureNative } from './helpers.ts';

/** Records both directions of a transport. */
class Tap implements Transport {
  readonly inner: Transport;
  readonly name: string;
  tx: number[] = [];
  rx: number[] = [];
  constructor(inner: Transport) {
    this.inner = inner;
    this.name = inner.name;
  }
  write(d: Uint8Array): Promise<void> {
    this.tx.push(...d);
    return this.inner.write(d);
  }
  onData(h: (d: Uint8Array) => void): void {
    this.inner.onData((d) => {
      this.rx.push(...d);
      h(d);
    });
  }
  onClose(h: (r: string) => void): void {
    this.inner.onClose(h);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  take(): { tx: string; rx: string } {
    const r = { tx: toHex(Uint8Array.from(this.tx)), rx: toHex(Uint8Array.from(this.rx)) };
    this.tx = [];
    this.rx = [];
    return r;
  }
}

const hex = (s: string): string => toHex(fromHex(s));
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The start of a Log message (session id 0, type 3) carrying `text`. */
function logFrame(text: string): string {
  return toHex(Uint8Array.from([0, 0, 3, ...new TextEncoder().encode(text)]));
}

describe('native firmware: wire bytes equal the spec (§3.5, §7.2, §7.3)', function () {
  this.timeout(120_000);
  let tap: Tap;
  let s: RemoteSession;

  before(async () => {
    await ensureNative();
    tap = new Tap(new ProcessTransport(NATIVE_FIRMWARE, { env: { URPC_SEED: '199' } }));
    s = new RemoteSession('native', tap, { randomByte: () => 0x3c, reliable: false }); // the spec's plain bytes
  });
  after(async () => {
    await s?.close();
  });

  it('boot Terminate, then the handshake of the session test vectors (id 0x6682)', async () => {
    await wait(100);
    const boot = tap.take();
    assert.ok(boot.rx.startsWith(hex('FE FF FD 03 00 00 00 00 00 02 66 77')), boot.rx);
    assert.ok(boot.rx.includes(logFrame('urpc device ready (tensor pool bytes, max packet):')), boot.rx);
    await s.session.ensureOpen();
    assert.equal(s.session.sessionId, 0x6682);
    await wait(50);
    const hs = tap.take();
    assert.equal(hs.tx, hex('FE FF FD 03 00 00 00 00 00 02 66 77 FF FD 04 00 00 00 82 00 00 01 7B E9'));
    assert.ok(hs.rx.startsWith(hex('FF FD 04 00 00 00 82 66 01 01 81 F3')), hs.rx);
    assert.ok(hs.rx.includes(logFrame('urpc session established: id 26242')));
  });

  it('GetGlobalFunc("runtime.SystemLib") and its reply', async () => {
    const pkt = '25 00 00 00 00 00 00 00 09 00 00 00 01 00 00 00 0B 00 00 00 11 00 00 00 00 00 00 00 72 75 6E 74 69 6D 65 2E 53 79 73 74 65 6D 4C 69 62';
    const r = await s.client.request(fromHex(pkt), 'GetGlobalFunc');
    assert.deepEqual(r.code === 4 ? r.values : r, [{ type: 'handle', value: 0x80028000n }]);
    const w = tap.take();
    assert.equal(w.tx, hex(`FF FD 30 00 00 00 82 66 10 ${pkt} 30 3B`));
    assert.equal(w.rx, hex('FF FD 1F 00 00 00 82 66 10 14 00 00 00 00 00 00 00 04 00 00 00 01 00 00 00 03 00 00 00 00 80 02 80 00 00 00 00 67 52'));
  });

  it('CallFunc(0x80028000) -> module handle 0x8000', async () => {
    await s.client.request(fromHex('10 00 00 00 00 00 00 00 03 00 00 00 00 80 02 80 00 00 00 00 00 00 00 00'), 'CallFunc');
    const w = tap.take();
    assert.equal(w.tx, hex('FF FD 1B 00 00 00 82 66 10 10 00 00 00 00 00 00 00 03 00 00 00 00 80 02 80 00 00 00 00 00 00 00 00 94 9B'));
    assert.equal(w.rx, hex('FF FD 2B 00 00 00 82 66 10 20 00 00 00 00 00 00 00 04 00 00 00 02 00 00 00 00 00 00 00 03 00 00 00 09 00 00 00 00 00 00 00 00 80 00 00 00 00 00 00 20 70'));
  });

  it('CallFunc(0x80028004, int -1): escaping inside an RPC payload', async () => {
    // 0x80028004 is random_fill here: an int argument is an exception, but the request frame is the vector.
    await s.client.request(fromHex('1C 00 00 00 00 00 00 00 03 00 00 00 04 80 02 80 00 00 00 00 01 00 00 00 00 00 00 00 FF FF FF FF FF FF FF FF'), 'CallFunc');
    const w = tap.take();
    assert.equal(w.tx, hex(`FF FD 27 00 00 00 82 66 10 1C 00 00 00 00 00 00 00 03 00 00 00 04 80 02 80 00 00 00 00 01 00 00 00 00 00 00 00 ${'FF '.repeat(16)} 6C 50`));
  });

  it('GetCRTMaxPacketSize reply (2037), void function reply', async () => {
    const rx = async (p: Uint8Array): Promise<string> => {
      const r: { packet: Uint8Array } = { packet: new Uint8Array() };
      const orig = s.client.onPacket.bind(s.client);
      s.client.onPacket = (b) => { r.packet = b; orig(b); };
      await s.client.request(p, 'call');
      s.client.onPacket = orig;
      tap.take();
      return toHex(r.packet);
    };
    const call = (fn: number): Uint8Array => fromHex(`10 00 00 00 00 00 00 00 03 00 00 00 ${toHex(Uint8Array.of(fn & 0xff, (fn >> 8) & 0xff, (fn >> 16) & 0xff, fn >>> 24))} 00 00 00 00 00 00 00 00`);
    assert.equal(await rx(call(0x80028003)), hex('20 00 00 00 00 00 00 00 04 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 F5 07 00 00 00 00 00 00'));
    assert.equal(await rx(call(0x80028009)), hex('18 00 00 00 00 00 00 00 04 00 00 00 02 00 00 00 00 00 00 00 04 00 00 00 04 00 00 00 00 00 00 00'));
  });

  it('DevAllocDataWithScope(int8[2]) -> 0x1000, CopyToRemote 02 03 -> ReturnVoid, CopyFromRemote -> CopyAck 02 03', async () => {
    const alloc = await s.client.request(fromHex('38 00 00 00 00 00 00 00 11 00 00 00 02 00 00 00 07 00 00 00 04 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 01 00 00 00 00 08 01 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'), 'alloc');
    assert.deepEqual(alloc.code === 4 ? alloc.values : alloc, [{ type: 'handle', value: 0x1000n }]);
    tap.take();
    await s.client.request(fromHex('36 00 00 00 00 00 00 00 07 00 00 00 00 10 00 00 00 00 00 00 01 00 00 00 00 00 00 00 01 00 00 00 00 08 01 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 02 03'), 'copy to');
    assert.ok(tap.take().rx.includes(hex('0C 00 00 00 00 00 00 00 04 00 00 00 01 00 00 00 04 00 00 00')));
    await s.client.request(fromHex('34 00 00 00 00 00 00 00 06 00 00 00 00 10 00 00 00 00 00 00 01 00 00 00 00 00 00 00 01 00 00 00 00 08 01 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00'), 'copy from');
    assert.ok(tap.take().rx.includes(hex('06 00 00 00 00 00 00 00 08 00 00 00 02 03')));
  });

  it('Shutdown frame gets no reply; the device resets its memory and keeps serving', async () => {
    await s.client.post(fromHex('04 00 00 00 00 00 00 00 01 00 00 00'));
    await wait(50);
    const w = tap.take();
    assert.equal(w.tx, hex('FF FD 0F 00 00 00 82 66 10 04 00 00 00 00 00 00 00 01 00 00 00 4F 08'));
    assert.equal(w.rx, '');
    await assert.rejects(s.client.freeData(0x1000n), /unknown or freed memory handle 4096/);
    assert.equal(await s.functions.sum(await s.array(new Int32Array([5, 6]))), 11);
  });
});
