// Host code of the kernel example: runs the device's kernels (examples/kernels/app) on seeded
// random inputs and edge cases, and compares every result byte for byte with the JavaScript
// reference (reference.ts). Any session works:
//
//   urpc build --board native --app examples/kernels/app
//   npx tsx examples/kernels/check.ts native:build/native/firmware
//   npx tsx examples/kernels/check.ts local          (the same FwTS in Node)
//
// test/device-functions/kernels.test.ts runs it on LocalSession, native and QEMU.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../../host/client/connect.ts';
import { DType, RemoteError } from '../../host/client/client.ts';
import type { RpcSession } from '../../host/client/rpc-session.ts';
import { Xorshift32 } from '../../host/client/xorshift.ts';
import { requantizeRef, quantizeMultiplier, denseQ8Ref, denseF32Ref, biquadF32Ref, lowPass, type DenseQ8Case } from './reference.ts';
import type { AppFunctions } from './app/app.d.ts';

export type KernelSession = RpcSession<AppFunctions>;

/** What a check did: how many device results it compared. */
export interface CheckReport {
  requantize: number;
  denseQ8: number;
  denseF32: number;
  biquadF32: number;
}

class Mismatch extends Error {}

function same(what: string, got: unknown, want: unknown): void {
  const g = got instanceof Uint8Array || ArrayBuffer.isView(got) ? [...(got as Int8Array)] : got;
  const w = ArrayBuffer.isView(want) ? [...(want as Int8Array)] : want;
  if (JSON.stringify(g) === JSON.stringify(w)) return;
  if (Array.isArray(g) && Array.isArray(w) && g.length === w.length) {
    const i = g.findIndex((x, k) => x !== w[k]);
    throw new Mismatch(`${what}: element ${i} of ${g.length}: device ${g[i]}, reference ${w[i]}`);
  }
  throw new Mismatch(`${what}: device ${JSON.stringify(g)}, reference ${JSON.stringify(w)}`);
}

/** Float results compared by their bits (NaN, -0 and every last bit count). */
function sameBits(what: string, got: Float32Array, want: Float32Array): void {
  same(what, new Uint32Array(got.buffer, got.byteOffset, got.length), new Uint32Array(want.buffer, want.byteOffset, want.length));
}

const f32s = async (t: { copyTo(): Promise<Uint8Array> }): Promise<Float32Array> => new Float32Array((await t.copyTo()).slice().buffer);

async function failsWith(what: string, p: Promise<unknown>, code: number): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RemoteError && e.remoteMessage === `device function failed with error ${code}`) return;
    throw new Mismatch(`${what}: expected error ${code}, got ${String(e)}`);
  }
  throw new Mismatch(`${what}: expected error ${code}, the call succeeded`);
}

const I32_MIN = -0x80000000;
const I32_MAX = 0x7fffffff;

/** requantize on the edges (extreme accumulators and multipliers, every rounding half) and at
 * random. */
async function checkRequantize(s: KernelSession, rng: Xorshift32, randomCases: number): Promise<number> {
  const cases: [number, number, number][] = [];
  for (const acc of [0, 1, -1, 2, -2, 3, -3, I32_MIN, I32_MAX, I32_MIN + 1, 0x40000000, -0x40000000]) {
    for (const m of [1, 0x40000000, I32_MAX, 0x5a82799a]) {
      for (const shift of [0, 1, 2, 31]) cases.push([acc, m, shift]);
    }
  }
  // Exact halves: acc * m = (2t + 1) * 2^(30 + shift), for both signs.
  for (const shift of [0, 1, 5]) {
    for (const t of [0, 1, 2, -1, -2]) cases.push([(2 * t + 1) * 2 ** shift, 0x40000000, shift]);
  }
  for (let i = 0; i < randomCases; i++) {
    cases.push([(rng.next() * 2 ** 32) | 0, 1 + rng.below(I32_MAX), rng.below(32)]);
  }
  for (const [acc, m, shift] of cases) {
    same(`requantize(${acc}, ${m}, ${shift})`, await s.functions.requantize(acc, m, shift), requantizeRef(acc, m, shift));
  }
  await failsWith('requantize with m = 0', s.functions.requantize(1, 0, 0), 3);
  await failsWith('requantize with shift 32', s.functions.requantize(1, 1, 32), 3);
  return cases.length;
}

