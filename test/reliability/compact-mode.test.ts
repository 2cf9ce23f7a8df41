// Compact mode (session version 3): negotiation with older and TVM peers (whose bytes must not
// change), the wire size of a small call, calls of every kind through it, the device's answer to
// compact requests that do not decode, and reliable mode's guarantees (a lost reply is answered
// from the cache, not run twice).
import assert from 'node:assert/strict';
import { asBytes, bytes, u8, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { MessageType, SESSION_VERSION, SESSION_VERSION_RELIABLE, SESSION_VERSION_COMPACT } from '../../firmware/session/session.ts';
import { CompactCodec, CompactError, CompactForm, COMPACT_PACKET_BYTES } from '../../firmware/rpc/compact.ts';
import { DeviceStack, DEVICE_POOL_BYTES, DEVICE_SIZE_TABLE_BYTES } from '../../firmware/rpc/device_stack.ts';
import { HostPlatform } from '../../host/client/local.ts';
import { RemoteSession } from '../../host/client/remote.ts';
import { RemoteError, ProtocolError } from '../../host/client/client.ts';
import { callFuncPacket, returnPacket, int, str, type Value } from '../../host/client/packet.ts';
import { decodeStream } from '../../host/cli/inspect.ts';
import { endpoint, negotiate } from '../unit/session-helpers.ts';
import { InProcessDevice } from '../e2e/in-process-device.ts';
import { HostileDevice } from './hostile-device.ts';

/** An in-process device that also counts the host's bytes. */
class CountingDevice extends InProcessDevice {
  hostBytes = 0;
  deviceBytes = 0;
  constructor(opts: { maxVersion?: number } = {}) {
    super({ ...opts, record: true });
    const onData = this.onData.bind(this);
    this.onData = (h) => onData((d) => { this.deviceBytes += d.length; h(d); });
  }
  override async write(d: Uint8Array): Promise<void> {
    this.hostBytes += d.length;
    return super.write(d);
  }
}

/** Bytes of one copy when a loaded machine made the host re-send the request `retransmitted`
 * times: each copy went out whole and the device answered each from its reply cache. */
function perCopy(retransmitted: number): (bytes: number) => number {
  return (bytes) => {
    assert.equal(bytes % (1 + retransmitted), 0, `${bytes} B is not ${1 + retransmitted} equal copies`);
    return bytes / (1 + retransmitted);
  };
}

/** Wire bytes of one urpc.echo(5) each way, after its handle is known. */
async function echoBytes(hostOpts: object, devOpts: { maxVersion?: number } = {}): Promise<{ request: number; reply: number; version: number }> {
  const dev = new CountingDevice(devOpts);
  const s = await RemoteSession.open('in-process', dev, hostOpts);
  try {
    assert.deepEqual(await s.functions.echo(5), [5]); // looks the handle up
    dev.hostBytes = 0;
    dev.deviceBytes = 0;
    const sent = s.session.retransmissions;
    assert.deepEqual(await s.functions.echo(5), [5]);
    const copies = perCopy(s.session.retransmissions - sent);
    return { request: copies(dev.hostBytes), reply: copies(dev.deviceBytes), version: s.session.compact ? 3 : s.session.reliable ? 2 : 1 };
  } finally {
    await s.close();
  }
}

describe('compact mode: negotiation', () => {

  it('a urpc host and device agree on 3; an older urpc device (2) gets 2; a TVM device (1) gets 1', () => {
    assert.deepEqual([negotiate(3, 3).host, negotiate(3, 3).device], [SESSION_VERSION_COMPACT, SESSION_VERSION_COMPACT]);
    assert.deepEqual([negotiate(3, 2).host, negotiate(3, 2).device], [SESSION_VERSION_RELIABLE, SESSION_VERSION_RELIABLE]);
    assert.deepEqual([negotiate(3, 1).host, negotiate(3, 1).device], [SESSION_VERSION, SESSION_VERSION]);
    assert.deepEqual([negotiate(2, 3).host, negotiate(2, 3).device], [SESSION_VERSION_RELIABLE, SESSION_VERSION_RELIABLE]);
  });

  it('a TVM host (offers 1) gets the same Reply bytes from a compact-capable device as before (version 2 devices)', () => {
    const now = negotiate(1, 3);
    const before = negotiate(1, 2);
    assert.equal(now.device, SESSION_VERSION);
    assert.deepEqual(now.reply, before.reply);
    assert.equal(decodeStream(now.reply).frames.find((f) => f.session?.type === MessageType.StartSessionReply)?.session?.version, 1);
  });

  it('a plain session (a TVM host\'s) is byte for byte what a version-2 device sends, call after call', async () => {
    const run = async (deviceMax: number): Promise<Uint8Array[]> => {
      const dev = new InProcessDevice({ maxVersion: deviceMax, record: true });
      const s = await RemoteSession.open('in-process', dev, { reliable: false, randomByte: () => 0x42 });
      await s.functions.echo(7, 'x', null);
      await s.close();
      // The device's nonce comes from the platform's random source: compare from the session on.
      return dev.written.flatMap((c) => decodeStream(c).frames).filter((f) => f.session?.type === MessageType.Normal)
        .map((f) => Uint8Array.from(Buffer.from(f.session!.body_hex.replace(/ /g, ''), 'hex')));
    };
    const [a, b] = [await run(3), await run(2)];
    assert.ok(a.length >= 4);
    assert.deepEqual(a, b);
  });

  it('`compact: false` stays on reliable mode; `reliable: false` on plain mode', async () => {
    assert.equal((await echoBytes({ compact: false })).version, 2);
    assert.equal((await echoBytes({ reliable: false })).version, 1);
    assert.equal((await echoBytes({})).version, 3);
    assert.equal((await echoBytes({}, { maxVersion: 2 })).version, 2);
  });
});

describe('compact mode: wire bytes of a small call', function () {
  this.timeout(20_000);

  it('urpc.echo(5) is at most 24 wire bytes each way (framing and session header included), about 40% of reliable mode', async () => {
    const compact = await echoBytes({});
    const reliable = await echoBytes({ compact: false });
    const plain = await echoBytes({ reliable: false });
    // Payloads: header 3 + seq 1 + form 1 + handle 5 + [0, 5] 2 = 12 and header 3 + seq 1 + form
    // 1 + [0, 0] [0, 10] 4 = 9; framing adds 8, plus one byte for each FF/FD escaped.
    assert.ok(compact.request >= 20 && compact.request <= 24, `request ${compact.request} B`);
    assert.ok(compact.reply >= 17 && compact.reply <= 24, `reply ${compact.reply} B`);
    assert.ok(reliable.request >= 48 && reliable.reply >= 52, JSON.stringify(reliable));
    assert.ok(plain.request >= 47 && plain.reply >= 51, JSON.stringify(plain));
  });

  it('a device function of two int arguments is at most 24 bytes each way', async () => {
    const dev = new CountingDevice();
    const s = await RemoteSession.open('in-process', dev, {});
    try {
      const f = await s.getFunction('urpc.log'); // urpc.log(ints...): void
      dev.hostBytes = 0;
      dev.deviceBytes = 0;
      const sent = s.session.retransmissions;
      await f(300, -2);
      const copies = perCopy(s.session.retransmissions - sent);
      const [request, reply] = [copies(dev.hostBytes), copies(dev.deviceBytes)];
      assert.ok(request <= 24 && reply <= 24, `${request} / ${reply} B`);
      assert.equal(s.session.compactRequests, 1, 'the call went compact (the lookup raw)');
    } finally {
      await s.close();
    }
  });
});

describe('compact mode: calls', function () {
  this.timeout(20_000);

  it('ints of every width, null, strings, bytes and tensors round-trip (compact where it can, raw where not)', async () => {
    const dev = new InProcessDevice();
    const s = await RemoteSession.open('in-process', dev, {});
    try {
      assert.equal(s.session.compact, true);
      const ints = [0, 1, -1, 63, 64, -64, -65, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53 - 1), 2n ** 63n - 1n, -(2n ** 63n)];
      assert.deepEqual(await s.functions.echo(...ints), ints);
      const [compactBefore, rawBefore] = [s.session.compactRequests, s.session.rawRequests];
      const big = 'y'.repeat(500);
      assert.deepEqual(await s.functions.echo(null, 'text', new Uint8Array([1, 2, 255]), new Uint8Array(0), '', big, 1.5, true),
        [null, 'text', new Uint8Array([1, 2, 255]), new Uint8Array(0), '', big, 1.5, true]);
      // null, the small str and bytes go compact; the float, the bool and the long str raw (the
      // client also asks for the packet limit before the long one: a lookup and a call).
      assert.ok(s.session.compactRequests >= compactBefore + 5, `${s.session.compactRequests - compactBefore} compact`);
      assert.ok(s.session.rawRequests >= rawBefore + 3, `${s.session.rawRequests - rawBefore} raw`);
      assert.ok(s.session.rawRequests >= 4);
      const t = await s.array(new Int32Array([1, 2, 3, 4]));
      assert.equal(await s.functions.sum(t), 10);
      const e = await (await s.getFunction('urpc.echo'))(1, 2).then(() => undefined, (err: unknown) => err);
      assert.ok(e instanceof RemoteError && /at most one argument/.test(e.message), String(e));
    } finally {
      await s.close();
    }
  });

  it('a lost compact reply is asked for again and answered from the cache, not run twice', async () => {
    const dev = new InProcessDevice({ record: true });
    const s = await RemoteSession.open('in-process', dev, { timeoutMs: 5000, rto: { initialMs: 20, minMs: 20 } });
    try {
      assert.equal(s.session.compact, true);
      assert.deepEqual(await s.functions.echo(1), [1]);
      const requests = dev.stack.requests();
      dev.dropReplies = 1;
      assert.deepEqual(await s.functions.echo(-300), [-300]);
      assert.ok(s.session.retransmissions >= 1 && dev.stack.repeats() >= 1);
      assert.equal(dev.stack.requests(), requests + 1, 'run once');
    } finally {
      await s.close();
    }
  });
});

