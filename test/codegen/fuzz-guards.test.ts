// Field and module-state guards in the fuzz generator (codegen/src/fuzz/gen.ts fieldGuards):
// `if (this.n < b.length) { ... b[this.n] ... }`, while loops, early returns and conditionals on
// fields and module state. The generated guards must be ones the index proofs
// (codegen/src/proofs.ts) accept; and, made unsound by an assignment of the tested field or a
// call that rebinds module state just before the access (GenOptions.invalidateGuards), each of
// them must be rejected with FW3003. Checker only: about 30 s.
import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { transpile } from '../../codegen/src/index.ts';
import { FW_CODE_BASE } from '../../codegen/src/check/report.ts';
import { prune, renderProgram } from '../../codegen/src/fuzz/ast.ts';
import { featuresOf } from '../../codegen/src/fuzz/coverage.ts';
import { Generator, type GenOptions } from '../../codegen/src/fuzz/gen.ts';
import { REPO } from './helpers.ts';

const DIR = path.join(REPO, 'build', 'test', 'fuzz-guards');
const PRELUDE = path.relative(DIR, path.join(REPO, 'firmware/lib/prelude.ts')).split(path.sep).join('/');
const FIELD_GUARDS = ['field-guard-if', 'field-guard-while', 'field-guard-return'];

/** How often a tag occurs in the program as rendered (pruned). */
function tagCount(p: ReturnType<Generator['generate']>, tag: string): number {
  let n = 0;
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if ((x as { tag?: string }).tag === tag) n++;
      Object.values(x).forEach(walk);
    }
  };
  walk(prune(p));
  return n;
}

/** Programs (seed -> source) from `count` seeds from `seed` up that contain a field guard. */
function programs(seed: number, count: number, opts: GenOptions): Map<number, { file: string; invalid: number }> {
  const out = new Map<number, { file: string; invalid: number }>();
  for (let s = seed; out.size < count && s < seed + 20 * count; s++) {
    const ast = new Generator(s, { ...opts, preludeImport: PRELUDE, tag: String(s) }).generate();
    const f = featuresOf(ast);
    if (!FIELD_GUARDS.some((t) => f.has(t))) continue;
    const file = path.join(DIR, `${opts.invalidateGuards ? 'bad' : 'ok'}_${s}.ts`);
    writeFileSync(file, renderProgram(ast));
    out.set(s, { file, invalid: tagCount(ast, 'guard-invalidated') });
  }
  return out;
}

/** FW codes (3003 for FW3003) per file of one checker run over all of them. */
function codesByFile(files: string[]): Map<string, number[]> {
  const tr = transpile(files, {});
  const out = new Map<string, number[]>(files.map((f) => [f, []]));
  for (const d of tr.diagnostics) {
    const f = d.file && path.resolve(d.file.fileName);
    assert.ok(f && out.has(f), `a diagnostic outside the programs: ${tr.format(false).slice(0, 800)}`);
    out.get(f)!.push(d.code - FW_CODE_BASE);
  }
  return out;
}

describe('fuzz-codegen: guards on fields and module state', function () {
  this.timeout(300_000);
  before(() => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR, { recursive: true });
  });

  it('the generated guards are accepted by the index proofs (20 programs with field guards)', () => {
    const ps = programs(731000, 20, {});
    assert.equal(ps.size, 20);
    const codes = codesByFile([...ps.values()].map((p) => p.file));
    for (const [s, p] of ps) assert.deepEqual(codes.get(p.file), [], `seed ${s}`);
  });

  it('each guard made unsound just before its access is rejected with FW3003 (20 programs)', () => {
    const ps = programs(731000, 20, { invalidateGuards: true });
    const broken = [...ps].filter(([, p]) => p.invalid > 0);
    assert.ok(broken.length >= 15, `only ${broken.length} programs with an invalidated guard`);
    const codes = codesByFile(broken.map(([, p]) => p.file));
    for (const [s, p] of broken) {
      const c = codes.get(p.file)!;
      assert.deepEqual([...new Set(c)], [3003], `seed ${s}: ${c.join(' ')}`);
      // One access after each breaker at least (more when it also voids an enclosing guard).
      assert.ok(c.length >= p.invalid, `seed ${s}: ${c.length} FW3003 for ${p.invalid} invalidated guards`);
    }
  });
});
