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
import { requantizeRef, quantizeMultiplier, denseQ8Ref, type DenseQ8Case } from './reference.ts';
import type { AppFunctions } from './app/app.d.ts';

export type KernelSession = RpcSession<AppFunctions>;

/** What a check did: how many device results it compared. */
export interface CheckReport {
  requantize: number;
  denseQ8: number;
}

class Mismatch extends Error {}

function same(what: string, got: unknown, want: unknown): void {
  const g = got instanceof Uint8Array || ArrayBuffer.isView(got) ? [...(got as Int8Array)] : got;
  const w = ArrayBuffer.isView(want) ? [...(want as Int8Array)] : want;
  if (JSON.stringify(g) !== JSON.stringify(w)) throw new Mismatch(`${what}: device ${JSON.stringify(g)}, reference ${JSON.stringify(w)}`);
}

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

/** Runs every kernel against the reference; throws on the first difference. */
export async function checkKernels(s: KernelSession, opts: { seed?: number; cases?: number } = {}): Promise<CheckReport> {
  const rng = new Xorshift32(opts.seed ?? 17);
  const cases = opts.cases ?? 20;
  return {
    requantize: await checkRequantize(s, rng, cases * 5),
    denseQ8: await checkDenseQ8(s, rng, cases),
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

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv[2]);
