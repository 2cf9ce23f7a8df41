import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatCorpus, type CorpusModuleReport, type CorpusResult } from '../../codegen/src/difftest/corpus.ts';

// The corpus modules and how a report is checked (shared by corpus.test.ts and qemu.test.ts).
//
// KNOWN_FAILING: corpus modules that currently fail (their test is pending), each with the
// finding that shrinks the cause to a small repro (corpus-<name>.ts, reported on issue 12) and
// the one way it may fail: `rejected` (the checker refuses it), `c-errors` (its C does not
// compile, so it is left out of the builds) or `strict` (a -Werror warning only: the relaxed builds must still agree with Node on every
// case) or `target` (only a cross build in QEMU differs, from a defect of the target's toolchain
// named by the finding: every host build must agree with Node). Failing any other way fails the test; once the finding is fixed the module simply
// passes, and its entry should go.
export type KnownFailure = { finding: string; fails: 'rejected' | 'c-errors' | 'strict' | 'target' };

// (floatops.ts and mathlib.ts were pending here as `target` failures of libgcc's v7-m
// __aeabi_dsub until the QEMU links took it from the v6-m C soft-fp: host/board/softfp.ts.)
export const KNOWN_FAILING: Readonly<Record<string, KnownFailure>> = {};

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS_DIR = path.join(REPO, 'test', 'diff', 'corpus');
export const corpusFiles = (): string[] =>
  readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => path.join(CORPUS_DIR, f));

/** Check one module's report: ok, or failing exactly as its known failure says (then pending). */
export function checkModule(ctx: Mocha.Context, r: CorpusResult, file: string): void {
  const name = path.basename(file);
  const m: CorpusModuleReport | undefined = r.modules.find((x) => x.module === file);
  assert.ok(m, `${name}: no report`);
  const one = formatCorpus({ ...r, modules: [m], build_failures: r.build_failures.filter((b) => m.strict_failures.includes(b.config)) });
  const known = KNOWN_FAILING[name];
  if (known?.fails === 'rejected' && !m.transpile_ok) ctx.skip();
  assert.ok(m.transpile_ok, `${name} rejected by the checker:\n${m.diagnostics}`);
  if (known && !m.ok) {
    if (known.fails === 'c-errors') assert.ok(m.c_errors, `${name} (known: ${known.finding}, C errors) now fails otherwise:\n${one}`);
    else if (known.fails === 'target') {
      const off = Object.entries(m.by_config).filter(([cfg, n]) => n > 0 && !cfg.startsWith('qemu:'));
      assert.ok(!m.c_errors && m.strict_failures.length === 0 && m.sanitizer.length === 0 && m.node.errors === 0 && off.length === 0,
        `${name} (known: ${known.finding}, QEMU builds only) now fails otherwise:\n${one}`);
    } else {
      // Only the strict build may fail: the relaxed builds must agree with Node.
      assert.ok(!m.c_errors && m.strict_failures.length > 0, `${name} (known: ${known.finding}) now fails otherwise:\n${one}`);
      assert.equal(m.mismatching_cases + m.sanitizer.length + m.node.errors, 0, `${name} (known: ${known.finding}, strict build only) also differs:\n${one}`);
    }
    ctx.skip();
  }
  assert.ok(m.ok, one);
  // The module must do something on most inputs, not panic on all of them.
  assert.ok(m.node.returned > m.cases / 2, `${name}: only ${m.node.returned} of ${m.cases} cases returned`);
}

