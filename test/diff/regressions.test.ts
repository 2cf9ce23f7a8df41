// Every program in test/diff/regressions/ (saved by fuzz-codegen, or minimised by hand) must
// behave the same in Node and in C. A file's `// @difftest cases=N seed=S outSize=K` line gives
// its inputs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { difftest, formatDifftest } from '../../codegen/src/difftest/index.ts';
import { FAST_TIER } from '../tier.ts';

const DIR = fileURLToPath(new URL('./regressions/', import.meta.url));
// The fast tier (test/tier.ts) builds each program with both compilers at -O2 only, not also at -O0.
const LEVELS = FAST_TIER ? { optLevels: ['-O2'] as const } : {};

describe(`difftest regressions${FAST_TIER ? ' (fast tier: gcc and clang -O2)' : ''}`, function () {
  this.timeout(300_000);
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts')).sort();
  for (const f of files) {
    it(f, async function () {
      const file = path.join(DIR, f);
      const text = readFileSync(file, 'utf8');
      const spec = /@difftest (.*)/.exec(text)?.[1] ?? '';
      const num = (k: string, d: number): number => Number(new RegExp(`${k}=(\\d+)`).exec(spec)?.[1] ?? d);
      const r = await difftest(file, { cases: num('cases', 40), seed: num('seed', 1), outSize: num('outSize', 256), ...LEVELS });
      assert.ok(r.ok, formatDifftest(r));
    });
  }
});
