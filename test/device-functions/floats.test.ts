// Issue 17 item 2 (floats): f32 / f64 arguments and results (type code 2, a binary64 on the
// wire; JavaScript's integral numbers arrive as type code 0 and are converted), float32 /
// float64 Tensor elements, float16 / bfloat16 to and from f32, floats next to str arguments and
// results, and the generated host types; each checked against JavaScript, on LocalSession, the
// native firmware and the lm3s6965evb firmware (soft-float Cortex-M3) in QEMU.
import assert from 'node:assert/strict';
import { connect } from '../../host/client/connect.ts';
import { RemoteError, DType } from '../../host/client/client.ts';
import type { RpcSession } from '../../host/client/rpc-session.ts';
import { callFuncPacket, RPCCode, int, str, type Value } from '../../host/client/packet.ts';
import { loadApp } from '../../host/app/load.ts';
import { readApp, renderDts } from '../../host/app/generate.ts';
import * as path from 'node:path';
import { REPO } from '../../host/repo.ts';
import { parseCliArg, show, toJson } from '../../host/cli/call.ts';
import { urpcAsync } from '../cli/subprocess.ts';
import { requireTools, QEMU_TOOLS } from '../qemu/helpers.ts';
import { appBuild, siteOf } from './helpers.ts';
import { halfValue, bf16Value, toHalfRef, toBf16Ref } from './half-ref.ts';
import type { AppFunctions } from './float-app/app.d.ts';

export const FLOAT_APP = path.join(REPO, 'test/device-functions/float-app');

/** 2^128 - 2^103: the smallest double that rounds to infinity in f32. */
const F32_OVERFLOW = 2 ** 128 - 2 ** 103;
const F32_MAX = 3.4028234663852886e38;
const WANT_FLOAT = (i: number, tc: number): string => `argument ${i}: expected a float (type code 2) or an integer (type code 0), got type code ${tc}`;
const F32_RANGE = (i: number): string => `argument ${i}: float outside the f32 range (its magnitude rounds to infinity in f32)`;

/** The values every echo goes through: signed zeros, subnormals, the normal range's ends, NaN,
 * the infinities, values that are not exact in f32. */
const F64_EDGES = [0, -0, 1, -1, 1.5, 0.1, 1 / 3, -2.5, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
  Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, NaN, Infinity, -Infinity, F32_MAX, 1e300];

const BOUNDS = (): string => `Bounds (index outside a buffer) at ${siteOf('firmware/app/api.ts', 'panic(u32(Panic.Bounds))')}`;
/** Bytes of a typed array. */
const raw = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function bits64(x: number): [number, number] {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, Number.isNaN(x) ? NaN : x, true);
  return [dv.getUint32(4, true), dv.getUint32(0, true)];
}

async function rejects(p: Promise<unknown>, text: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RemoteError, `expected RemoteError, got ${String(e)}`);
    assert.equal(e.remoteMessage, text);
    return;
  }
  assert.fail(`expected the exception ${text}`);
}

function same(got: number, want: number, what: string): void {
  assert.ok(Object.is(got, want), `${what}: got ${Object.is(got, -0) ? '-0' : got}, want ${Object.is(want, -0) ? '-0' : want}`);
}

