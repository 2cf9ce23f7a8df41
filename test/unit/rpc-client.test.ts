// RpcClient wired in-process to the FwTS server (packets passed directly, no session).
import assert from 'node:assert/strict';
import { Harness } from './rpc-fixtures.ts';
import { asBytes } from '../../firmware/lib/prelude.ts';
import { RpcClient, RemoteError, TimeoutError, ProtocolError, DType } from '../../host/client/client.ts';
import { int, str, handle, ByteWriter, writeArgs, packet, type Value } from '../../host/client/packet.ts';

function wired(opts: { timeoutMs?: number } = {}): { h: Harness; c: RpcClient; sent: Uint8Array[] } {
  const h = new Harness();
  const sent: Uint8Array[] = [];
  const c = new RpcClient(async (p) => {
    sent.push(p);
    h.server.handle(asBytes(new Uint8Array(p)));
    // An async call (a time-evaluator run) completes in the server's tick(), as on a board.
    for (let i = 0; i < 1_000_000 && h.server.busy(); i++) h.server.tick();
  }, { timeoutMs: opts.timeoutMs ?? 1000, linkName: 'in-process' });
  h.sink.send = (packet) => {
    const copy = new Uint8Array(packet as unknown as Uint8Array);
    queueMicrotask(() => c.onPacket(copy));
    return 0;
  };
  return { h, c, sent };
}

