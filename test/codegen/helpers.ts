// Shared by the codegen tests: expected diagnostics written inline in fixtures, and C compilers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

import { REPO } from '../../host/repo.ts';

export { REPO };

/** `// FW2003 TS2322` at the end of a line: the codes expected on that line, as "file:line CODE". */
export function expectedCodes(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    fs.readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      const m = /\/\/((?:\s+(?:FW|TS)\d+)+)\s*$/.exec(line);
      if (!m) return;
      for (const code of m[1].trim().split(/\s+/)) out.push(`${path.relative(REPO, f)}:${i + 1} ${code}`);
    });
  }
  return out.sort();
}

export function tsFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFilesUnder(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

export const STRICT_C = ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Wconversion', '-Wsign-conversion', '-Wdouble-promotion', '-Werror', '-ffp-contract=off'];

/** Compile each .c file of `dir` to an object file; throws with the compiler's output. */
export function compileAll(dir: string, cc: string, flags: readonly string[]): void {
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.c'))) {
    try {
      execFileSync(cc, [...STRICT_C, ...flags, '-I', dir, '-c', path.join(dir, f), '-o', path.join(dir, f + '.' + path.basename(cc) + '.o')], { stdio: 'pipe' });
    } catch (err) {
      const e = err as { stderr?: Buffer };
      throw new Error(`${cc} ${flags.join(' ')} failed on ${f}:\n${e.stderr?.toString() ?? String(err)}`);
    }
  }
}

/** A fresh directory under build/ (inside the repo, so #line paths are stable relative paths). */
export function buildDir(name: string): string {
  const dir = path.join(REPO, 'build', 'test', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
