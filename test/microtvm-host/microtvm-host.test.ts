// Acceptance of issue 13: an independent microTVM host (this folder, written from the wire spec
// only, no code shared with host/client or firmware/) drives the native firmware and the
// lm3s6965evb QEMU firmware through every built-in's reply shape, multi-argument and tensor echo,
// the time evaluator on a module function found through runtime.SystemLib / ModuleGetFunction, and
// FreeHandle (a freed function handle is no longer callable).
import assert from 'node:assert/strict';
import { MicroTvmHost } from './host.ts';
import { nativeLink, qemuLink, type Link } from './link.ts';
import { T, int, str, hnd, tensor, callFunc, RPCError, type Returned, type Val } from './minrpc.ts';
import { crc16, frame } from './framing.ts';
import { regen } from './session.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { ensureBoard, requireTools, QEMU_TOOLS } from '../qemu/helpers.ts';

const value = (r: Returned): Val => {
  assert.equal(r.kind, 'value', `expected a value, got ${r.kind}`);
  return (r as { value: Val }).value;
};
/** The device's kException text: a TVM host sees the short form `Name(detail)`
 * (docs/exception-codes.md); urpc's own host shows the full text. */
async function rpcError(p: Promise<unknown>, pattern: RegExp): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RPCError, `expected RPCError, got ${String(e)}`);
    assert.match(e.remote, pattern);
    return e.remote;
  }
  assert.fail(`expected RPCError matching ${pattern}`);
}

describe('independent microTVM host: its own framing and session match the spec vectors', () => {
  it('CRC, frames and nonces (spec §2.4, §2.6, §3.3, §7.2)', () => {
    assert.equal(crc16(new TextEncoder().encode('123456789')), 0x29b1);
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    assert.equal(hex(frame(new TextEncoder().encode('one'), true)), 'fefffd030000006f6e6558f4');
    assert.equal(hex(frame(Uint8Array.of(0, 0, 2), true)), 'fefffd03000000000002' + '6677');
    assert.equal(hex(frame(Uint8Array.of(0x82, 0, 0, 1), false)), 'fffd0400000082000001' + '7be9');
    const chain = [0x3c];
    for (let i = 0; i < 6; i++) chain.push(regen(chain[chain.length - 1]!));
    assert.deepEqual(chain.slice(1), [0x82, 0x45, 0xa3, 0x66, 0xc4, 0x87]);
  });
});