function randomDense(rng: Xorshift32, n: number, k: number, relu: boolean): DenseQ8Case {
  const int8 = (): number => rng.below(256) - 128;
  const x = Int8Array.from({ length: k }, int8);
  const w = Int8Array.from({ length: n * k }, int8);
  const bias = Int32Array.from({ length: n }, () => rng.below(20001) - 10000);
  // Scales around what keeps the outputs mostly in range (some saturate).
  const { m, shift } = quantizeMultiplier((0.5 + rng.next()) / (k * 128));
  return { x, w, bias, n, k, xZero: int8(), yZero: rng.below(64) - 32, m, shift, relu };
}

async function runDense(s: KernelSession, c: DenseQ8Case, what: string): Promise<void> {
  const x = await s.array(c.x, { dtype: DType.int8 });
  const w = await s.array(c.w, { dtype: DType.int8, shape: [c.n, c.k] });
  const bias = await s.array(c.bias, { dtype: DType.int32 });
  const y = await s.empty([c.n], DType.int8);
  try {
    const want = denseQ8Ref(c);
    const saturated = await s.functions.denseQ8(x, w, bias, y, c.xZero, c.yZero, c.m, c.shift, c.relu);
    same(`${what} y`, new Int8Array((await y.copyTo()).slice().buffer), want.y);
    same(`${what} saturated`, saturated, want.saturated);
  } finally {
    await Promise.all([x.free(), w.free(), bias.free(), y.free()]);
  }
}

async function checkDenseQ8(s: KernelSession, rng: Xorshift32, layers: number): Promise<number> {
  let n = 0;
  for (let i = 0; i < layers; i++) {
    const c = randomDense(rng, 1 + rng.below(16), 1 + rng.below(64), i % 2 === 1);
    await runDense(s, c, `denseQ8 layer ${i} (${c.n}x${c.k}${c.relu ? ', relu' : ''})`);
    n++;
  }
  // Every output saturates both ways: a large scale on extreme inputs.
  const big: DenseQ8Case = {
    x: Int8Array.of(127, -128), w: Int8Array.of(127, -128, -128, 127, 0, 0), bias: Int32Array.of(0, 0, 5), n: 3, k: 2,
    xZero: -128, yZero: 0, ...quantizeMultiplier(0.9), relu: false,
  };
  await runDense(s, big, 'denseQ8 saturating');
  await runDense(s, { ...big, relu: true, yZero: 10 }, 'denseQ8 saturating with relu');
  n += 2;
  // Wrong dtypes and shapes are refused (fail codes), never computed.
  const x = await s.array(Int8Array.of(1, 2), { dtype: DType.int8 });
  const w = await s.array(new Int8Array(6), { dtype: DType.int8, shape: [3, 2] });
  const b3 = await s.array(new Int32Array(3), { dtype: DType.int32 });
  const y3 = await s.empty([3], DType.int8);
  const y2 = await s.empty([2], DType.int8);
  try {
    await failsWith('denseQ8 with an int32 y', s.functions.denseQ8(x, w, b3, b3, 0, 0, 0x40000000, 0, false), 1);
    await failsWith('denseQ8 with 2 outputs for 3 rows', s.functions.denseQ8(x, w, b3, y2, 0, 0, 0x40000000, 0, false), 2);
    await failsWith('denseQ8 with m = -1', s.functions.denseQ8(x, w, b3, y3, 0, 0, -1, 0, false), 3);
  } finally {
    await Promise.all([x, w, b3, y3, y2].map((t) => t.free()));
  }
  return n;
}

const gauss = (rng: Xorshift32): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());

