// What a board build can skip (host/board/build.ts): a record, build/<board>/urpc-build.json, of
// the content hashes each step of the last successful build depended on. A step runs again only
// when one of them changed: the lowering when a FwTS input, the transpiler itself or the options
// did; a C file's compile when the file, a header it included (gcc/clang -MMD) or the flags did;
// the link when an object or the link line did. Content, not times: a touched but unchanged file
// costs nothing, and a file changed within the same second is still seen.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Hashes of the files a step read, by absolute path, plus a key of everything else it used. */
export interface StepRecord {
  key: string;
  files: Record<string, string>;
}

export interface BuildRecord {
  version: 2;
  steps: Record<string, StepRecord>;
}

export const RECORD_FILE = 'urpc-build.json';

export function hashText(...parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** The hash of a file's content, or '' when it does not exist. */
export function hashFile(file: string): string {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return '';
  }
}

/** Hashes of files (absolute paths). */
export function hashFiles(files: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) out[f] = hashFile(f);
  return out;
}

/** One hash of every file under the folders (recursively), e.g. the transpiler's own code. */
export function hashTree(dirs: readonly string[]): string {
  const files: string[] = [];
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  dirs.forEach(walk);
  files.sort();
  return hashText(...files.flatMap((f) => [f, hashFile(f)]));
}

export function readRecord(outDir: string): BuildRecord {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(outDir, RECORD_FILE), 'utf8')) as BuildRecord;
    if (r.version === 2 && typeof r.steps === 'object' && r.steps !== null) return r;
  } catch {
    // none yet, or unreadable: everything runs
  }
  return { version: 2, steps: {} };
}

export function writeRecord(outDir: string, record: BuildRecord): void {
  fs.writeFileSync(path.join(outDir, RECORD_FILE), JSON.stringify(record, null, 1) + '\n');
}

/** Whether a step recorded with `key` is still valid: same key, every file it read unchanged. */
export function upToDate(step: StepRecord | undefined, key: string): boolean {
  if (step === undefined || step.key !== key) return false;
  return Object.entries(step.files).every(([f, h]) => hashFile(f) === h);
}

/** The prerequisites of a make rule as gcc and clang write it with -MMD -MF (`o: a.c b.h \`). */
export function depFiles(depText: string, cwd: string): string[] {
  const rule = depText.replace(/\\\r?\n/g, ' ');
  const colon = rule.search(/:\s/);
  if (colon < 0) return [];
  const words = rule.slice(colon + 1).trim().match(/(?:\\ |[^\s])+/g) ?? [];
  return words.map((w) => path.resolve(cwd, w.replace(/\\ /g, ' ')));
}

/** Writes `files` (name -> text) into dir: changed and new files only (the others keep their
 * content and time), and removes the files of dir that are not in the map. */
export function syncDir(dir: string, files: ReadonlyMap<string, string>): { written: number; removed: number } {
  fs.mkdirSync(dir, { recursive: true });
  let written = 0;
  let removed = 0;
  for (const [name, text] of files) {
    const f = path.join(dir, name);
    if (fs.existsSync(f) && fs.readFileSync(f, 'utf8') === text) continue;
    fs.writeFileSync(f, text);
    written++;
  }
  for (const name of fs.readdirSync(dir)) {
    if (!files.has(name)) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      removed++;
    }
  }
  return { written, removed };
}
