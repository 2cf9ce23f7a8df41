// The REPL's history file (~/.urpc_history, URPC_HISTORY overrides): bounded to the last
// HISTORY_LINES commands, so years of sessions do not grow it without end.
import * as fs from 'node:fs';

export const HISTORY_LINES = 500;

/** The history, newest first (readline's order), at most `max` lines. */
export function readHistory(file: string, max = HISTORY_LINES): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse().slice(0, max);
  } catch {
    return []; // none yet
  }
}

/** Appends a command; once the file holds twice `max` lines it is cut back to the last `max`
 * (cutting at every append would rewrite the file each time). */
export function appendHistory(file: string, line: string, max = HISTORY_LINES): void {
  fs.appendFileSync(file, `${line}\n`);
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  if (lines.length > 2 * max) fs.writeFileSync(file, `${lines.slice(-max).join('\n')}\n`);
}