export function floatSuite(kind: string, open: (ctx: Mocha.Context) => Promise<RpcSession<AppFunctions>>, opts: { halfChunk: number } = { halfChunk: 4096 }): void {
  describe(`device-function floats: ${kind}`, function () {
    this.timeout(300_000);
    let s: RpcSession<AppFunctions>;
    before(async function () {
      s = await open(this);
    });
    after(async () => {
      await s?.close();
    });

    it('f64 arguments and results travel exactly (±0, subnormals, NaN, ±Infinity, the extremes)', async () => {
      for (const x of F64_EDGES) {
        same(await s.functions.echoF64(x), x, `echoF64(${x})`);
        const [hi, lo] = bits64(x);
        assert.equal(await s.functions.hiF64(x), hi, `hiF64(${x})`);
        assert.equal(await s.functions.loF64(x), lo, `loF64(${x})`);
      }
      same(await s.functions.mulF64(0.1, 3), 0.1 * 3, 'mulF64(0.1, 3)');
      same(await s.functions.mulF64(-0, 5), -0, 'mulF64(-0, 5)');
      same(await s.functions.mulF64(Number.MAX_VALUE, 2), Infinity, 'overflow');
      same(await s.functions.mulF64(5e-324, 0.5), 0, 'underflow ties to even');
    });
    it('an integer argument (type code 0) is converted to the nearest double', async () => {
      const r = async (v: bigint): Promise<number> => {
        const reply = await s.client.request(callFuncPacket(await s.client.func('echoF64'), [int(v)]), 'echoF64');
        assert.equal(reply.code, RPCCode.Return);
        assert.deepEqual(reply.values[0], { type: 'int', value: 2n }, 'slot 0: the type code of the result, float');
        return (reply.values[1] as { value: number }).value;
      };
      same(await r(3n), 3, '3');
      same(await r(-7n), -7, '-7');
      same(await r(2n ** 53n + 1n), 2 ** 53, '2^53 + 1 ties to even');
      same(await r(2n ** 53n + 3n), 2 ** 53 + 4, '2^53 + 3 ties to even');
      same(await r(-(2n ** 63n)), -(2 ** 63), 'int64 min');
      same(await r(2n ** 63n - 1n), 2 ** 63, 'int64 max rounds up');
      same(await r(0x1_0000_0001n), 4294967297, 'both words');
    });
    it('f32 arguments round to nearest even; a finite value past the f32 range is refused', async () => {
      for (const x of [...F64_EDGES.filter((v) => Math.abs(v) < F32_OVERFLOW || !Number.isFinite(v)), 1 + 2 ** -24, 1 + 3 * 2 ** -24,
        2 ** -149, 2 ** -150, 1.5 * 2 ** -150, -(2 ** -151), F32_OVERFLOW - 2 ** 75]) {
        same(await s.functions.echoF32(x), Math.fround(x), `echoF32(${x})`);
      }
      assert.equal(await s.functions.bitsF32(NaN), 0x7fc00000);
      assert.equal(await s.functions.bitsF32(-0), 0x80000000);
      assert.equal(await s.functions.bitsF32(1 + 2 ** -24), 0x3f800000);
      for (const x of [F32_OVERFLOW, -F32_OVERFLOW, 1e39, Number.MAX_VALUE]) await rejects(s.functions.echoF32(x), F32_RANGE(0));
      await rejects(s.functions.addF32(1, 1e300), F32_RANGE(1));
      same(await s.functions.addF32(0.1, 0.2), Math.fround(Math.fround(0.1) + Math.fround(0.2)), 'addF32(0.1, 0.2)');
      same(await s.functions.addF32(F32_MAX, F32_MAX), Infinity, 'f32 overflow');
      same(await s.functions.echoF32(3), 3, 'an integer');
    });
    it('floats with str arguments and results', async () => {
      let want = 'abc'.length;
      for (let i = 0; i < 10; i++) want += 0.1;
      same(await s.functions.tally('abc', 0.1, 10), want, 'tally');
      same(await s.functions.tally('', 2.5, 0), 0, 'tally of nothing');
      const kinds: [number, string][] = [[NaN, 'nan'], [Infinity, '+inf'], [-Infinity, '-inf'], [0, '+0'], [-0, '-0'], [1e-310, 'finite'], [-3, 'finite']];
      for (const [x, k] of kinds) assert.equal(await s.functions.classify(x), k, `classify(${x})`);
    });
    it('a wrong type for a float parameter is an exception naming it; then a good call', async () => {
      const call = async (fn: string, args: Value[], text: string) => {
        const r = await s.client.request(callFuncPacket(await s.client.func(fn), args), fn);
        assert.equal(r.code, RPCCode.Exception);
        assert.equal(r.message, text);
      };
      await call('echoF64', [str('1.5')], WANT_FLOAT(0, 11));
      await call('echoF32', [{ type: 'bool', value: true }], WANT_FLOAT(0, 15));
      await call('tally', [str('a'), { type: 'bytes', value: Uint8Array.of(1) }, int(1)], WANT_FLOAT(1, 12));
      await rejects(s.functions.echoF64('x' as unknown as number), WANT_FLOAT(0, 11));
      same(await s.functions.echoF64(2.5), 2.5, 'then a good call');
    });
    it('float32 and float64 tensor elements: getF32/setF32, getF64/setF64 against JavaScript', async () => {
      const xs = Float32Array.from([1.5, -0, 0.1, 3.4e38, 1e-45, -7.25, 1e-40, 123456.789]);
      const t = await s.array(xs);
      let sum = 0;
      for (const x of xs) sum = Math.fround(sum + x);
      same(await s.functions.sumF32(t), sum, 'sumF32');
      const dst = await s.empty([xs.length], DType.float32);
      await s.functions.scaleF32(t, dst, 3);
      assert.deepEqual(await dst.copyTo(), raw(xs.map((x) => Math.fround(x * 3))));
      // A NaN with a payload is read as NaN and stored as the canonical quiet NaN.
      const nan = await s.array(new Uint32Array([0x7fa00001, 0xffc00002, 0x3f800000]), { dtype: DType.float32 });
      await s.functions.scaleF32(nan, dst, 1);
      assert.deepEqual([...new Uint32Array((await dst.copyTo()).slice().buffer).slice(0, 3)], [0x7fc00000, 0x7fc00000, 0x3f800000]);
      const f64 = { code: 2, bits: 64, lanes: 1 };
      const x = Float64Array.from([1, -0, 0.1, 1e308, 5e-324, -3]);
      const y = Float64Array.from([0.2, 0, 0.7, 1e308, 5e-324, NaN]);
      const tx = await s.array(x, { dtype: f64 });
      const ty = await s.array(y, { dtype: f64 });
      await s.functions.axpyF64(1.5, tx, ty);
      const want = y.map((v, i) => 1.5 * x[i] + v);
      assert.deepEqual(new Float64Array((await ty.copyTo()).slice().buffer), want);
      for (let i = 0; i < x.length; i++) same(await s.functions.elementF64(tx, i), x[i], `elementF64(${i})`);
      await rejects(s.functions.elementF64(tx, x.length), `device function elementF64 panicked: ${BOUNDS()}`);
      await rejects(s.functions.elementF64(t, 4), `device function elementF64 panicked: ${BOUNDS()}`); // 32 bytes: 4 doubles
      same(await s.functions.elementF64(t, 3), new Float64Array(xs.buffer)[3], 'element 3 of 32 bytes read as doubles');
      await rejects(s.functions.sumF32(tx), 'device function failed with error 1');
      await Promise.all([t, dst, nan, tx, ty].map((a) => a.free()));
    });
    it('float16 and bfloat16: every encoding widened exactly; narrowing rounds to nearest even', async () => {
      const n = opts.halfChunk;
      const src = await s.empty([n], DType.uint16);
      const wide = await s.empty([n], DType.float32);
      for (const [kind, value] of [[0, halfValue], [1, bf16Value]] as const) {
        for (let start = 0; start < 0x10000; start += n) {
          const hs = Uint16Array.from({ length: n }, (_, i) => start + i);
          await src.copyFrom(raw(hs));
          await s.functions.widen(src, wide, kind);
          const got = new Float32Array((await wide.copyTo()).slice().buffer);
          hs.forEach((h, i) => assert.ok(Object.is(got[i], value(h)) || (Number.isNaN(got[i]) && Number.isNaN(value(h))),
            `${kind === 0 ? 'float16' : 'bfloat16'} 0x${h.toString(16)}: ${got[i]} != ${value(h)}`));
        }
      }
      // Narrowing: exact values, ties between neighbours (and one ulp either side), the overflow
      // edge, subnormals, NaN, infinities and random bit patterns.
      const f = new Float32Array(1);
      const u = new Uint32Array(f.buffer);
      const cases: number[] = [];
      const around = (x: number): void => {
        f[0] = x;
        const b = u[0];
        for (const d of [-1, 0, 1]) cases.push((b + d) >>> 0, ((b + d) ^ 0x80000000) >>> 0);
      };
      const stride = opts.halfChunk >= 4096 ? 7 : 61;
      for (let h = 0; h < 0x7c00; h += stride) {
        around(halfValue(h));
        around(h === 0x7bff ? 65520 : (halfValue(h) + halfValue(h + 1)) / 2);
      }
      for (let b = 0; b < 0x7f80; b += stride) around((bf16Value(b) + bf16Value(b + 1)) / 2);
      let r = 0x9e3779b9;
      for (let i = 0; i < 4000; i++) {
        r ^= r << 13; r ^= r >>> 17; r ^= r << 5;
        cases.push(r >>> 0);
      }
      cases.push(0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffffffff, 0x7f7fffff, 0x33000000, 0x33000001);
      const narrowOut = await s.empty([n], DType.uint16);
      const input = await s.empty([n], DType.float32);
      for (const [kind, ref] of [[0, toHalfRef], [1, toBf16Ref]] as const) {
        for (let start = 0; start < cases.length; start += n) {
          const chunk = Uint32Array.from({ length: n }, (_, i) => cases[(start + i) % cases.length]);
          await input.copyFrom(raw(chunk));
          await s.functions.narrow(input, narrowOut, kind);
          const got = new Uint16Array((await narrowOut.copyTo()).slice().buffer);
          const xs = new Float32Array(chunk.buffer);
          xs.forEach((x, i) => assert.equal(got[i], ref(x), `${kind === 0 ? 'float16' : 'bfloat16'} of 0x${chunk[i].toString(16)} (${x})`));
        }
      }
      await Promise.all([src, wide, narrowOut, input].map((a) => a.free()));
    });
    it('urpc.info lists f32 and f64 signatures', async () => {
      const info = await s.info();
      const sig = (name: string) => info.functions.find((f) => f.name === name)?.signature;
      assert.equal(sig('addF32'), '(f32 a, f32 b) -> f32');
      assert.equal(sig('tally'), '(str label, f64 x, i32 n) -> f64');
    });
  });
}

