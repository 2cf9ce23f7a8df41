// The FwTS math library (firmware/lib/math-exp.ts, math-trig.ts, math-pio2.ts) against Node's Math.*:
// the largest ulp distance over seeded random inputs (random bits: every exponent, and the ranges
// where each function does its work) plus the edge values, per function, must stay within the
// bound docs/fwts.md ("Math") tables; the special values (NaN, infinities, signed zeros) must be
// Math's exactly. powi is also checked against the exactly rounded x^n (BigInt), and the table of
// 2/pi's bits against a BigInt recomputation. Bit-identity of Node and C is the difftest's job
// (test/diff/corpus/mathlib.ts).
import { strict as assert } from 'node:assert';
import { f32, f64, i32, type f32 as F32, type f64 as F64 } from '../../firmware/lib/prelude.ts';
import * as M from '../../firmware/lib/math-exp.ts';
import * as T from '../../firmware/lib/math-trig.ts';
import { TWO_OVER_PI } from '../../firmware/lib/math-pio2.ts';
import { Rand, decompose, expErr, fromBits, logErr, powExact, roundRational, trigErr, twoOverPiLimbs, ulps32, ulps64 } from './math-ref.ts';

type Unary = (x: F64) => F64;
type UnaryF = (x: F32) => F32;

const MIN_SUB = 5e-324;
const MIN_NORMAL = 2.2250738585072014e-308;
const EDGES: readonly number[] = [
  0, -0, Infinity, -Infinity, NaN, MIN_SUB, -MIN_SUB, MIN_NORMAL, -MIN_NORMAL, fromBits(0x000fffff, 0xffffffff),
  Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 0.5, -0.5, 2, -2, 1 + 2 ** -52, 1 - 2 ** -53, 2 ** -28, 2 ** -54, 2 ** -1022,
  Math.PI, -Math.PI, Math.PI / 2, Math.PI / 4, -Math.PI / 4, 3 * Math.PI / 4, 0.7853981633974483, 0.7853981633974484,
  709.782712893384, 709.7827128933841, 710, -745.1332191019411, -745.1332191019412, -746, 38.816242111356935,
  1024, 1023.9999999999999, -1022, -1074, -1074.5, -1075, -1075.0000000000002, 1e300, -1e300, 1e22, 2 ** 20 * Math.PI / 2,
  fromBits(0x413921fb, 0x54442d18), fromBits(0x413921fa, 0xffffffff), 6381956970095103 * 2 ** 797, 2 ** 1023, 2 ** 52, 2 ** 53,
  0.34657359027997264, 0.3465735902799727, 1.0397207708399179, 22, -22, 21.999999999999996, 0.4375, 0.6875, 1.1875, 2.4375,
  2 ** 66, -(2 ** 66), 7.0710678118654757e-01, 1.4142135623730951, 0.9999999999999999, 1.0000000000000002,
];

/** Max ulps of f against ref over xs; the worst input. */
function worst(f: (x: number) => number, ref: (x: number) => number, xs: Iterable<number>): { max: number; at: number; n: number } {
  let max = 0;
  let at = NaN;
  let n = 0;
  for (const x of xs) {
    n++;
    const u = ulps64(f(x), ref(x));
    if (u > max) {
      max = u;
      at = x;
    }
  }
  return { max, at, n };
}

function* inputs(seed: number, count: number, ranges: readonly (readonly [number, number])[]): Generator<number> {
  const r = new Rand(seed);
  yield* EDGES;
  for (let i = 0; i < count; i++) yield r.bits();
  for (const [lo, hi] of ranges) for (let i = 0; i < count; i++) yield r.range(lo, hi);
}

interface Case {
  name: string;
  f: Unary;
  fF: UnaryF;
  ref: (x: number) => number;
  refName: string;
  ranges: readonly (readonly [number, number])[];
  /** docs/fwts.md's bound, in ulps of the f64 result. */
  bound: number;
}

