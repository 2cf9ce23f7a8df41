// The one skip policy of the suites: a test that needs a tool (gcc, valgrind, QEMU, socat, ...)
// FAILS under CI=true when the tool is missing (CI installs everything: a silent skip there would
// hide a lost install step), and elsewhere is skipped with a line saying what to install.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d !== '' && fs.existsSync(path.join(d, tool)));
}

/** Call in a `before` hook or a test: fails under CI=true, skips otherwise, when a tool is missing. */
export function requireTools(ctx: Mocha.Context, tools: readonly string[], install = 'bash scripts/setup.sh'): void {
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length === 0) return;
  const msg = `${missing.join(' and ')} not found on PATH (install: ${install})`;
  if (process.env.CI === 'true') throw new Error(`cannot run under CI=true: ${msg}`);
  console.log(`    skipping: ${msg}`);
  ctx.skip();
}