describe('rpc client <-> FwTS server (in-process)', () => {
  it('functions by name, system lib, module functions', async () => {
    const { c } = wired();
    assert.equal(await c.getGlobalFunc('no.such.function'), undefined);
    assert.equal(await c.func('urpc.sum'), 0x80028008n);
    const mod = await c.systemLib();
    assert.equal(mod, 0x8000n);
    assert.equal(await c.moduleGetFunction(mod, 'urpc.echo'), 0x80008005n);
    assert.equal(await c.moduleGetFunction(mod, 'nope'), undefined);
    assert.equal(await c.maxPacketSize(), 2037);
  });
  it('echo round-trips values of every kind', async () => {
    const { c } = wired();
    const args: Value[] = [int(-1n << 63n), str('ünïcode'), { type: 'float', value: -0.125 }, { type: 'bytes', value: Uint8Array.of(1, 2) },
      handle(0xffffffffffffffffn), { type: 'null' }, { type: 'bool', value: false }];
    assert.deepEqual(await c.echo(...args), args);
  });
  it('device exceptions become RemoteError with the device text; the next call works', async () => {
    const { c } = wired();
    await assert.rejects(c.call(0x80028063n, []), (e: unknown) =>
      e instanceof RemoteError && e.remoteMessage === 'unknown function handle 2147647587' && /device error/.test(e.message));
    await assert.rejects(c.freeData(0x999n), RemoteError);
    assert.equal(await c.maxPacketSize(), 2037);
  });
  it('tensors: allocate, copy in and out in chunks bigger than one packet, add, sum, free', async () => {
    const { c, h, sent } = wired();
    const n = 5000; // > 2037: several CopyToRemote / CopyFromRemote packets
    const a = await c.empty([n], DType.uint8);
    const b = await c.empty([n], DType.uint8);
    const o = await c.empty([n], DType.uint8);
    const da = Uint8Array.from({ length: n }, (_, i) => i & 0xff);
    const db = Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
    const before = sent.length;
    await a.copyFrom(da);
    const copies = sent.slice(before).filter((p) => p[8] === 7);
    assert.equal(sent.length - before, 5, 'GetGlobalFunc + GetCRTMaxPacketSize (first copy), then the blocks');
    assert.deepEqual(copies.map((p) => p.length - 60), [1985, 1985, 1030], 'blocks of 2037 - (44 + 8 ndim) bytes, packets of 2045');
    assert.ok(sent.slice(before).every((p) => p.length <= 2045));
    await b.copyFrom(db);
    assert.deepEqual(await a.copyTo(), da);
    await c.callByName('urpc.add', [a.arg, b.arg, o.arg]);
    const want = da.map((x, i) => (x + db[i]!) & 0xff);
    assert.deepEqual(await o.copyTo(), want);
    assert.deepEqual(await c.callByName('urpc.sum', [o.arg]), int(want.reduce((s, x) => s + x, 0)));
    await a.free();
    await a.free(); // idempotent on the host side
    await b.free();
    await o.free();
    assert.equal(h.mem.blocks.size, 0);
    await assert.rejects(a.copyTo(), /unknown or freed memory handle/);
  });
  it('int32 tensors through DevAllocData and CopyAmongRemote', async () => {
    const { c } = wired();
    const x = await c.empty([3], DType.int32);
    await x.copyFrom(new Uint8Array(Int32Array.of(5, -6, 7).buffer));
    const y = await c.empty([3], DType.int32);
    await c.copyAmongRemote(x.tensor, y.tensor);
    assert.deepEqual(await c.callByName('urpc.sum', [y.arg]), int(6));
    const raw = await c.allocData(10, 64);
    await c.freeData(raw);
    await c.streamSync();
  });
  it('info() parses the device description', async () => {
    const { c } = wired();
    const info = await c.info();
    assert.equal(info.version, '0.1.0');
    assert.equal(info.board, 'test-board');
    assert.equal(info.maxPacket, 2048);
    assert.equal(info.memTotal, 65536);
    assert.deepEqual(info.functions.map((f) => f.name), ['runtime.SystemLib', 'tvm.rpc.server.ModuleGetFunction',
      'runtime.RPCTimeEvaluator', 'tvm.rpc.server.GetCRTMaxPacketSize', 'tvm.contrib.random.random_fill',
      'urpc.echo', 'urpc.info', 'urpc.add', 'urpc.sum', 'urpc.log', 'urpc.sleep']);
    assert.equal(info.functions[8]!.signature, '(tensor a) -> int');
  });
  it('timeEvaluator returns seconds per call for each repeat (all three argument forms)', async () => {
    const { c, h } = wired();
    h.plat.step = 50;
    for (const form of [10, 11, 12] as const) {
      const time = await c.timeEvaluator('urpc.echo', { number: 5, repeat: 3, form });
      assert.deepEqual(await time(int(1)), [10e-6, 10e-6, 10e-6]);
    }
  });
  it('an exception with an empty message says what happened (issue 13 item 4)', async () => {
    // Before: "call 0x80028005: device error: " with nothing after it.
    const w = new ByteWriter();
    writeArgs(w, [str('')]);
    const empty = packet(5, w.finish());
    let c: RpcClient | undefined;
    c = new RpcClient(async () => { queueMicrotask(() => c!.onPacket(empty)); }, { timeoutMs: 1000, linkName: 'tvm-like' });
    await assert.rejects(c.call(0x80028005n, []), (e: unknown) => e instanceof RemoteError && e.remoteMessage === '' &&
      /device error: \(the device raised an exception with an empty message/.test(e.message));
  });
  it('requests queue in order; concurrent calls each get their own reply', async () => {
    const { c } = wired();
    const r = await Promise.all([c.echo(int(1)), c.echo(int(2)), c.echo(str('three'))]);
    assert.deepEqual(r, [[int(1)], [int(2)], [str('three')]]);
  });
  it('no reply -> TimeoutError naming the link; a late reply is counted, not misrouted', async () => {
    const h = new Harness();
    const held: Uint8Array[] = [];
    const c = new RpcClient(async (p) => { held.push(p); }, { timeoutMs: 30, linkName: 'void-link' });
    await assert.rejects(c.echo(int(1)).then(() => 0), (e: unknown) => e instanceof TimeoutError && /no reply from void-link within 30 ms/.test(e.message));
    h.sink.send = (p) => { c.onPacket(new Uint8Array(p as unknown as Uint8Array)); return 0; };
    // GetGlobalFunc was the request that timed out; its reply arrives late.
    h.server.handle(asBytes(held[0]!));
    assert.equal(c.unexpected, 1);
  });
  it('a send failure rejects the request; a garbled reply is a ProtocolError', async () => {
    const c = new RpcClient(async () => { throw new Error('link down'); }, { timeoutMs: 100 });
    await assert.rejects(c.maxPacketSize(), /link down/);
    const c2 = new RpcClient(async () => { queueMicrotask(() => c2.onPacket(Uint8Array.of(1, 2, 3))); }, { timeoutMs: 100 });
    await assert.rejects(c2.getGlobalFunc('x'), ProtocolError);
  });
  it('shutdown sends the Shutdown packet and gets no reply; the server frees memory', async () => {
    const { c, h, sent } = wired();
    await c.empty([4]);
    await c.shutdown();
    assert.deepEqual([...sent[sent.length - 1]!], [4, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
    assert.equal(h.mem.blocks.size, 0);
  });

  it('a pipelined copy block\'s reply deadline starts when the block ahead of it is answered', async () => {
    // A serial link: each reply arrives 60 ms after the previous one, so with two blocks in flight
    // a block is answered ~120 ms after it was sent. The deadline is 100 ms: a block's own turn
    // on the link (60 ms) fits it; counted from its sending, the second block would time out.
    const h = new Harness();
    let lineFreeAt = 0;
    const c = new RpcClient(async (p) => {
      h.server.handle(asBytes(new Uint8Array(p)));
    }, { timeoutMs: 100, linkName: 'slow line', copyWindow: () => 2 });
    h.sink.send = (packet) => {
      const copy = new Uint8Array(packet as unknown as Uint8Array);
      lineFreeAt = Math.max(lineFreeAt, Date.now()) + 60;
      setTimeout(() => c.onPacket(copy), lineFreeAt - Date.now());
      return 0;
    };
    const t = await c.empty([6000], DType.uint8);
    await c.maxPacketSize();
    const data = Uint8Array.from({ length: 6000 }, (_, i) => (i * 5) & 0xff);
    await t.copyFrom(data);
    assert.equal(c.peakInFlight, 2);
    c.timeoutMs = 1000;
    assert.deepEqual(await t.copyTo(), data);
  });
});
