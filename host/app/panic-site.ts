// Node: where a FwPanic was raised, for the exception of a contained panic in a user device
// function (firmware/rpc/contain.ts). The C side gets it from __FILE__/__LINE__ under the
// generated #line directives: the .ts file (relative to the generated C, leading ../ dropped) and
// the line of the statement. Here it is the innermost stack frame outside the prelude, relative to
// the repository (leading ../ dropped the same way), and the line of the call that panicked: the
// two agree when that call's statement starts on its line (a statement spread over several lines
// may give the C its first line).
//
// The frames are V8's call sites mapped through Node's source maps (tsx registers them), not the
// text of e.stack: whoever formats stacks (TypeScript's compiler API installs source-map-support
// once it is loaded) may get the .ts lines wrong.
import { findSourceMap } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setPanicSiteReader, type FwPanic, type PanicSite } from '../../firmware/lib/prelude.ts';
import { REPO } from '../repo.ts';

const PRELUDE = path.join(REPO, 'firmware', 'lib', 'prelude.ts');
const NONE: PanicSite = { file: new Uint8Array(0), line: 0 };

interface CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}

/** V8's call sites of e (its stack must not have been read before: V8 formats it once). */
function callSites(e: Error): CallSite[] {
  const prev = Error.prepareStackTrace;
  Error.prepareStackTrace = (_err, sites) => sites;
  try {
    const s = e.stack as unknown;
    return Array.isArray(s) ? (s as CallSite[]) : [];
  } finally {
    Error.prepareStackTrace = prev;
  }
}

/** The .ts file and 1-based line of a call site. */
function original(site: CallSite): { file: string; line: number } | undefined {
  const name = site.getFileName();
  const line = site.getLineNumber();
  const col = site.getColumnNumber();
  if (!name || line === null || col === null) return undefined;
  const file = name.startsWith('file:') ? fileURLToPath(name) : name;
  const map = findSourceMap(name) ?? findSourceMap(file);
  const entry = map?.findEntry(line - 1, col - 1) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource !== undefined && entry.originalLine !== undefined) {
    const src = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
    return { file: src, line: entry.originalLine + 1 };
  }
  return { file, line };
}

export function panicSiteOf(e: FwPanic): PanicSite {
  for (const site of callSites(e)) {
    const o = original(site);
    if (o === undefined || !o.file.endsWith('.ts') || path.resolve(o.file) === PRELUDE) continue;
    const rel = path.relative(REPO, o.file).split(path.sep).filter((s) => s !== '..' && s !== '.').join('/');
    return { file: new TextEncoder().encode(rel), line: o.line };
  }
  return NONE;
}

/** Makes contained panics in this process name their .ts file:line (LocalSession, loadApp). */
export function installPanicSites(): void {
  setPanicSiteReader(panicSiteOf);
}
