// FwTS diagnostics as real ts.Diagnostic objects, and a tsc-style formatter that prints their
// FWnnnn codes (tsc's own formatter hard-codes a "TS" prefix).
import { ts } from '../program.ts';
import { CATALOGUE, type Code } from './catalogue.ts';

/** FwTS codes live above TypeScript's range in ts.Diagnostic.code; `source` says they are ours. */
export const FW_CODE_BASE = 90000;
export const FW_SOURCE = 'fwts';

export function fwCode(d: ts.Diagnostic): string {
  return d.source === FW_SOURCE ? `FW${d.code - FW_CODE_BASE}` : `TS${d.code}`;
}

function fill(text: string, args: readonly string[]): string {
  return text.replace(/\{(\d)\}/g, (_, i: string) => args[Number(i)] ?? '');
}

export function makeDiagnostic(node: ts.Node, code: Code, args: readonly string[] = [], related?: ts.Node): ts.Diagnostic {
  const sf = node.getSourceFile();
  const e = CATALOGUE[code];
  const start = node.getStart(sf);
  const chain: ts.DiagnosticMessageChain = {
    messageText: fill(e.message, args),
    category: ts.DiagnosticCategory.Error,
    code: FW_CODE_BASE + code,
    next: [
      { messageText: fill(e.why, args), category: ts.DiagnosticCategory.Message, code: 0, next: undefined },
      { messageText: 'fix: ' + fill(e.fix, args), category: ts.DiagnosticCategory.Message, code: 0, next: undefined },
    ],
  };
  const d: ts.Diagnostic = {
    file: sf,
    start,
    length: Math.max(1, node.getEnd() - start),
    category: ts.DiagnosticCategory.Error,
    code: FW_CODE_BASE + code,
    messageText: chain,
    source: FW_SOURCE,
  };
  if (related) {
    const rs = related.getSourceFile();
    const rstart = related.getStart(rs);
    d.relatedInformation = [{
      file: rs, start: rstart, length: related.getEnd() - rstart, category: ts.DiagnosticCategory.Message, code: 0,
      messageText: 'declared here',
    }];
  }
  return d;
}

const C = { red: '\u001b[91m', cyan: '\u001b[96m', yellow: '\u001b[93m', grey: '\u001b[90m', reset: '\u001b[0m', invert: '\u001b[7m' };

/** file:line:col - error FW2003: message, the reason and fix, then a code frame (as tsc prints). */
export function formatDiagnostics(diags: readonly ts.Diagnostic[], color: boolean, cwd = process.cwd()): string {
  const paint = (c: string, s: string): string => (color ? c + s + C.reset : s);
  const out: string[] = [];
  for (const d of diags) {
    const cat = d.category === ts.DiagnosticCategory.Error ? paint(C.red, 'error') : paint(C.yellow, 'warning');
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
    if (!d.file || d.start === undefined) {
      out.push(`${cat} ${paint(C.grey, fwCode(d) + ':')} ${text}`, '');
      continue;
    }
    const rel = relPath(d.file.fileName, cwd);
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    out.push(`${paint(C.cyan, rel)}:${paint(C.yellow, String(line + 1))}:${paint(C.yellow, String(character + 1))} - ${cat} ${paint(C.grey, fwCode(d) + ':')} ${text}`);
    out.push('', ...codeFrame(d.file, d.start, d.length ?? 1, paint, C.red), '');
    for (const r of d.relatedInformation ?? []) {
      if (!r.file || r.start === undefined) continue;
      const p = r.file.getLineAndCharacterOfPosition(r.start);
      out.push(`  ${paint(C.cyan, relPath(r.file.fileName, cwd))}:${p.line + 1}:${p.character + 1}`);
      out.push(...codeFrame(r.file, r.start, r.length ?? 1, paint, C.cyan).map((l) => '  ' + l));
      out.push(`    ${ts.flattenDiagnosticMessageText(r.messageText, '\n')}`, '');
    }
  }
  const errors = diags.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
  if (errors) out.push(`Found ${errors} error${errors === 1 ? '' : 's'}.`, '');
  return out.join('\n');
}

function relPath(f: string, cwd: string): string {
  return f.startsWith(cwd + '/') ? f.slice(cwd.length + 1) : f;
}

function codeFrame(sf: ts.SourceFile, start: number, length: number, paint: (c: string, s: string) => string, squiggle: string): string[] {
  const a = sf.getLineAndCharacterOfPosition(start);
  const b = sf.getLineAndCharacterOfPosition(start + length);
  const lines = sf.text.split(/\r?\n/);
  const gutter = String(b.line + 1).length;
  const out: string[] = [];
  for (let l = a.line; l <= Math.min(b.line, a.line + 3); l++) {
    const src = lines[l] ?? '';
    const from = l === a.line ? a.character : src.search(/\S|$/);
    const to = l === b.line ? b.character : src.length;
    out.push(`${paint(C.invert, String(l + 1).padStart(gutter))} ${src}`);
    out.push(`${paint(C.invert, ' '.repeat(gutter))} ${' '.repeat(from)}${paint(squiggle, '~'.repeat(Math.max(1, to - from)))}`);
  }
  return out;
}
