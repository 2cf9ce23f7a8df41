// The behavioural suite of issue 4 as a function, so other links can run it unchanged:
// test/e2e/behaviour.test.ts (native firmware, LocalSession) and test/qemu (QEMU boards).
// Every syscall and type code, one test per malformed-request class (kException, then a
// successful call), a 64 KiB tensor round trip, logs, the time evaluator.
import assert from 'node:assert/strict';
import { RemoteError, TimeoutError, DType } from '../../host/client/client.ts';
import type { RpcSession } from '../../host/client/rpc-session.ts';
import {
  RPCCode, TypeCode, syscallPacket, callFuncPacket, copyToRemotePacket, copyFromRemotePacket, packet,
  str, int, handle, cpu, dtypeValue, type Value, type Reply, type DLTensor,
} from '../../host/client/packet.ts';

/** What differs between devices (defaults: the native board). */
export interface BehaviourOptions {
  /** Smallest tensor pool the device must report (bytes; default 128 KiB). */
  minPool?: number;
  /** Largest tensor the device can hold: the 64 KiB round trip uses tensors of at most this size
   * (default 64 KiB, one tensor). */
  maxTensorBytes?: number;
}

const G = (i: number): bigint => BigInt(0x80028000 + i);
const MAXPKT = G(3);

async function raw(s: RpcSession, p: Uint8Array): Promise<Reply> {
  return s.client.request(p, 'raw request');
}
async function exc(s: RpcSession, p: Uint8Array, re: RegExp): Promise<void> {
  const r = await raw(s, p);
  assert.equal(r.code, RPCCode.Exception, `expected kException, got code ${r.code}`);
  assert.match(r.message, re);
}
/** The next request still works. */
async function stillWorks(s: RpcSession): Promise<void> {
  assert.deepEqual(await s.client.call(MAXPKT, []), int(2037));
}
const tensor = (data: bigint, shape: number[], bits = 8, code = 1, byteOffset = 0n): DLTensor =>
  ({ data, device: { deviceType: 1, deviceId: 0 }, dtype: { code, bits, lanes: 1 }, shape: shape.map(BigInt), byteOffset });
const T = (t: DLTensor): Value => ({ type: 'tensor', value: t });