describe('compact mode: packets that do not decode', () => {
  /** A device and a version-3 host endpoint with an established session. */
  function setup(): { send: (body: Uint8Array) => Uint8Array[]; stack: DeviceStack } {
    const chunks: Uint8Array[] = [];
    const stack = new DeviceStack(bytes(DEVICE_POOL_BYTES), bytes(DEVICE_SIZE_TABLE_BYTES),
      { write: (b: Bytes): Err => { chunks.push(Uint8Array.from(b as unknown as Uint8Array)); return Err.Ok; } }, new HostPlatform());
    stack.boot();
    const host = endpoint(0x3c);
    host.s.setMaxVersion(u8(3));
    host.s.initialize();
    host.s.startSession();
    stack.feed(asBytes(host.out.take()));
    host.s.receive(asBytes(chunks.splice(0).reduce((a, c) => Uint8Array.from([...a, ...c]), new Uint8Array(0))));
    assert.equal(host.s.sessionVersion(), 3);
    host.rec.take();
    const send = (body: Uint8Array): Uint8Array[] => {
      assert.equal(host.s.sendMessage(u8(MessageType.Compact), asBytes(body)), Err.Ok);
      stack.feed(asBytes(host.out.take()));
      for (const c of chunks.splice(0)) host.s.receive(asBytes(c));
      return host.rec.take().flatMap((e) => (e.kind === 'message' && e.type === MessageType.Compact ? [e.body] : []));
    };
    return { send, stack };
  }

  const cases: [string, number[], number][] = [
    ['an empty packet', [], CompactError.Truncated],
    ['an unknown form', [0x09, 1], CompactError.Form],
    ['a handle cut off', [0x03, 0x80], CompactError.Truncated],
    ['a value cut off', [0x03, 0x01, 0x00], CompactError.Truncated],
    ['a value past 64 bits (10th byte > 1)', [0x03, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], CompactError.VarintRange],
    ['an 11-byte varint', [0x03, 0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], CompactError.VarintRange],
    ['an overlong varint', [0x03, 0x01, 0x00, 0x85, 0x00], CompactError.VarintRange],
    ['a type code with no compact form (float)', [0x03, 0x01, 0x02, 0x00], CompactError.TypeCode],
    ['30 nulls (a MinRPC form over 120 bytes)', [0x03, 0x01, ...new Array(30).fill(4)], CompactError.TooLarge],
    ['a bytes length past the end', [0x03, 0x01, 0x0c, 0x03, 0x61, 0x62], CompactError.TooLarge],
    ['a str length past 32 bits', [0x03, 0x01, 0x0b, 0x80, 0x80, 0x80, 0x80, 0x10], CompactError.TooLarge],
  ];
  for (const [what, body, reason] of cases) {
    it(`${what}: refused with reason ${reason}, counted, and the device keeps serving`, () => {
      const { send, stack } = setup();
      const r = send(Uint8Array.of(7, ...body));
      assert.deepEqual(r.map((b) => [...b]), [[7, CompactForm.Refused, reason]]);
      assert.equal(stack.compact.errors, 1);
      assert.deepEqual(send(Uint8Array.of(7, ...body)).map((b) => [...b]), [[7, CompactForm.Refused, reason]], 'a repeat gets the same answer');
      assert.equal(stack.requests(), 0, 'the server never saw it');
      // A good request next: urpc.echo's handle through the raw form (GetGlobalFunc), then a call.
      const codec = new CompactCodec();
      const lookup = send(Uint8Array.of(8, CompactForm.Raw, ...syscall(9, [str('urpc.echo')])));
      assert.equal(lookup.length, 1);
      const reply = decodeReply(codec, lookup[0]!.subarray(1));
      assert.equal(reply.code, 4);
      const handle = reply.view.getBigUint64(20, true);
      const call = compactOf(codec, callFuncPacket(handle, [int(-2)]));
      const echoed = send(Uint8Array.of(9, ...call));
      assert.equal(echoed.length, 1);
      assert.deepEqual([...echoed[0]!], [9, CompactForm.Return, 0, 0, 0, 3], 'Return [int 0][int -2]');
    });
  }

  it('3000 random compact requests (seeded): each answered once, a refusal or a MinRPC reply, and the device keeps serving', () => {
    const { send, stack } = setup();
    let x = 0x9e3779b9;
    const rnd = (): number => {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      return x;
    };
    const codec = new CompactCodec();
    let refused = 0;
    let served = 0;
    for (let i = 0; i < 3000; i++) {
      // Mostly a CallFunc or Return form byte, then random bytes biased to small type codes.
      const n = rnd() % 24;
      const body = Array.from({ length: n }, () => (rnd() & 1 ? rnd() & 0x0f : rnd() & 0xff));
      if (n > 0 && rnd() % 4 !== 0) body[0] = rnd() & 1 ? CompactForm.Call : CompactForm.Return;
      const seq = i & 0xff;
      const r = send(Uint8Array.of(seq, ...body));
      assert.equal(r.length, 1, `request ${i} (${body.join(' ')}): ${r.length} replies`);
      assert.equal(r[0]![0], seq);
      const c = r[0]!.subarray(1);
      if (c[0] === CompactForm.Refused) {
        refused++;
        assert.equal(c.length, 2);
      } else {
        served++;
        codec.decode(asBytes(c), bytes(COMPACT_PACKET_BYTES));
        assert.equal(codec.error, CompactError.Ok, `reply to request ${i} decodes`);
      }
    }
    assert.ok(refused > 100 && served > 100, `${refused} refused, ${served} served`);
    assert.equal(stack.compact.errors, refused);
    const echo = send(Uint8Array.of(0, CompactForm.Raw, ...syscall(9, [str('urpc.echo')])));
    assert.equal(echo.length, 1, 'still serving');
  });

  it('a host whose reply does not decode fails the call with ProtocolError and goes on', async () => {
    const dev = new HostileDevice({});
    const s = await RemoteSession.open('hostile', dev, { timeoutMs: 2000 });
    try {
      assert.deepEqual(await s.functions.echo(4), [4]);
      // A Return whose value varint is cut off (its last byte dropped).
      dev.lies = { rewriteCompact: (c) => (c[0] === CompactForm.Return ? c.subarray(0, c.length - 1) : undefined) };
      const e = await s.functions.echo(5).then(() => undefined, (err: unknown) => err);
      assert.ok(e instanceof ProtocolError, String(e));
      assert.match(e.message, /urpc\.echo: the compact reply does not decode \(Truncated\)/);
      assert.equal(s.session.compactErrors, 1);
      dev.lies = {};
      assert.deepEqual(await s.functions.echo(6), [6]);
    } finally {
      await s.close();
    }
  });
});

