// fuzz/buildcheck.ts: one program through transpile() and a strict -fsyntax-only compile, and a
// signature of the first failure, so distinct failures can be told apart and each shrunk.
//
// README (build check): strictCheck(file, compiler) returns the checker's codes (or the
// exception transpile() threw) and, when the C was produced, the compiler's log under the strict
// flags (WARN_FLAGS, -fsyntax-only: no sanitizer build, about 0.3 s). failureSignatures() names
// each failure by its kind and message with identifiers, numbers and types blanked
// ("c-error: type mismatch in conditional expression"): the fuzz loop dedupes on these, and a
// shrink keeps a candidate only while it still shows the signature being shrunk.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { transpile } from '../index.ts';
import { run, WARN_FLAGS, writeFiles, type Compiler } from '../difftest/cdriver.ts';

export interface StrictCheck {
  /** transpile() threw (the message). */
  crash?: string;
  /** Checker diagnostics (codes and text) when it rejected the program. */
  codes: number[];
  diagnostics: string;
  /** The strict compile's log when the C was produced and failed to compile; '' when it compiled. */
  log: string;
}

export async function strictCheck(file: string, compiler: Compiler): Promise<StrictCheck> {
  let tr: ReturnType<typeof transpile>;
  try {
    tr = transpile([file], {});
  } catch (e) {
    return { crash: e instanceof Error ? e.message : String(e), codes: [], diagnostics: '', log: '' };
  }
  if (!tr.ok) return { codes: [...new Set(tr.diagnostics.map((d) => d.code))], diagnostics: tr.format(false), log: '' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'urpc-fuzz-check-'));
  try {
    writeFiles(dir, tr.files);
    const cFiles = readdirSync(dir).filter((f) => f.endsWith('.c'));
    const r = await run(compiler, [...WARN_FLAGS, '-fsyntax-only', '-I', dir, ...cFiles.map((f) => path.join(dir, f))], null, 120_000);
    return { codes: [], diagnostics: '', log: r.code === 0 ? '' : r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A compiler message with the program-specific parts blanked. */
function normalise(msg: string): string {
  return msg
    .replace(/‘[^’]*’|'[^']*'|"[^"]*"/g, 'X')
    .replace(/\b0x[0-9a-f]+\b|\b\d+\b/gi, 'N')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every distinct compiler error of a log, as `c-error: <message>` or `c-warning -W<flag>: <message>`. */
export function compileSignatures(log: string): string[] {
  const out = new Set<string>();
  for (const line of log.split('\n')) {
    const m = /:\d+:\d+: error: (.*?)(?: \[(-Werror[=,][\w-]+(?:,-W[\w-]+)?|-Werror)\])?$/.exec(line);
    if (!m) continue;
    if (m[2] && m[2] !== '-Werror') out.add(`c-warning -W${m[2].replace(/^-Werror[=,](-W)?/, '')}: ${normalise(m[1]!)}`);
    else out.add(`c-error: ${normalise(m[1]!)}`);
  }
  return [...out];
}

/** The signatures of a strict check's failure (empty when it passed). */
export function failureSignatures(c: StrictCheck): string[] {
  if (c.crash) return [`crash: ${normalise(c.crash.split('\n')[0]!)}`];
  if (c.codes.length) {
    const internal = /FW9001[^\n]*/.exec(c.diagnostics);
    return [internal ? `internal: ${normalise(internal[0].replace(/^.*?internal checker error: /, ''))}` : `rejected: FW${c.codes.join(',FW')}`];
  }
  if (!c.log) return [];
  const sigs = compileSignatures(c.log);
  return sigs.length ? sigs : ['c-error: (no message)'];
}
