// Module loader hooks of ts-loader.ts (they run in Node's loader thread): a file:// URL of a .ts
// module (a query such as ?difftest=3 kept in the URL, ignored for the file) is loaded as the
// JavaScript TypeScript's transpileModule makes of it. Relative .ts specifiers stay as written:
// Node resolves them to the files, which come back here.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

interface LoadResult { format?: string; source?: string | ArrayBuffer | Uint8Array; shortCircuit?: boolean }
type NextLoad = (url: string, context: object) => Promise<LoadResult>;

export async function load(url: string, context: object, next: NextLoad): Promise<LoadResult> {
  const u = new URL(url);
  if (u.protocol !== 'file:' || !u.pathname.endsWith('.ts') || u.pathname.endsWith('.d.ts')) return next(url, context);
  u.search = '';
  const file = fileURLToPath(u);
  const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  return { format: 'module', source: js.outputText, shortCircuit: true };
}