describe('generated host types of f32 and f64 parameters and results', () => {
  it('are number, in parameters and in the Promise of the result', () => {
    const dts = renderDts(readApp(FLOAT_APP).functions, FLOAT_APP, FLOAT_APP);
    assert.match(dts, /^  addF32\(a: number, b: number\): Promise<number>;$/m);
    assert.match(dts, /^  tally\(label: string, x: number, n: number\): Promise<number>;$/m);
    assert.match(dts, /^  classify\(x: number\): Promise<string>;$/m);
  });
});

floatSuite('LocalSession', async () => connect<AppFunctions>('local', { app: await loadApp(FLOAT_APP) }));
floatSuite('native', async () => connect<AppFunctions>(`native:${await appBuild('native', FLOAT_APP, 'float-app')}`));
floatSuite('qemu:lm3s6965evb', async (ctx) => {
  requireTools(ctx, QEMU_TOOLS);
  return connect<AppFunctions>(`qemu:lm3s6965evb?elf=${await appBuild('qemu-lm3s6965evb', FLOAT_APP, 'float-app')}`);
}, { halfChunk: 1024 });

describe('urpc call with float arguments and results (subprocess, local)', function () {
  this.timeout(300_000); // CLI starts on a shared machine
  const call = (...args: string[]) => urpcAsync(['call', 'local', '--app', 'test/device-functions/float-app', ...args]);
  it('parses NaN, ±Infinity and -0 as floats and prints float results as JavaScript writes them', async () => {
    assert.equal(parseCliArg('NaN'), NaN);
    assert.equal(parseCliArg('-Infinity'), -Infinity);
    assert.ok(Object.is(parseCliArg('-0'), -0));
    assert.equal(parseCliArg('"NaN"'), 'NaN');
    assert.equal(show(-0), '-0');
    assert.equal(show(NaN), 'NaN');
    assert.deepEqual(toJson([Infinity, 1.5]), ['Infinity', 1.5]);
    // One at a time: each CLI loads the app (a loaded machine is slow, not wrong).
    const runs = [];
    for (const args of [['mulF64', '1.5', '-0'], ['addF32', '0.1', '0.2'], ['classify', '--', '-Infinity'], ['echoF32', '1e39'], ['echoF64', '--json', 'NaN']]) {
      runs.push(await call(...args));
    }
    assert.deepEqual(runs.slice(0, 3).map((r) => [r.code, r.out.trim()]),
      [[0, '-0'], [0, String(Math.fround(Math.fround(0.1) + Math.fround(0.2)))], [0, '-inf']]);
    assert.notEqual(runs[3].code, 0);
    assert.match(runs[3].err, /argument 0: float outside the f32 range/);
    assert.equal((JSON.parse(runs[4].out) as { result: unknown }).result, 'NaN');
  });
});