const CASES: readonly Case[] = [
  { name: 'exp', f: M.exp, fF: M.expf, ref: Math.exp, refName: 'Math.exp', ranges: [[-746, 710], [-1, 1]], bound: 1 },
  { name: 'expm1', f: M.expm1, fF: M.expm1f, ref: Math.expm1, refName: 'Math.expm1', ranges: [[-40, 710], [-1, 1], [-1e-6, 1e-6]], bound: 1 },
  { name: 'exp2', f: M.exp2, fF: M.exp2f, ref: (x) => 2 ** x, refName: '2 ** x', ranges: [[-1080, 1025], [-1, 1]], bound: 1 },
  { name: 'log', f: M.log, fF: M.logf, ref: Math.log, refName: 'Math.log', ranges: [[0, 10], [0.999, 1.001], [0, 1e-300]], bound: 1 },
  { name: 'log2', f: M.log2, fF: M.log2f, ref: Math.log2, refName: 'Math.log2', ranges: [[0, 10], [0.999, 1.001], [0, 1e-300]], bound: 1 },
  { name: 'tanh', f: M.tanh, fF: M.tanhf, ref: Math.tanh, refName: 'Math.tanh', ranges: [[-25, 25], [-1, 1], [-1e-3, 1e-3]], bound: 1 },
  { name: 'sin', f: T.sin, fF: T.sinf, ref: Math.sin, refName: 'Math.sin', ranges: [[-10, 10], [-1.7e6, 1.7e6], [-1e15, 1e15]], bound: 1 },
  { name: 'cos', f: T.cos, fF: T.cosf, ref: Math.cos, refName: 'Math.cos', ranges: [[-10, 10], [-1.7e6, 1.7e6], [-1e15, 1e15]], bound: 1 },
  { name: 'atan', f: T.atan, fF: T.atanf, ref: Math.atan, refName: 'Math.atan', ranges: [[-5, 5], [-1e-4, 1e-4], [-1e20, 1e20]], bound: 1 },
  {
    name: 'sigmoid', f: M.sigmoid, fF: M.sigmoidf, refName: '1 / (1 + Math.exp(-x))',
    ref: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), ranges: [[-750, 40], [-5, 5]], bound: 1,
  },
];

const COUNT = 20_000;
const measured: string[] = [];

