// The float runtime (codegen/runtime/fw_rt.h) against the Node reference (firmware/lib/float.ts)
// on every pair of a grid of edge values: signed zeros, subnormals, NaN, the infinities, ties at
// .5, the f32 rounding boundaries and the edges of every integer type. The grid goes to C as the
// literals the lowering prints (emit/print.ts spellFloat), so the literal spelling is checked too.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as F from '../../firmware/lib/float.ts';
import { u8, i8, u16, i16, u32, i32 } from '../../firmware/lib/prelude.ts';
import { spellFloat } from '../../codegen/src/emit/print.ts';
import { REPO, STRICT_C, buildDir } from './helpers.ts';

const f64 = (x: number): F.f64 => x as F.f64;
const f32 = (x: number): F.f32 => Math.fround(x) as F.f32;

const GRID: number[] = [
  0, -0, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994, 0.1, -0.1,
  5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308, -1.7976931348623157e308,
  Infinity, -Infinity, NaN, 1.401298464324817e-45, 1.1754943508222875e-38, 3.4028234663852886e38, 3.4028235677973366e38,
  16777216, 16777217, 16777219, 8388607.5, -8388608.5, 4503599627370495.5, 4503599627370496, 9007199254740993,
  2147483647, 2147483648, -2147483648, -2147483649, 4294967295, 4294967296, 4294967297.5, -4294967297, 1e20, -1e20, 2 ** 84 + 2 ** 33,
  127.5, 128, -129, 255.9, 256, 32767.5, 32768, -32769, 65535.9, 65536, 3.5, -3.5, 1e-300, 123456.789,
];

/** Node's results for x (and x with every y): the encodings, as C prints them. */
function nodeLines(): string[] {
  const out: string[] = [];
  const h64 = (x: number): string => `${F.f64hi(f64(x)).toString(16)}:${F.f64lo(f64(x)).toString(16)}`;
  const h32 = (x: number): string => F.f32bits(f32(x)).toString(16);
  for (const x of GRID) {
    const a = f64(x);
    const s = f32(x);
    out.push([h64(F.sqrt(a)), h64(F.abs(a)), h64(F.floor(a)), h64(F.ceil(a)), h64(F.trunc(a)), h64(F.round(a)),
      h32(F.sqrtf(s)), h32(F.absf(s)), h32(F.floorf(s)), h32(F.ceilf(s)), h32(F.truncf(s)), h32(F.roundf(s)), h32(s),
      u32(a), i32(a), u8(a), i8(a), u16(a), i16(a), u32(s), i32(s)].join(' '));
    for (const y of GRID) {
      const b = f64(y);
      const t = f32(y);
      out.push([h64(F.min(a, b)), h64(F.max(a, b)), h64(F.copysign(a, b)), h32(F.minf(s, t)), h32(F.maxf(s, t)), h32(F.copysignf(s, t)),
        h64(a + b), h64(a * b), h64(a / b), h32(f32(s - t)), h32(f32(s / t)), Number(a < b), Number(a === b), Number(s <= t)].join(' '));
    }
  }
  return out;
}

function cProgram(): string {
  const d = GRID.map((v) => spellFloat(v, false)).join(', ');
  const f = GRID.map((v) => spellFloat(Math.fround(v), true)).join(', ');
  return `#include <stdio.h>
#include "fw_rt.h"
void fw_panic_at(uint32_t code, const char *file, uint32_t line) { (void)code; (void)file; (void)line; for (;;) {} }
void fw_platform_log(const char *m, const int32_t *v, uint32_t c) { (void)m; (void)v; (void)c; }
static const double D[] = { ${d} };
static const float S[] = { ${f} };
static void h64(double x, const char *sep) { printf("%lx:%lx%s", (unsigned long)fw_f64hi(x), (unsigned long)fw_f64lo(x), sep); }
static void h32(float x, const char *sep) { printf("%lx%s", (unsigned long)fw_f32bits(x), sep); }
int main(void) {
  size_t i, j, n = sizeof D / sizeof D[0];
  for (i = 0; i < n; i++) {
    double a = D[i];
    float s = S[i];
    h64(fw_sqrt(a), " "); h64(fw_abs(a), " "); h64(fw_floor(a), " "); h64(fw_ceil(a), " "); h64(fw_trunc(a), " "); h64(fw_round(a), " ");
    h32(fw_sqrtf(s), " "); h32(fw_absf(s), " "); h32(fw_floorf(s), " "); h32(fw_ceilf(s), " "); h32(fw_truncf(s), " "); h32(fw_roundf(s), " ");
    h32((float)a, " ");
    printf("%lu %ld %u %d %u %d %lu %ld\\n", (unsigned long)fw_f64_u32(a), (long)fw_f64_i32(a), (unsigned)(uint8_t)fw_f64_u32(a),
      (int)fw_i8(fw_f64_u32(a)), (unsigned)(uint16_t)fw_f64_u32(a), (int)fw_i16(fw_f64_u32(a)), (unsigned long)fw_f32_u32(s), (long)fw_f32_i32(s));
    for (j = 0; j < n; j++) {
      double b = D[j];
      float t = S[j];
      h64(fw_min(a, b), " "); h64(fw_max(a, b), " "); h64(fw_copysign(a, b), " ");
      h32(fw_minf(s, t), " "); h32(fw_maxf(s, t), " "); h32(fw_copysignf(s, t), " ");
      h64(a + b, " "); h64(a * b, " "); h64(a / b, " "); h32(s - t, " "); h32(s / t, " ");
      printf("%d %d %d\\n", a < b, a == b, s <= t);
    }
  }
  return 0;
}
`;
}

describe('codegen: the float runtime agrees with the Node reference on an edge grid', function () {
  this.timeout(300_000);
  const expected = nodeLines();
  for (const [cc, opt] of [['gcc', '-O0'], ['gcc', '-O2'], ['clang', '-O2']] as const) {
    it(`${cc} ${opt} (ASan+UBSan, strict flags)`, () => {
      const dir = buildDir(`float-grid-${cc}${opt}`);
      fs.copyFileSync(path.join(REPO, 'codegen/runtime/fw_rt.h'), path.join(dir, 'fw_rt.h'));
      fs.writeFileSync(path.join(dir, 'grid.c'), cProgram());
      const exe = path.join(dir, 'grid');
      execFileSync(cc, [...STRICT_C, opt, '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-I', dir, path.join(dir, 'grid.c'), '-lm', '-o', exe], { stdio: 'pipe' });
      const lines = execFileSync(exe, { maxBuffer: 1 << 26 }).toString().trimEnd().split('\n');
      assert.equal(lines.length, expected.length);
      const bad = lines.findIndex((l, k) => l !== expected[k]);
      assert.equal(bad, -1, bad < 0 ? '' : `line ${bad}:\n  node ${expected[bad]}\n  c    ${lines[bad]}`);
    });
  }
});