describe('compact codec (firmware/rpc/compact.ts)', () => {
  const codec = new CompactCodec();
  it('a CallFunc of urpc.echo(5) and its Return, byte for byte', () => {
    const call = compactOf(codec, callFuncPacket(0x80028003n, [int(5)]));
    assert.deepEqual([...call], [0x03, 0x83, 0x80, 0x8a, 0x80, 0x08, 0x00, 0x0a]);
    const ret = compactOf(codec, returnPacket([int(0), int(5)]));
    assert.deepEqual([...ret], [0x04, 0x00, 0x00, 0x00, 0x0a]);
    assert.deepEqual(decodeReply(codec, ret).bytes, returnPacket([int(0), int(5)]));
    assert.deepEqual(decodeReply(codec, call).bytes, callFuncPacket(0x80028003n, [int(5)]));
  });
  it('the vector of docs/protocol.md: framed bytes, and `urpc decode` reads them back as the MinRPC call and reply', () => {
    const hex = (t: string): Uint8Array => Uint8Array.from(t.split(' '), (x) => parseInt(x, 16));
    const request = hex('ff fd 0c 00 00 00 82 66 12 01 03 83 80 8a 80 08 00 0a 3f 7c');
    const reply = hex('ff fd 09 00 00 00 82 66 12 01 04 00 00 00 0a 29 f6');
    const call = compactOf(codec, callFuncPacket(0x80028003n, [int(5)]));
    const ret = compactOf(codec, returnPacket([int(0), int(5)]));
    assert.deepEqual(request.subarray(10, 18), call);
    assert.deepEqual(reply.subarray(10, 15), ret);
    const frames = decodeStream(Uint8Array.from([...request, ...reply])).frames;
    assert.deepEqual(frames.map((f) => f.status), ['ok', 'ok']);
    assert.deepEqual(frames.map((f) => [f.session?.type_name, f.session?.seq, f.session?.rpc?.code_name]), [['Compact', 1, 'CallFunc'], ['Compact', 1, 'Return']]);
    assert.equal(frames[0]!.session!.rpc!.handle, '0x80028003');
  });

  it('packets with no compact form encode to nothing (sent raw)', () => {
    const out = bytes(COMPACT_PACKET_BYTES);
    for (const v of [{ type: 'float', value: 1 } as Value, { type: 'handle', value: 1n } as Value]) assert.equal(codec.encode(asBytes(callFuncPacket(1n, [v])), out), 0);
    assert.equal(codec.encode(asBytes(callFuncPacket(1n, [str('x'.repeat(97))])), out), 0, 'a MinRPC form over 120 bytes');
    assert.equal(codec.encode(asBytes(callFuncPacket(1n, Array.from({ length: 9 }, () => int(1)))), out), 0, 'nine arguments');
    const p = callFuncPacket(1n, [int(1)]);
    assert.equal(codec.encode(asBytes(p.subarray(0, p.length - 1)), out), 0, 'a length that does not match');
  });
});

function syscall(code: number, args: Value[]): Uint8Array {
  const p = callFuncPacket(0n, args);
  // A syscall is [u64 len][i32 code][args]: the CallFunc's handle dropped.
  const q = new Uint8Array(p.length - 8);
  q.set(p.subarray(0, 12));
  q.set(p.subarray(20), 12);
  const dv = new DataView(q.buffer);
  dv.setBigUint64(0, BigInt(q.length - 8), true);
  dv.setInt32(8, code, true);
  return q;
}

function compactOf(codec: CompactCodec, p: Uint8Array): Uint8Array {
  const out = bytes(COMPACT_PACKET_BYTES) as unknown as Uint8Array;
  const n = codec.encode(asBytes(p), asBytes(out));
  assert.ok(n > 0);
  return out.slice(0, n);
}

function decodeReply(codec: CompactCodec, c: Uint8Array): { bytes: Uint8Array; code: number; view: DataView } {
  const p = Uint8Array.from(codec.decode(asBytes(c), bytes(COMPACT_PACKET_BYTES)) as unknown as Uint8Array);
  assert.equal(codec.error, CompactError.Ok);
  const view = new DataView(p.buffer);
  return { bytes: p, code: view.getInt32(8, true), view };
}