describe('FwTS math library (firmware/lib/math*.ts) against Math.*', function () {
  this.timeout(120_000);
  after(() => {
    if (measured.length) console.log(`      max ulps measured (Node ${process.version}):\n        ${measured.join('\n        ')}`);
  });

  it("has 2/pi's bits in math-pio2.ts's table (BigInt recomputation by Machin's formula)", () => {
    assert.deepEqual([...TWO_OVER_PI], twoOverPiLimbs(TWO_OVER_PI.length));
    // long enough: the window of the largest double (exponent 971) ends at bit 1163
    assert.ok(TWO_OVER_PI.length * 16 >= 1163);
  });

  for (const c of CASES) {
    it(`${c.name}: within ${c.bound} ulp of ${c.refName} over random doubles, its working ranges and the edges`, () => {
      const w = worst((x) => c.f(f64(x)), c.ref, inputs(0x5eed + c.name.length, COUNT, c.ranges));
      measured.push(`${c.name.padEnd(8)} ${w.max} ulp (of ${w.n} inputs${w.max > 0 ? `, e.g. at ${w.at}` : ''})`);
      assert.ok(w.max <= c.bound, `${c.name}: ${w.max} ulp at x = ${w.at} (${c.name}(x) = ${c.f(f64(w.at))}, ${c.refName} = ${c.ref(w.at)})`);
    });
  }

  it('atan2: within 1 ulp of Math.atan2 over random pairs, signed zeros and infinities', () => {
    const r = new Rand(0xa7a2);
    const pick = (): number => {
      const k = r.u32() % 4;
      if (k === 0) return r.bits();
      if (k === 1) return r.range(-10, 10);
      if (k === 2) return EDGES[r.u32() % EDGES.length]!;
      return r.range(-1e-3, 1e-3);
    };
    let max = 0;
    let at: [number, number] = [0, 0];
    for (let i = 0; i < 4 * COUNT; i++) {
      const y = pick();
      const x = pick();
      const got = T.atan2(f64(y), f64(x));
      const want = Math.atan2(y, x);
      if (got === 0 || want === 0 || !Number.isFinite(want)) assert.ok(Object.is(got, want), `atan2(${y}, ${x}) = ${got}, Math: ${want}`);
      const u = ulps64(got, want);
      if (u > max) {
        max = u;
        at = [y, x];
      }
    }
    measured.push(`atan2    ${max} ulp (of ${4 * COUNT} pairs${max > 0 ? `, e.g. at ${at}` : ''})`);
    assert.ok(max <= 1, `atan2: ${max} ulp at (${at})`);
  });

  it('the special values are those of Math.* exactly (NaN, infinities, the sign of a zero)', () => {
    for (const c of CASES) {
      for (const x of EDGES) {
        const got = c.f(f64(x));
        const want = c.ref(x);
        if (Number.isNaN(want) || !Number.isFinite(want) || want === 0 || !Number.isFinite(x) || x === 0) {
          assert.ok(Object.is(got, want), `${c.name}(${Object.is(x, -0) ? '-0' : x}) = ${got}, ${c.refName}: ${want}`);
        }
      }
    }
  });

  it('exp, log, sin and cos are below 1 ulp from the true value (BigInt references, 320 bits)', () => {
    const r = new Rand(0xe4ac7);
    const finite = (): number => {
      const v = Math.abs(r.bits());
      return Number.isFinite(v) && v > 2 ** -200 ? v : 1.5;
    };
    const runs: [string, () => number, (x: number) => number][] = [
      ['exp', () => (r.u32() % 2 === 0 ? r.range(-708, 709) : r.range(-1, 1)), (x) => expErr(x, M.exp(f64(x)))],
      ['log', () => (r.u32() % 2 === 0 ? finite() : r.range(0.5, 2)), (x) => (x === 1 ? 0 : logErr(x, M.log(f64(x))))],
      ['sin', () => (r.u32() % 2 === 0 ? finite() : r.range(-10, 10)), (x) => trigErr(x, T.sin(f64(x)), true)],
      ['cos', () => (r.u32() % 2 === 0 ? finite() : r.range(-10, 10)), (x) => trigErr(x, T.cos(f64(x)), false)],
    ];
    for (const [name, gen, err] of runs) {
      let max = 0;
      let at = NaN;
      for (let i = 0; i < 1500; i++) {
        const x = gen();
        const e = err(x);
        if (e > max) {
          max = e;
          at = x;
        }
      }
      measured.push(`${name.padEnd(8)} ${max.toFixed(3)} ulp from the true value (1500 inputs)`);
      assert.ok(max < 1, `${name}: ${max} ulp from the true value at ${at}`);
    }
  });

  it('is exact where docs/fwts.md says: exp(1) = Math.E, exp2 of an integer, log2 of a power of two', () => {
    assert.equal(M.exp(f64(1)), Math.E);
    for (let k = -1080; k <= 1030; k++) {
      assert.ok(Object.is(M.exp2(f64(k)), 2 ** k), `exp2(${k}) = ${M.exp2(f64(k))}`);
      if (k >= -1074 && k <= 1023) assert.equal(M.log2(f64(2 ** k)), k);
    }
  });

  it('powi: exactly rounded x^n (BigInt reference) for normal results, within 1 ulp of Math.pow', () => {
    const r = new Rand(0x9041);
    let mathMax = 0;
    let exactMax = 0;
    let n = 0;
    const xs = (): number => {
      const k = r.u32() % 3;
      if (k === 0) return r.bits();
      if (k === 1) return r.range(-4, 4);
      return 1 + r.range(-1e-6, 1e-6);
    };
    for (let i = 0; i < COUNT / 2; i++) {
      const x = xs();
      if (!Number.isFinite(x)) continue;
      const e = (r.u32() % 129) - 64;
      const got = M.powi(f64(x), i32(e));
      mathMax = Math.max(mathMax, ulps64(got, Math.pow(x, e)));
      if (x === 0) continue;
      const exact = powExact(x, e);
      const u = ulps64(got, exact);
      // subnormal results are rounded twice (mantissa, then the scaling): 1 ulp allowed there
      const allowed = Math.abs(exact) < MIN_NORMAL ? 1 : 0;
      assert.ok(u <= allowed, `powi(${x}, ${e}) = ${got}, exactly rounded: ${exact}`);
      exactMax = Math.max(exactMax, u);
      n++;
    }
    // huge exponents: the exponent is kept apart from the mantissa, so nothing overflows early
    for (const [x, e] of [[1 + 2 ** -52, 2 ** 31 - 1], [1 - 2 ** -53, -(2 ** 31)], [0.5, -1074], [2, -1075], [2, 1023], [2, 1024], [-2, 1023], [1e-160, -2], [-1, -(2 ** 31)], [-1, 2 ** 31 - 1], [3, 40], [10, 22], [10, 23], [10, -5]] as const) {
      const got = M.powi(f64(x), i32(e));
      if (Math.abs(e) <= 2000) assert.ok(ulps64(got, powExact(x, e)) === 0, `powi(${x}, ${e}) = ${got}, exactly: ${powExact(x, e)}`);
      else assert.ok(ulps64(got, Math.pow(x, e)) <= 1, `powi(${x}, ${e}) = ${got}, Math.pow: ${Math.pow(x, e)}`);
    }
    for (const x of EDGES) for (const e of [0, 1, 2, 3, -1, -2, -3]) {
      const want = Math.pow(x, e);
      const got = M.powi(f64(x), i32(e));
      if (!Number.isFinite(want) || want === 0 || Number.isNaN(want)) assert.ok(Object.is(got, want), `powi(${x}, ${e}) = ${got}, Math.pow: ${want}`);
    }
    measured.push(`powi     ${mathMax} ulp from Math.pow, ${exactMax} from the exact x^n (${n} inputs)`);
    assert.ok(mathMax <= 1);
  });

  it('ldexp rounds once: x * 2^n exactly rounded, subnormal results included', () => {
    const r = new Rand(0x1d);
    for (let i = 0; i < COUNT; i++) {
      const x = r.bits();
      if (!Number.isFinite(x) || x === 0) continue;
      const n = (r.u32() % 4400) - 2200;
      const got = M.ldexp(f64(x), i32(n));
      const [m, e] = decompose(x);
      const want = Math.sign(x) * roundRational(m, 1n, e + n);
      assert.ok(Object.is(got, want), `ldexp(${x}, ${n}) = ${got}, exactly: ${want}`);
    }
  });

  it('the f32 forms are within 1 ulp (of f32) of Math.fround of the Math.* result', () => {
    const r = new Rand(0xf32);
    for (const c of CASES) {
      let max = 0;
      let at = NaN;
      for (let i = 0; i < COUNT; i++) {
        const x = i % 2 === 0 ? r.bits32() : Math.fround(r.range(c.ranges[0]![0], c.ranges[0]![1]));
        const u = ulps32(c.fF(f32(x)), Math.fround(c.ref(x)));
        if (u > max) {
          max = u;
          at = x;
        }
      }
      measured.push(`${(c.name + 'f').padEnd(8)} ${max} ulp of f32`);
      assert.ok(max <= 1, `${c.name}f: ${max} ulp at ${at}`);
    }
    let max = 0;
    for (let i = 0; i < COUNT; i++) {
      const y = r.bits32();
      const x = r.bits32();
      max = Math.max(max, ulps32(T.atan2f(f32(y), f32(x)), Math.fround(Math.atan2(y, x))));
    }
    assert.ok(max <= 1, `atan2f: ${max} ulp`);
  });
});