/** denseF32 with and without ReLU on random layers (and special values), against the reference. */
async function checkDenseF32(s: KernelSession, rng: Xorshift32, layers: number): Promise<number> {
  let count = 0;
  for (let l = 0; l < layers; l++) {
    const n = 1 + rng.below(16);
    const k = 1 + rng.below(48);
    const x = Float32Array.from({ length: k }, () => gauss(rng));
    const w = Float32Array.from({ length: n * k }, () => gauss(rng) / Math.sqrt(k));
    const b = Float32Array.from({ length: n }, () => gauss(rng) * 0.1);
    if (l === 0) {
      // Special values travel through: an infinity, a NaN, signed zeros, a subnormal.
      x[0] = Infinity;
      b[0] = -0;
      if (n > 1) w[k] = NaN;
      if (k > 1) x[1] = 1e-40;
    }
    const relu = l % 2 === 0;
    const [tx, tw, tb, ty] = [await s.array(x), await s.array(w, { shape: [n, k] }), await s.array(b), await s.empty([n], DType.float32)];
    try {
      await s.functions.denseF32(tx, tw, tb, ty, relu);
      sameBits(`denseF32 layer ${l} (${n}x${k}${relu ? ', relu' : ''})`, await f32s(ty), denseF32Ref(x, w, b, relu));
    } finally {
      await Promise.all([tx, tw, tb, ty].map((t) => t.free()));
    }
    count++;
  }
  const i8 = await s.array(Int8Array.of(1), { dtype: DType.int8 });
  const one = await s.array(Float32Array.of(1));
  const w11 = await s.array(Float32Array.of(1), { shape: [1, 1] });
  const w21 = await s.array(Float32Array.of(1, 2), { shape: [2, 1] });
  try {
    await failsWith('denseF32 on int8', s.functions.denseF32(i8, w11, one, one, false), 1);
    await failsWith('denseF32 with 2 rows for 1 output', s.functions.denseF32(one, w21, one, one, false), 2);
  } finally {
    await Promise.all([i8, one, w11, w21].map((t) => t.free()));
  }
  return count;
}

/** biquadF32: a low-pass over a noisy two-tone signal in pieces of random length (the state
 * carries over), against the reference run over the whole signal. */
async function checkBiquad(s: KernelSession, rng: Xorshift32, samples: number): Promise<number> {
  const x = Float32Array.from({ length: samples }, (_, i) => Math.sin(i * 0.05) + 0.5 * Math.sin(i * 1.3) + 0.1 * gauss(rng));
  const coeffs = lowPass(100 + rng.below(2000), 8000);
  const want = biquadF32Ref(x, coeffs, new Float32Array(2));
  const tc = await s.array(coeffs);
  const state = await s.array(new Float32Array(2));
  const got = new Float32Array(samples);
  try {
    for (let at = 0; at < samples;) {
      const len = Math.min(samples - at, 1 + rng.below(200));
      const tx = await s.array(x.subarray(at, at + len));
      const ty = await s.empty([len], DType.float32);
      await s.functions.biquadF32(tx, ty, tc, state);
      got.set(await f32s(ty), at);
      await Promise.all([tx.free(), ty.free()]);
      at += len;
    }
    sameBits('biquadF32 output', got, want.y);
    sameBits('biquadF32 state', await f32s(state), want.state);
    await failsWith('biquadF32 with 4 coefficients', s.functions.biquadF32(state, state, state, state), 2);
  } finally {
    await Promise.all([tc.free(), state.free()]);
  }
  return samples;
}

/** Runs every kernel against the reference; throws on the first difference. */
export async function checkKernels(s: KernelSession, opts: { seed?: number; cases?: number } = {}): Promise<CheckReport> {
  const rng = new Xorshift32(opts.seed ?? 17);
  const cases = opts.cases ?? 20;
  return {
    requantize: await checkRequantize(s, rng, cases * 5),
    denseQ8: await checkDenseQ8(s, rng, cases),
    denseF32: await checkDenseF32(s, rng, cases),
    biquadF32: await checkBiquad(s, rng, cases * 50),
  };
}

async function main(uri: string | undefined): Promise<void> {
  if (uri === undefined) {
    console.error('usage: npx tsx examples/kernels/check.ts <uri> (native:build/native/firmware, local, qemu:lm3s6965evb?elf=...)');
    process.exit(2);
  }
  const app = uri === 'local' ? { app: await (await import('../../host/app/load.ts')).loadApp(path.join(path.dirname(fileURLToPath(import.meta.url)), 'app')) } : {};
  const s = await connect<AppFunctions>(uri, app);
  try {
    const r = await checkKernels(s);
    console.log(`all device results equal the reference: ${Object.entries(r).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  } catch (e) {
    if (!(e instanceof Mismatch)) throw e;
    console.error(`MISMATCH ${e.message}`);
    process.exitCode = 1;
  } finally {
    await s.close();
  }
}

// Not a top-level await: with one the module (and kernels.test.ts, which imports it) could only
// load as an ES module, and under mocha a second, ES-module copy of the firmware modules replaced
// the source maps of the first: contained panics named wrong .ts lines.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv[2]).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
