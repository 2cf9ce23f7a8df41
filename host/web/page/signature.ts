// Device function signatures as urpc.info lists them ("urpc.add (tensor a, tensor b, tensor out)
// -> void", "urpc.log (int...) -> void", "[int x]" optional), and the typed values a call form
// turns into arguments. Pure functions: no DOM.
import type { Arg } from '../../client/rpc-session.ts';
import type { NDArray } from '../../client/client.ts';

export interface Param {
  type: string;
  name: string;
  optional: boolean;
  variadic: boolean;
}
export interface Signature {
  params: Param[];
  returns: string;
  async: boolean;
}

/** Splits at top-level commas (brackets nest). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** Parses "(type name, ...) -> ret [async]"; a text it cannot read gives one 'any...' parameter. */
export function parseSignature(text: string): Signature {
  const m = /^\((.*)\)\s*->\s*(.*?)(\s*\[async\])?$/.exec(text.trim());
  if (m === null) return { params: [{ type: 'any', name: 'args', optional: false, variadic: true }], returns: '?', async: false };
  const params = splitTop(m[1]!).map((p, i): Param => {
    const optional = p.startsWith('[') && p.endsWith(']');
    const body = optional ? p.slice(1, -1).trim() : p;
    const variadic = /\.\.\.$/.test(body);
    const [type = 'any', name = ''] = body.replace(/\.\.\.$/, '').split(/\s+/);
    return { type, name: name || (variadic ? `${type}s` : `arg${i}`), optional, variadic };
  });
  return { params, returns: m[2]!, async: m[3] !== undefined };
}

/** The kinds a form field can hold. */
export const KINDS = ['int', 'float', 'str', 'bool', 'null', 'bytes', 'tensor', 'module', 'func'] as const;
export type Kind = (typeof KINDS)[number];

/** The kind a parameter's form field starts with ('any' lets the user choose). */
export function kindOf(type: string): Kind | 'any' {
  return (KINDS as readonly string[]).includes(type) ? (type as Kind) : 'any';
}

function parseInt64(text: string): number | bigint {
  const t = text.trim();
  if (!/^[-+]?(0x[0-9a-f]+|\d+)$/i.test(t)) throw new Error(`'${text}' is not an integer`);
  const neg = t.startsWith('-');
  const v = BigInt(t.replace(/^[-+]/, ''));
  const b = neg ? -v : v;
  if (b < -(1n << 63n) || b >= 1n << 64n) throw new Error(`${text} does not fit in 64 bits`);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/** "0a ff 10" or "0aff10" -> bytes. */
export function parseHex(text: string): Uint8Array {
  const t = text.replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(t)) throw new Error(`'${text}' is not hex bytes (pairs of hex digits)`);
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A form field's text as an argument of `kind`; throws with a message for the user. */
export function toArg(kind: Kind, text: string, tensors: ReadonlyMap<string, NDArray>): Arg {
  switch (kind) {
    case 'int':
      return parseInt64(text);
    case 'float': {
      const t = text.trim();
      const v = Number(t);
      if (t === '' || Number.isNaN(v) && t.toLowerCase() !== 'nan') throw new Error(`'${text}' is not a number`);
      return Number.isInteger(v) ? { type: 'float', value: v } : v;
    }
    case 'str':
      return text;
    case 'bool':
      if (text !== 'true' && text !== 'false') throw new Error(`'${text}' is not true or false`);
      return text === 'true';
    case 'null':
      return null;
    case 'bytes':
      return parseHex(text);
    case 'tensor': {
      const t = tensors.get(text);
      if (t === undefined) throw new Error(text === '' ? 'no tensor chosen (create one in the Tensors tab)' : `no tensor '${text}'`);
      return t;
    }
    case 'module':
    case 'func': {
      const h = parseInt64(text);
      return { type: kind, value: BigInt(h) };
    }
  }
}

/** int... fields: "1, 2, 3" -> [1, 2, 3]. */
export function toArgs(kind: Kind, text: string, tensors: ReadonlyMap<string, NDArray>): Arg[] {
  if (text.trim() === '') return [];
  return text.split(',').map((t) => toArg(kind, kind === 'str' ? t : t.trim(), tensors));
}

/** A returned value as text. */
export function showValue(v: unknown): string {
  if (v === undefined) return '(void)';
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `${v}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) return `bytes[${v.length}] ${[...v.subarray(0, 64)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}${v.length > 64 ? ' ...' : ''}`;
  if (typeof v === 'function') return (v as { functionName?: string }).functionName ?? 'function';
  if (Array.isArray(v)) return v.map(showValue).join(', ');
  if (typeof v === 'object' && 'type' in v) {
    const o = v as { type: string; value?: unknown };
    return `${o.type}${o.value !== undefined ? ` ${typeof o.value === 'bigint' ? `0x${o.value.toString(16)}` : showValue(o.value)}` : ''}`;
  }
  return String(v);
}
