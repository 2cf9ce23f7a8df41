// `urpc serve --tvm`'s RPC server (host/tvm/rpc-server.ts) in front of the real native board,
// driven by the independent TVM client (test/tvm-rpc/tvm-client.ts): the handshake answers byte
// for byte (R4, R5), kInitServer (R6 -> R8, R7 -> kException), calls relayed to the board, what
// the relay answers itself, session end and the next client, and every bounded wait.
import assert from 'node:assert/strict';
import { nativeTvmServer } from './native-server.ts';
import { Raw, TvmRpcClient, handshakeBytes, readPacket, INIT_SERVER, RETURN_VOID, SHUTDOWN, str, tensorRoundTrip } from './tvm-client.ts';
import { syscall, callFunc, readReply, int, RPCError } from '../microtvm-host/minrpc.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const R7 = Buffer.concat([hex('31 00 00 00 00 00 00 00 02 00 00 00 05 00 00 00 00 00 00 00 30 2e 38 2e 30 01 00 00 00 0b 00 00 00 10 00 00 00 00 00 00 00'), Buffer.from('rpc.LocalSession')]);

describe('TVM RPC server (urpc serve --tvm) on the native board', function () {
  this.timeout(60_000);
  const s = nativeTvmServer({ deviceKey: 'stm32', handshakeTimeoutMs: 500, queueTimeoutMs: 20_000 });
  let ended = 0;
  before(() => { s.server.onSessionEnd = () => { ended++; }; });

  it('R4: a matching key gets SUCCESS + server:stm32; R6 gets R8; R7 gets kException', async () => {
    const c = await Raw.connect(s.port);
    try {
      c.write(handshakeBytes('client:stm32'));
      assert.equal((await c.read(20)).toString('hex'), hex('71 f2 0f 00 0c 00 00 00 73 65 72 76 65 72 3a 73 74 6d 33 32').toString('hex'));
      c.write(R7);
      const e = readReply(new Uint8Array(await readPacket(c)));
      assert.equal(e.code, 5);
      assert.match((e as { message: string }).message, /rpc\.LocalSession.*not supported/);
      c.write(INIT_SERVER);
      assert.equal((await readPacket(c)).toString('hex'), RETURN_VOID.toString('hex'));
    } finally { c.close(); }
  });

  it('R5: a wrong key gets 0xff273 alone, then the server closes; a wrong magic: closed without a byte', async () => {
    const c = await Raw.connect(s.port);
    c.write(handshakeBytes('client:nucleo'));
    assert.equal((await c.read(4)).toString('hex'), '73f20f00');
    assert.deepEqual(await c.closesWithin(3000), { closed: true, bytes: 0 });
    const m = await Raw.connect(s.port);
    m.write(hex('71 f2 02 00 00 00 00 00'));
    assert.deepEqual(await m.closesWithin(3000), { closed: true, bytes: 0 });
    // A client that connects and says nothing loses its turn after the handshake deadline.
    const silent = await Raw.connect(s.port);
    assert.deepEqual(await silent.closesWithin(5000), { closed: true, bytes: 0 });
  });

  it('relays calls to the board: system_lib, echo, memory; answers CreateStream itself; refuses what MinRPC lacks', async () => {
    const before = ended;
    const cl = await TvmRpcClient.connect(s.port, 'stm32');
    assert.equal(cl.serverKey, 'server:stm32');
    const lib = await cl.getFunction('runtime.SystemLib');
    assert.notEqual(lib, 0n);
    assert.equal((await cl.call(lib, [])).kind, 'module');
    const echo = await cl.getFunction('urpc.echo');
    const r = await cl.call(echo, [int(41)]);
    assert.deepEqual(r, { kind: 'value', value: { code: 0, v: 41n } });
    assert.equal(await cl.getFunction('tvm.rpc.server.upload'), 0n); // not registered: handle 0, as on a CRT
    const cs = await cl.request(syscall(18, [{ code: 6, v: [1, 0] }]));
    assert.deepEqual(cs, { code: 4, vals: [{ code: 3, v: 0n }] });
    const unknown = await cl.request(syscall(21, []));
    assert.equal(unknown.code, 5);
    assert.match((unknown as { message: string }).message, /RPC code 21 is not supported/);
    const big = await cl.request(callFunc(echo, [str('x'.repeat(5000))]));
    assert.equal(big.code, 5);
    assert.match((big as { message: string }).message, /exceeds what .* accepts/);
    // A tensor as tvm.nd.array(...).numpy() moves it: copies split by GetCRTMaxPacketSize.
    const data = new Uint8Array(5000).map((_, i) => (i * 7 + 3) & 0xff);
    const rt = await tensorRoundTrip(cl, data);
    assert.ok(Buffer.from(rt.back).equals(Buffer.from(data)));
    assert.ok(rt.blocks >= 3, `split into ${rt.blocks} blocks under a ${rt.limit}-byte limit`);
    // The board's own exception comes through, its short text (UnknownFnHandle(123456)) spelled
    // out by the relay as urpc's host would.
    await assert.rejects(cl.call(123456n, []), (e: unknown) => e instanceof RPCError && e.remote === 'unknown function handle 123456');
    assert.deepEqual(await cl.call(echo, [int(7)]), { kind: 'value', value: { code: 0, v: 7n } }); // still serving
    cl.shutdown();
    assert.equal((await cl.c.closesWithin(5000)).closed, true);
    assert.equal(ended, before + 1);
    // The next client gets the board (kShutdown was absorbed, not forwarded).
    const next = await TvmRpcClient.connect(s.port, 'stm32');
    assert.deepEqual(await next.call(await next.getFunction('urpc.echo'), [int(2)]), { kind: 'value', value: { code: 0, v: 2n } });
    next.c.write(SHUTDOWN);
    next.c.close();
  });

  it("a client's memory is freed when its session ends (the board's micro session is renewed), not forwarded kShutdown", async () => {
    const memFree = async (cl: TvmRpcClient): Promise<number> => {
      const r = await cl.call(await cl.getFunction('urpc.info'), []);
      assert.ok(r.kind === 'value' && r.value.code === 11);
      return Number(/^mem_free=(\d+)$/m.exec((r.value as { v: string }).v)![1]);
    };
    const a = await TvmRpcClient.connect(s.port, 'stm32');
    const base = await memFree(a);
    const t = { data: 0n, devType: 1, devId: 0, dtype: [1, 8, 1] as [number, number, number], shape: [4000n], byteOffset: 0n };
    const alloc = await a.request(syscall(17, [{ code: 7, v: t }, { code: 4 }]));
    assert.equal(alloc.code, 4);
    assert.ok(await memFree(a) < base);
    a.shutdown(); // leaves without freeing
    assert.equal((await a.c.closesWithin(5000)).closed, true);
    const b = await TvmRpcClient.connect(s.port, 'stm32');
    assert.equal(await memFree(b), base);
    b.shutdown();
  });

  it('a board that restarts between two requests ends the session with a kException saying so; the next client is served', async () => {
    const cl = await TvmRpcClient.connect(s.port, 'stm32');
    const echo = await cl.getFunction('urpc.echo');
    assert.deepEqual(await cl.call(echo, [int(1)]), { kind: 'value', value: { code: 0, v: 1n } });
    const r0 = s.device.resets;
    await s.device.resetBoard();
    const t0 = Date.now();
    while (s.device.resets === r0 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(s.device.resets > r0, 'the board\'s boot Terminate was seen');
    const r = await cl.request(callFunc(echo, [int(2)]));
    assert.equal(r.code, 5);
    assert.match((r as { message: string }).message, /restarted during the session; its memory \(tensors, handles\) is gone/);
    assert.equal((await cl.c.closesWithin(5000)).closed, true);
    const next = await TvmRpcClient.connect(s.port, 'stm32');
    assert.deepEqual(await next.call(await next.getFunction('urpc.echo'), [int(3)]), { kind: 'value', value: { code: 0, v: 3n } });
    next.shutdown();
  });

  it('one client at a time: a second waits, then gets the board; -timeout ends a session with RPCSessionTimeoutError', async () => {
    const first = await TvmRpcClient.connect(s.port, 'stm32', { sessionTimeoutS: 1 });
    const secondP = TvmRpcClient.connect(s.port, 'stm32');
    // The first session runs out: TVM's timeout exception, then the connection closes.
    const p = readReply(new Uint8Array(await readPacket(first.c, 10_000)));
    assert.equal(p.code, 5);
    assert.match((p as { message: string }).message, /^RPCSessionTimeoutError: /);
    assert.equal((await first.c.closesWithin(5000)).closed, true);
    const second = await secondP;
    assert.deepEqual(await second.call(await second.getFunction('urpc.echo'), [int(3)]), { kind: 'value', value: { code: 0, v: 3n } });
    second.shutdown();
  });
});
