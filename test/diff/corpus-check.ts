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
// case). Failing any other way fails the test; once the finding is fixed the module simply
// passes, and its entry should go.
export type KnownFailure = { finding: string; fails: 'rejected' | 'c-errors' | 'strict' };

export const KNOWN_FAILING: Readonly<Record<string, KnownFailure>> = {
  // Exported function with a module-private class/enum in its signature: the header does not compile.
  // (calendar.ts also hits corpus-cond-literal once it compiles: `(m <= 2 ? 1 : 0)` is folded to 0.)
  'calendar.ts': { finding: 'corpus-export-private-type', fails: 'c-errors' },
  'hexcodec.ts': { finding: 'corpus-export-private-type', fails: 'c-errors' },
  'tlv.ts': { finding: 'corpus-export-private-type', fails: 'c-errors' },
  // A switch returning in every case of an enum: C has no return after it (-Werror=return-type).
  'debounce.ts': { finding: 'corpus-switch-return', fails: 'strict' },
  'nmea.ts': { finding: 'corpus-switch-return', fails: 'strict' },
  // A conditional between a bytes(N) field and a Bytes value: invalid C. Once it compiles,
  // corpus-mixed-width-cond: `u32(!long ? hdr : rd16be(b, 1))` truncates the u16 arm to u8.
  'packet.ts': { finding: 'corpus-buffer-conditional', fails: 'c-errors' },
  // A handler picked by a conditional (`const h: Handler = low ? a : b`): FW9001 internal error.
  'eventq.ts': { finding: 'corpus-fn-conditional', fails: 'rejected' },
};

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
    else {
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

