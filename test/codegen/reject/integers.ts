// The integer model: wrap before you observe. Expected diagnostics at the end of each line.
import { u8, u16, u32, i32, type Bytes } from '../../../firmware/lib/prelude.ts';

export function widths(a: u8, b: u16, c: u32, s: i32, n: number): u32 { // FW2001
  const big = 4294967296; // FW2002
  const frac = u8(1.5); // FW2002
  if (a + b > c) return c; // FW2003
  if (c < s) return c; // FW2004
  const q = u32(c / 2); // FW2005
  const r = u32(c % 3); // FW2005
  const sh = u32(c >> 1); // FW2006
  const p = u32(c * c); // FW2007
  const sum = u32(c * b * 31 + c * b * 31); // FW2012
  const pw = u32(c ** 2); // FW2014
  switch (s) {
    case 0xffffffff: break; // FW2015
    case -1: break;
  }
  switch (a) {
    case 255: break;
    case 256: break; // FW2015
  }
  const down = i32((i32(c) - c) >> 3); // FW2006
  let k = u8(0);
  k++; // FW2008
  for (let i = u8(0); i < b; i++) {} // FW2008
  if (a) return c; // FW2009
  const both = a !== 0 && b; // FW2010
  const sq = Math.imul(a, a); // FW2011
  const ok: boolean = a !== 0;
  switch (ok) { // FW2013
    case true: break;
  }
  return u32(q + r + sh + p + sum + pw + u32(down));
}

export const Level = { Low: -1, High: 1 } as const; // FW2016
export type Level = (typeof Level)[keyof typeof Level];

export function wide(x: bigint): void {} // FW2001

