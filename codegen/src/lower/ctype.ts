// The C type of a lowered expression, as data (it used to be C text with pseudo-types such as
// `array:16` and `lit` that later code took apart again). `spell` gives the C spelling of the
// types a C declaration can have.

export type CInt = 'uint8_t' | 'uint16_t' | 'uint32_t' | 'int8_t' | 'int16_t' | 'int32_t';

export type CType =
  | { k: 'int'; name: CInt }
  /** f32 / f64. */
  | { k: 'float'; name: 'float' | 'double' }
  | { k: 'bool' }
  | { k: 'void' }
  /** fw_bytes: a view { ptr, len }. */
  | { k: 'bytes' }
  /** `uint8_t name[len]`: a bytes(N) buffer (a view of it is fw_view(name, N)). */
  | { k: 'array'; len: number }
  /** A top-level table `T name[len]`. */
  | { k: 'table'; len: number }
  /** `Name *`: a class object. */
  | { k: 'ptr'; name: string }
  /** A typedef name: an interface (fat pointer), an enum, a function type; also int64_t. */
  | { k: 'named'; name: string }
  /** An integer literal: spelled by its context. */
  | { k: 'lit' }
  /** A function designator (a top-level function named as a value). */
  | { k: 'fn' };

const INTS: readonly string[] = ['uint8_t', 'uint16_t', 'uint32_t', 'int8_t', 'int16_t', 'int32_t'];

export const U32: CType = { k: 'int', name: 'uint32_t' };
export const I32: CType = { k: 'int', name: 'int32_t' };
export const U8: CType = { k: 'int', name: 'uint8_t' };
export const U16: CType = { k: 'int', name: 'uint16_t' };
export const F32: CType = { k: 'float', name: 'float' };
export const F64: CType = { k: 'float', name: 'double' };
export const BOOL: CType = { k: 'bool' };
export const VOID: CType = { k: 'void' };
export const BYTES: CType = { k: 'bytes' };
export const LIT: CType = { k: 'lit' };

/** The CType of a C spelling produced by the lowering's ctype() (int, bool, fw_bytes, `Name *`,
 * a typedef name). */
export function fromSpelling(s: string): CType {
  if (INTS.includes(s)) return { k: 'int', name: s as CInt };
  if (s === 'bool') return BOOL;
  if (s === 'float') return F32;
  if (s === 'double') return F64;
  if (s === 'void') return VOID;
  if (s === 'fw_bytes') return BYTES;
  if (s.endsWith('*')) return { k: 'ptr', name: s.slice(0, -1).trim() };
  return { k: 'named', name: s };
}

/** The C spelling of a type a value can be declared with. */
export function spell(t: CType): string {
  switch (t.k) {
    case 'int': case 'float': return t.name;
    case 'bool': return 'bool';
    case 'void': return 'void';
    case 'bytes': case 'array': return 'fw_bytes';
    case 'ptr': return `${t.name} *`;
    case 'named': return t.name;
    case 'lit': return 'uint32_t';
    case 'table': case 'fn': throw new Error(`no C spelling for a ${t.k}`);
  }
}

/** `T name` or `T *name`. */
export function declare(t: CType | string, name: string): string {
  const s = typeof t === 'string' ? t : spell(t);
  return s.endsWith('*') ? `${s}${name}` : `${s} ${name}`;
}

export function isInt(t: CType, ...names: CInt[]): boolean {
  return t.k === 'int' && (names.length === 0 || names.includes(t.name));
}

export function isFloat(t: CType): t is Extract<CType, { k: 'float' }> {
  return t.k === 'float';
}

export function isSigned(t: CType): boolean {
  return t.k === 'int' && t.name[0] === 'i';
}

export function sameC(a: CType, b: CType): boolean {
  return spellOrKind(a) === spellOrKind(b);
}

function spellOrKind(t: CType): string {
  return t.k === 'table' || t.k === 'fn' || t.k === 'array' ? `${t.k}:${'len' in t ? t.len : ''}` : spell(t);
}
