// host/client runs in a browser too: nothing it loads (statically, at run time) may be a Node
// module. Type-only imports vanish at run time and dynamic import() is how connect() reaches the
// Node transports on demand, so both are allowed; every other import is followed, across
// directories (host/transport/transport.ts, firmware/...), with the TypeScript parser.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { REPO } from '../../host/repo.ts';

/** The run-time imports of one module: import/export ... from, without `import type`/`export type`. */
function runtimeImports(file: string): string[] {
  const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const st of src.statements) {
    if (ts.isImportDeclaration(st) && !st.importClause?.isTypeOnly && ts.isStringLiteral(st.moduleSpecifier)) out.push(st.moduleSpecifier.text);
    if (ts.isExportDeclaration(st) && !st.isTypeOnly && st.moduleSpecifier !== undefined && ts.isStringLiteral(st.moduleSpecifier)) out.push(st.moduleSpecifier.text);
  }
  return out;
}

/** Every non-relative import (node:*, a package) reachable from `entries`, as "importer -> specifier". */
export function nodeImportsFrom(entries: string[]): string[] {
  const seen = new Set<string>();
  const bad: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
      else bad.push(`${path.relative(REPO, file)} -> ${spec}`);
    }
  };
  entries.forEach(visit);
  return bad;
}

describe('host/client loads no Node module', () => {
  it('no run-time import chain from host/client reaches node:* or a package', () => {
    const dir = path.join(REPO, 'host', 'client');
    const entries = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
    assert.ok(entries.length > 5);
    assert.deepEqual(nodeImportsFrom(entries), []);
  });

  it('the check sees one: host/transport/process.ts reaches node:fs', () => {
    const bad = nodeImportsFrom([path.join(REPO, 'host', 'transport', 'process.ts')]);
    assert.ok(bad.some((b) => b.endsWith('-> node:fs')), bad.join('\n'));
  });
});
