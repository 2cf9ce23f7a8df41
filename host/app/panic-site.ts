// Node: where a FwPanic was raised, for the exception of a contained panic in a user device
// function (firmware/rpc/contain.ts). The C side gets it from __FILE__/__LINE__ under the
// generated #line directives: the .ts file (relative to the generated C, leading ../ dropped) and
// the line of the statement. Here it is the innermost stack frame outside the prelude, relative to
// the repository (leading ../ dropped the same way), and the line of the call that panicked: the
// two agree when that call's statement starts on its line (a statement spread over several lines
// may give the C its first line).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setPanicSiteReader, type FwPanic, type PanicSite } from '../../firmware/lib/prelude.ts';
import { REPO } from '../repo.ts';

const PRELUDE = path.join(REPO, 'firmware', 'lib', 'prelude.ts');
const FRAME = /\(?((?:file:\/\/)?[^\s()]+\.ts):(\d+):\d+\)?\s*$/;

export function panicSiteOf(e: FwPanic): PanicSite {
  for (const l of (e.stack ?? '').split('\n').slice(1)) {
    const m = FRAME.exec(l);
    if (m === null) continue;
    const file = m[1].startsWith('file:') ? fileURLToPath(m[1]) : m[1];
    if (path.resolve(file) === PRELUDE) continue;
    const rel = path.relative(REPO, file).split(path.sep).filter((s) => s !== '..' && s !== '.').join('/');
    return { file: new TextEncoder().encode(rel), line: Number(m[2]) };
  }
  return { file: new Uint8Array(0), line: 0 };
}

/** Makes contained panics in this process name their .ts file:line (LocalSession, loadApp). */
export function installPanicSites(): void {
  setPanicSiteReader(panicSiteOf);
}
