// A urpc device sends an error as a short text, `Name(v0,v1,"piece",...)` (firmware/rpc/wire.ts
// putMsg, docs/exception-codes.md): the texts themselves would be ~3 KB of device flash. This
// puts the full text back together from host/app/rpc-messages.ts, so users of urpc's host see the
// same message as before. A text that is not in that form (a TVM device's, or an unknown name)
// is returned as it is.

import { MESSAGES } from '../app/rpc-messages.ts';

const TEMPLATES: ReadonlyMap<string, string> = new Map(MESSAGES.filter((m) => m[0] !== 'Ok').map((m) => [m[0], m[1]]));

/** The parts of a short exception text, or undefined when `s` is not one. */
export function parseExceptionText(s: string): { name: string; values: number[]; pieces: string[] } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9]*)\(/.exec(s);
  if (m === null || !TEMPLATES.has(m[1])) return undefined;
  const values: number[] = [];
  const pieces: string[] = [];
  let i = m[0].length;
  // Numbers first (at most three, as the device's Detail holds), then quoted pieces.
  while (i < s.length && s[i] !== ')') {
    if (values.length + pieces.length > 0) {
      if (s[i] !== ',') return undefined;
      i++;
    }
    const num = /^(0|[1-9][0-9]{0,9})(?=[,)])/.exec(s.slice(i, i + 12));
    if (num !== null && pieces.length === 0) {
      const v = Number(num[1]);
      if (v > 0xffffffff || values.length === 3) return undefined;
      values.push(v);
      i += num[1].length;
      continue;
    }
    if (s[i] !== '"') return undefined;
    let piece = '';
    for (i++; i < s.length && s[i] !== '"'; i++) {
      if (s[i] === '\\') {
        i++;
        if (s[i] !== '"' && s[i] !== '\\') return undefined;
      }
      piece += s[i];
    }
    if (i >= s.length) return undefined;
    pieces.push(piece);
    i++;
  }
  if (i !== s.length - 1) return undefined;
  return { name: m[1], values, pieces };
}

/** The full text of a short exception text (the device's old formatting: `%u` / `%d` take the
 * next value unsigned / signed, a slot without a value stays as written, `%s` takes the next
 * piece or nothing); any other text unchanged. */
export function expandExceptionText(s: string): string {
  const p = parseExceptionText(s);
  if (p === undefined) return s;
  const template = TEMPLATES.get(p.name)!;
  let used = 0;
  let piece = 0;
  return template.replace(/%(.?)/gs, (all, c: string) => {
    if (c === 's') return p.pieces[piece++] ?? '';
    if ((c === 'u' || c === 'd') && used < p.values.length) {
      const v = p.values[used++];
      return String(c === 'd' ? v | 0 : v);
    }
    return all;
  });
}