export function behaviourSuite(kind: string, open: () => Promise<RpcSession>, opts: BehaviourOptions = {}): void {
  const minPool = opts.minPool ?? 128 * 1024;
  const maxTensor = opts.maxTensorBytes ?? 64 * 1024;
  describe(`behaviour: ${kind}`, function () {
    this.timeout(120_000);
    let s: RpcSession;
    before(async () => {
      s = await open();
    });
    after(async () => {
      await s?.close();
    });

    describe('functions and type codes', () => {
      it('echo returns every argument type (int, float, str, bytes, bool, null, handle, dtype, device)', async () => {
        const args: Value[] = [int(-1n << 63n), { type: 'float', value: -0.125 }, str('ünïcode'), { type: 'bytes', value: Uint8Array.of(0, 0xff, 7) },
          { type: 'bool', value: true }, { type: 'null' }, handle(0xfedcba9876543210n), dtypeValue(2, 32, 4), cpu(3)];
        assert.deepEqual(await s.client.echo(...args), args);
      });
      it('echo: module (9), function (10) and object (8) handles come back as opaque handles (3); tensors (7) as records', async () => {
        const v = await s.client.echo({ type: 'module', value: 0x8000n }, { type: 'func', value: 0x80028005n },
          { type: 'object', typeIndex: 9, value: 0x1234n });
        assert.deepEqual(v, [handle(0x8000n), handle(0x80028005n), handle(0x1234n)]);
        const t = tensor(0x1000n, [2, 3], 32, 2, 16n);
        assert.deepEqual(await s.client.echo(T(t)), [T(t)]);
      });
      it('functions.<name>, getFunction and call map JS values both ways', async () => {
        assert.deepEqual(await s.functions.echo(1, 'two', 2.5, true, null, Uint8Array.of(9), 2n ** 60n), [1, 'two', 2.5, true, null, Uint8Array.of(9), 2n ** 60n]);
        const f = await s.getFunction('tvm.rpc.server.GetCRTMaxPacketSize');
        assert.equal(f.handle, MAXPKT);
        assert.equal(await f(), 2037);
        assert.equal(await s.call('urpc.info').then((t) => typeof t), 'string');
        await assert.rejects(s.call('no.such.fn'), /has no function 'no.such.fn'/);
      });
      it('system library, ModuleGetFunction, info', async () => {
        const mod = await s.client.systemLib();
        assert.equal(mod, 0x8000n);
        assert.equal(await s.client.moduleGetFunction(mod, 'urpc.echo'), 0x80008005n);
        assert.equal(await s.client.moduleGetFunction(mod, 'nope'), undefined);
        const info = await s.info();
        assert.equal(info.version, '0.1.0');
        assert.equal(info.maxPacket, 2048);
        assert.ok(info.memTotal >= minPool, `pool ${info.memTotal}`);
        assert.ok(info.functions.some((f) => f.name === 'urpc.log'));
      });
    });

    describe('syscalls', () => {
      it('DevAllocData, DevAllocDataWithScope (null and str scope), DevFreeData', async () => {
        const a = await s.client.allocData(100, 64);
        const b = await s.client.allocDataWithScope([3, 5], DType.float32);
        const c = await s.client.allocDataWithScope([2], DType.int8, 'global');
        await s.client.freeData(a);
        await s.client.freeData(b);
        await s.client.freeData(c);
      });
      it('CopyToRemote / CopyFromRemote with a byte offset, CopyAmongRemote', async () => {
        const a = await s.empty([8], DType.uint8);
        const b = await s.empty([8], DType.uint8);
        await s.client.copyToRemote({ ...a.tensor, byteOffset: 2n, shape: [4n] }, Uint8Array.of(1, 2, 3, 4));
        assert.deepEqual(await a.copyTo(), Uint8Array.of(0, 0, 1, 2, 3, 4, 0, 0));
        await s.client.copyAmongRemote(a.tensor, b.tensor);
        assert.deepEqual(await s.client.copyFromRemote({ ...b.tensor, byteOffset: 2n }, 4), Uint8Array.of(1, 2, 3, 4));
        await a.free();
        await b.free();
      });
      it('DevStreamSync, DevCreateStream / DevFreeStream / DevSetStream', async () => {
        await s.client.streamSync();
        assert.deepEqual(await s.client.syscall(RPCCode.DevCreateStream, [cpu()]), handle(0));
        assert.deepEqual(await s.client.syscall(RPCCode.DevFreeStream, [cpu(), handle(0)]), { type: 'null' });
        assert.deepEqual(await s.client.syscall(RPCCode.DevSetStream, [cpu(), handle(0)]), { type: 'null' });
      });
      it('FreeHandle of a tensor, the system library and a function', async () => {
        const a = await s.client.allocData(4);
        await s.client.freeHandle(a, TypeCode.NDArrayHandle);
        await s.client.freeHandle(0x8000n, TypeCode.ModuleHandle);
        await s.client.freeHandle(G(5), TypeCode.PackedFuncHandle);
        await assert.rejects(s.client.freeData(a), /unknown or freed memory handle/);
      });
      it('DevSetDevice and DevGetAttr answer exceptions', async () => {
        await exc(s, syscallPacket(RPCCode.DevSetDevice, [cpu()]), /SetDevice not supported/);
        await exc(s, syscallPacket(RPCCode.DevGetAttr, [cpu(), int(0)]), /GetAttr not supported/);
        await stillWorks(s);
      });
      it('InitServer (TCP RPC) with version 0.8.0 answers void', async () => {
        const r = await raw(s, Uint8Array.from([0x15, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0x30, 0x2e, 0x38, 0x2e, 0x30, 0, 0, 0, 0]));
        assert.equal(r.code, RPCCode.Return);
      });
      it('tensor ops: random_fill, add, sum', async () => {
        const a = await s.array(new Int32Array([1, 2, 3, -4]));
        const b = await s.array(new Int32Array([10, 20, 30, 40]));
        const o = await s.empty([4], DType.int32);
        await s.functions.add(a, b, o);
        assert.deepEqual(new Int32Array((await o.copyTo()).buffer), new Int32Array([11, 22, 33, 36]));
        assert.equal(await s.functions.sum(o), 102);
        const r = await s.empty([64], DType.uint8);
        await s.call('tvm.contrib.random.random_fill', r);
        assert.ok((await r.copyTo()).some((x) => x !== 0));
        for (const t of [a, b, o, r]) await t.free();
      });
    });

    describe('malformed requests: kException with a clear text, then the next request works', () => {
      it('unknown RPC code', async () => {
        await exc(s, packet(-7, new Uint8Array(0)), /unknown RPC code -7/);
        await exc(s, packet(99, new Uint8Array(0)), /Syscall not recognized: 99/);
        await stillWorks(s);
      });
      it('unknown type code', async () => {
        const p = callFuncPacket(G(5), [int(1)]);
        p[24] = 77; // the argument's type code
        await exc(s, p, /argument 0: unknown type code 77/);
        await stillWorks(s);
      });
      it('truncated packet', async () => {
        await exc(s, Uint8Array.of(4, 0, 0), /truncated packet: 3 bytes, no length field/);
        const p = callFuncPacket(G(5), [int(1), str('abc')]);
        const cut = p.slice(0, p.length - 4);
        cut[0] = cut.length - 8;
        await exc(s, cut, /truncated packet/);
        await stillWorks(s);
      });
      it('oversize packet (declared length past the limit, or not matching the bytes)', async () => {
        const p = packet(RPCCode.CallFunc, new Uint8Array(16));
        p[0] = 0xf0; p[1] = 0x0f; // 4080 > 2037
        await exc(s, p, /packet too large: 4080 bytes, limit 2037/);
        const q = packet(RPCCode.CallFunc, new Uint8Array(16));
        q[0] = 30;
        await exc(s, q, /packet length mismatch: header says 30 bytes, packet holds 20/);
        await stillWorks(s);
      });
      it('a request past the packet limit is refused by the client at once, not left to time out', async () => {
        await assert.rejects(s.functions.echo(new Uint8Array(4000)), (e: Error) =>
          !(e instanceof TimeoutError) && /the request is \d+ bytes but .* accepts at most 2037/.test(e.message));
        await stillWorks(s);
      });
      it('unknown handle (function and memory)', async () => {
        await exc(s, callFuncPacket(0x80028063n, []), /unknown function handle 2147647587/);
        await exc(s, copyFromRemotePacket(tensor(0x4242n, [4]), 4), /unknown or freed memory handle 16962/);
        await stillWorks(s);
      });
      it('double free', async () => {
        const h = await s.client.allocData(32);
        await s.client.freeData(h);
        await exc(s, syscallPacket(RPCCode.DevFreeData, [cpu(), handle(h)]), new RegExp(`unknown or freed memory handle ${h}`));
        await stillWorks(s);
      });
      it('copy outside an allocation', async () => {
        const h = await s.client.allocData(16);
        await exc(s, copyToRemotePacket(tensor(h, [4], 8, 1, 14n), Uint8Array.of(1, 2, 3, 4)), new RegExp(`access outside allocation ${h}: offset 14 \\+ 4 bytes`));
        await exc(s, copyFromRemotePacket(tensor(h, [32]), 32), /access outside allocation/);
        await s.client.freeData(h);
        await stillWorks(s);
      });
      it('wrong argument types and counts', async () => {
        await exc(s, callFuncPacket(G(8), [int(3)]), /argument 0: type code 0, expected 7/);
        await exc(s, syscallPacket(RPCCode.GetGlobalFunc, [int(1)]), /argument 0: type code 0, expected 11/);
        await exc(s, syscallPacket(RPCCode.DevAllocData, [cpu(), int(8)]), /expected 4 arguments, got 2/);
        await assert.rejects(s.functions.sum(5 as never), (e: unknown) => e instanceof RemoteError && /expected 7/.test(e.remoteMessage));
        await stillWorks(s);
      });
      it('out of memory', async () => {
        await exc(s, syscallPacket(RPCCode.DevAllocData, [cpu(), int(1 << 24), int(64), dtypeValue(1, 8)]), /out of memory: 16777216 bytes requested/);
        await stillWorks(s);
      });
    });

    describe('tensors, logs, timing', () => {
      it(`a 64 KiB tensor round-trips byte-exact, in chunks, with progress${maxTensor < 64 * 1024 ? ` (as ${Math.ceil(65536 / maxTensor)} tensors of at most ${maxTensor} bytes: the device's RAM)` : ''}`, async () => {
        const n = 64 * 1024;
        const data = Uint8Array.from({ length: n }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
        const progress: number[] = [];
        for (let at = 0; at < n; at += maxTensor) {
          const part = data.subarray(at, Math.min(n, at + maxTensor));
          const t = await s.array(part, { onProgress: (done) => progress.push(at + done) });
          const back = await t.copyTo();
          assert.equal(Buffer.compare(Buffer.from(back), Buffer.from(part)), 0, `bytes ${at}..${at + part.length}`);
          await t.free();
        }
        assert.ok(progress.length >= 33, `${progress.length} chunks`);
        assert.equal(progress.at(-1), n);
      });
      it('device logs arrive as log events', async () => {
        const got: string[] = [];
        const h = (t: string): void => { got.push(t); };
        s.on('log', h);
        await s.functions.log(1, -2, 300000);
        await s.functions.log();
        await new Promise((r) => setTimeout(r, 50));
        s.off('log', h);
        assert.deepEqual(got, ['urpc.log 1 -2 300000', 'urpc.log']);
        await exc(s, callFuncPacket(G(9), [int(1), int(2), int(3), int(4), int(5)]), /too many arguments: 5 \(limit 4\)/);
      });
      it('the time evaluator returns positive times', async () => {
        const a = await s.array(new Int32Array(256).fill(3));
        const te = await s.timeEvaluator('urpc.sum', { number: 5, repeat: 3 });
        const r = await te(a);
        assert.equal(r.results.length, 3);
        assert.ok(r.results.every((x) => x > 0 && x < 1), JSON.stringify(r));
        const te2 = await s.timeEvaluator('sum', { number: 1, repeat: 2, minRepeatMs: 2 });
        const r2 = await te2(a);
        assert.ok(r2.results.every((x) => x > 0));
        await a.free();
      });
    });
  });
}