function suite(name: string, open: () => Promise<Link>, timeoutMs: number): void {
  describe(`independent microTVM host drives the ${name} firmware`, function () {
    this.timeout(120000);
    let host: MicroTvmHost;
    before(async function () {
      host = new MicroTvmHost(await open(), timeoutMs);
      await host.open();
    });
    after(async () => {
      await host?.close();
    });

    it('every built-in global answers in the shape a TVM host reads', async () => {
      assert.equal(await host.getGlobalFunc('no.such.function'), 0n);
      const mod = await host.systemLib();
      assert.equal(mod !== 0n, true);
      const max = value(await host.callGlobal('tvm.rpc.server.GetCRTMaxPacketSize', []));
      assert.deepEqual(max, { code: T.Int, v: 2037n });
      const info = value(await host.callGlobal('urpc.info', []));
      assert.equal(info.code, T.Str);
      assert.match((info as { v: string }).v, /^urpc=.*\nfn=urpc\.echo /ms);
      const t = await host.empty([4], [0, 32, 1]);
      const u = await host.empty([4], [0, 32, 1]);
      assert.deepEqual(await host.callGlobal('tvm.contrib.random.random_fill', [tensor(t)]), { kind: 'none' });
      const data = new Uint8Array(new Int32Array([1, -2, 30, 400]).buffer);
      await host.copyTo(t, data);
      assert.deepEqual(await host.callGlobal('urpc.add', [tensor(t), tensor(t), tensor(u)]), { kind: 'none' });
      assert.deepEqual([...new Int32Array((await host.copyFrom(u, 16)).slice().buffer)], [2, -4, 60, 800]);
      assert.deepEqual(value(await host.callGlobal('urpc.sum', [tensor(u)])), { code: T.Int, v: 858n });
      assert.deepEqual(await host.callGlobal('urpc.log', [int(1), int(-2)]), { kind: 'none' });
      assert.deepEqual(await host.callGlobal('urpc.sleep', [int(5)]), { kind: 'none' });
      const ev = await host.callGlobal('runtime.RPCTimeEvaluator', [hnd(mod, 9), str('urpc.echo'), int(1), int(0), int(1), int(1), int(0), int(100), int(0), int(1), str('')]);
      assert.equal(ev.kind, 'func');
      assert.equal((await host.moduleFunction(mod, 'urpc.echo'))! > 0n, true);
      assert.equal(await host.moduleFunction(mod, 'no_such_fn'), undefined);
      // TVM's runtime functions are globals, not functions of the system library.
      assert.equal(await host.moduleFunction(mod, 'tvm.contrib.random.random_fill'), undefined);
      assert.ok(host.session.idle(), 'no stray reply');
    });

    it('echo of one value returns it in TVM\'s 2-slot shape; of none, None', async () => {
      for (const v of [int(-5), { code: 2, v: 2.5 } as Val, str('two'), { code: 12, v: Uint8Array.of(0, 255) } as Val, { code: 6, v: [1, 3] } as Val]) {
        assert.deepEqual(value(await host.callGlobal('urpc.echo', [v])), v);
      }
      assert.deepEqual(await host.callGlobal('urpc.echo', []), { kind: 'none' });
      assert.deepEqual(await host.callGlobal('urpc.echo', [{ code: 4 }]), { kind: 'none' });
    });

    it('multi-argument echo: an RPCError a TVM host reads, and the session keeps working', async () => {
      // Before: 1 + n slots; a TVM host fails `args.size() == 2 (3 vs. 2)` and every later call.
      await rpcError(host.callGlobal('urpc.echo', [int(1), str('two')]), /^EchoArgs\(2\)$/);
      assert.deepEqual(value(await host.callGlobal('urpc.echo', [int(7)])), int(7));
    });

    it('tensor echo: an NDArray in 3 slots, viewing the same memory', async () => {
      // Before: 2 slots; a TVM host fails `args.size() == 3 (2 vs. 3)`.
      const t = await host.empty([2, 3], [1, 8, 1]);
      await host.copyTo(t, Uint8Array.of(1, 2, 3, 4, 5, 6));
      const r = await host.callGlobal('urpc.echo', [tensor(t)]);
      assert.equal(r.kind, 'ndarray');
      const nd = r as { tensor: typeof t; handle: bigint };
      assert.deepEqual(nd.tensor, t);
      assert.deepEqual([...await host.copyFrom(nd.tensor, 6)], [1, 2, 3, 4, 5, 6]);
      // The TVM host frees the returned NDArray when it drops it: the caller's array stays.
      assert.deepEqual(await host.freeHandle(nd.handle, 13), { code: T.Null });
      assert.deepEqual([...await host.copyFrom(t, 6)], [1, 2, 3, 4, 5, 6]);
    });

    it('the time evaluator times a module function found through SystemLib / ModuleGetFunction', async () => {
      const mod = await host.systemLib();
      const sum = await host.moduleFunction(mod, 'urpc.sum');
      assert.ok(sum !== undefined);
      const t = await host.empty([16], [0, 32, 1]);
      assert.deepEqual(value(await host.call(sum, [tensor(t)])), { code: T.Int, v: 0n });
      const f = await host.timeEvaluator(mod, 'urpc.sum', 3, 4, 1);
      const r = value(await host.call(f, [tensor(t)]));
      assert.equal(r.code, T.Bytes);
      const b = (r as { v: Uint8Array }).v;
      assert.equal(b.length, 32);
      const dv = new DataView(b.buffer, b.byteOffset, b.length);
      for (let i = 0; i < 4; i++) {
        const s = dv.getFloat64(i * 8, true);
        assert.ok(s > 0 && s < 0.01, `repeat ${i}: ${s} s per call`);
      }
      // A global is not a function of the module: a clear error, not an empty exception.
      await rpcError(host.timeEvaluator(mod, 'tvm.contrib.random.random_fill', 1, 1, 0), /^EvalNotInModule\(\)$/);
    });

    it('the time evaluator is bounded: a huge request ends in an exception, and a new session ends a run (issue 13 item 11)', async () => {
      // Before: number 2^31 - 1 (capped to 2^20) x repeat 250 kept the lm3s6965evb busy about
      // 9 minutes and every handshake failed meanwhile; here the host's own timeout bounds it.
      const mod = await host.systemLib();
      const huge = await host.timeEvaluator(mod, 'urpc.echo', 0x7fffffff, 250, 0);
      // Refused at once when the warm-up call predicts too much, else stopped by the budget.
      await rpcError(host.call(huge, [int(1)]), /^(EvalBudget\(\d+,5000\)|EvalPredicted\(\d+,\d+,5000\))$/);
      // A run that would take 250 s (250 repeats of at least 1 s), cut short by a new session.
      const long = await host.timeEvaluator(mod, 'urpc.echo', 1, 250, 1000);
      host.session.post(callFunc(long, [int(1)]));
      await new Promise((r) => setTimeout(r, 200));
      await host.session.reopen(2000, timeoutMs);
      assert.deepEqual(value(await host.callGlobal('urpc.echo', [int(7)])), int(7));
      assert.ok(host.session.idle(), 'the cancelled run never answers');
      // Left alone, the same run is stopped by its budget of device time.
      const again = await host.timeEvaluator(await host.systemLib(), 'urpc.echo', 1, 250, 1000);
      await rpcError(host.call(again, [int(1)]), /^EvalBudget\(\d+,5000\)$/);
    });

    it('FreeHandle: a freed function handle is no longer callable', async () => {
      // Before: FreeHandle of a function was a no-op and the handle stayed callable.
      await host.session.reopen(2000, timeoutMs); // a new session: no lookups outstanding
      const mod = await host.systemLib();
      const echo = await host.moduleFunction(mod, 'urpc.echo');
      assert.ok(echo !== undefined);
      assert.deepEqual(value(await host.call(echo, [int(3)])), int(3));
      assert.deepEqual(await host.freeHandle(echo, 10), { code: T.Null });
      await rpcError(host.call(echo, [int(3)]), /^FnFreed\(\d+\)$/);
      // Each lookup is a reference of its own (a TVM host frees each function object it drops):
      // the handle dies with the last one.
      const g = await host.getGlobalFunc('urpc.info');
      assert.equal(await host.getGlobalFunc('urpc.info'), g);
      assert.deepEqual(await host.freeHandle(g, 10), { code: T.Null });
      assert.equal(value(await host.call(g, [])).code, T.Str);
      assert.deepEqual(await host.freeHandle(g, 10), { code: T.Null });
      await rpcError(host.call(g, []), /^FnFreed\(\d+\)$/);
      await rpcError(host.freeHandle(g, 10), /^FnFreed\(\d+\)$/);
      const f = await host.timeEvaluator(mod, 'urpc.echo', 1, 1, 0);
      assert.deepEqual(await host.freeHandle(f, 10), { code: T.Null });
      await rpcError(host.call(f, [int(1)]), /^StaleEvaluator\(\d+\)$/);
      // Looked up again, it works.
      const again = await host.moduleFunction(mod, 'urpc.echo');
      assert.deepEqual(value(await host.call(again!, [int(4)])), int(4));
    });
  });
}

suite('native', async () => nativeLink((await ensureNative()).output), 10000);

describe('independent microTVM host on QEMU', function () {
  before(function () {
    requireTools(this, QEMU_TOOLS);
  });
  suite('lm3s6965evb (QEMU)', async () => qemuLink('lm3s6965evb', (await ensureBoard('qemu-lm3s6965evb')).output,
    ['-semihosting-config', 'enable=on,target=native'], 30000), 30000);
});
