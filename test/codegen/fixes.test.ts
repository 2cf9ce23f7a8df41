// Every diagnostic's fix, verified: for each code of the catalogue a wrong snippet must give that
// code and nothing else, and its fixed form (test/codegen/fix-pairs.ts) must pass TypeScript and
// the checker, lower, and compile under the strict flags with gcc and arm-none-eabi-gcc
// (Cortex-M0+). docs/fwts.md's Diagnostics tables must show a wrong and a fixed form that the
// pairs contain.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transpile } from '../../codegen/src/index.ts';
import { CATALOGUE, type Code } from '../../codegen/src/check/catalogue.ts';
import { fwCode } from '../../codegen/src/check/report.ts';
import { PAIRS, NO_PAIR, type FixPair } from './fix-pairs.ts';
import { REPO, buildDir, compileAll } from './helpers.ts';
import { onPath } from '../tools.ts';

const PRELUDE = path.join(REPO, 'firmware/lib/prelude.ts');

/** The Cortex-M build too where the cross compiler is installed (test/tools.ts: required under
 * CI=true; elsewhere said once and left out). */
const HAS_ARM = ((): boolean => {
  if (onPath('arm-none-eabi-gcc')) return true;
  if (process.env.CI === 'true') throw new Error('cannot run under CI=true: arm-none-eabi-gcc not found on PATH (install: bash scripts/setup.sh)');
  console.log('    codegen fixes: arm-none-eabi-gcc not found on PATH, the Cortex-M builds are left out (install: bash scripts/setup.sh)');
  return false;
})();

/** Writes the snippet (and its other modules) under `dir`; returns the entry file. */
function writeProgram(dir: string, main: string, more: FixPair['more']): string {
  const files: [string, string][] = [['main.ts', main], ...Object.entries(more ?? {})];
  for (const [rel, text] of files) {
    const f = path.join(dir, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    const prelude = path.relative(path.dirname(f), PRELUDE).split(path.sep).join('/');
    fs.writeFileSync(f, text.replaceAll("'@prelude'", `'${prelude}'`) + '\n');
  }
  return path.join(dir, 'main.ts');
}

function codesOf(r: ReturnType<typeof transpile>): string[] {
  return r.diagnostics.map(fwCode);
}

/** Whitespace-insensitive; `@prelude` as docs/fwts.md spells it (from a module in firmware/app/). */
const normal = (s: string): string => s.replaceAll("'@prelude'", "'../lib/prelude.ts'").replace(/\s+/g, ' ').trim();

/** `| FW2006 | wrong | fix |` rows of docs/fwts.md: the code spans of each column, by code. */
function docRows(): Map<string, { wrong: string[]; fix: string[] }> {
  const doc = fs.readFileSync(path.join(REPO, 'docs/fwts.md'), 'utf8');
  const rows = new Map<string, { wrong: string[]; fix: string[] }>();
  for (const line of doc.split('\n')) {
    if (!/^\| FW\d+ \|/.test(line)) continue;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.replaceAll('\\|', '|').trim());
    const spans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => normal(m[1]));
    rows.set(cells[0], { wrong: spans(cells[1] ?? ''), fix: spans(cells[2] ?? '') });
  }
  return rows;
}

describe('codegen: every diagnostic has a tested fix (docs/fwts.md)', () => {
  const seen = new Map<Code, number>();
  for (const pair of PAIRS) {
    const n = (seen.get(pair.code) ?? 0) + 1;
    seen.set(pair.code, n);
    const name = `FW${pair.code}${n > 1 ? `-${n}` : ''}`;
    it(`${name}: the wrong snippet gives exactly ${pair.expect?.join(' + ') ?? `FW${pair.code}`}; the fix lowers and builds with -Werror (gcc, arm-none-eabi-gcc)`, () => {
      const wrong = transpile([writeProgram(buildDir(`fixes/${name}-wrong`), pair.wrong, pair.more)]);
      const want = pair.expect ?? [`FW${pair.code}`];
      assert.deepEqual([...new Set(codesOf(wrong))].sort(), [...want].sort(), wrong.format(false));
      assert.equal(wrong.files.size, 0);

      const dir = buildDir(`fixes/${name}-fixed`);
      const out = path.join(dir, 'c');
      const fixed = transpile([writeProgram(dir, pair.fixed, pair.fixedMore ?? pair.more)], { outDir: out });
      assert.deepEqual(codesOf(fixed), [], fixed.format(false));
      assert.ok(fixed.files.has('main.c'));
      compileAll(out, 'gcc', ['-O2']);
      if (HAS_ARM) compileAll(out, 'arm-none-eabi-gcc', ['-mcpu=cortex-m0plus', '-mthumb', '-Os']);
    });
  }

  it('every catalogue code has a pair (except the internal error)', () => {
    const missing = Object.keys(CATALOGUE).map(Number).filter((c) => !NO_PAIR.has(c as Code) && !PAIRS.some((p) => p.code === c));
    assert.deepEqual(missing, []);
  });

  it("docs/fwts.md's wrong and fix columns show code that the pairs test", () => {
    const rows = docRows();
    const problems: string[] = [];
    for (const code of Object.keys(CATALOGUE).map(Number) as Code[]) {
      if (NO_PAIR.has(code)) continue;
      const row = rows.get(`FW${code}`);
      if (!row) { problems.push(`FW${code}: no row`); continue; }
      const pairs = PAIRS.filter((p) => p.code === code);
      const inAny = (spans: string[], texts: string[]): boolean => spans.some((s) => texts.some((t) => normal(t).includes(s)));
      if (row.wrong.length && !inAny(row.wrong, pairs.map((p) => p.wrong))) problems.push(`FW${code}: no wrong snippet contains any of ${JSON.stringify(row.wrong)}`);
      if (row.fix.length && !inAny(row.fix, pairs.map((p) => p.fixed))) problems.push(`FW${code}: no fixed snippet contains any of ${JSON.stringify(row.fix)}`);
    }
    assert.deepEqual(problems, []);
  });
});
