// Issue 12, item 2: index proofs by a field guard (`while (this.len < this.data.length)
// this.data[this.len] = ...`, `if (this.head < this.buf.length)`, a parameter's fields) and by
// an expression guard (`u32(seg + 1) < T.length` proves `T[u32(seg + 1)]`; the early-return and
// conditional forms too). The input drives every index to the edges of its buffer (sizes 0..9
// and offsets up to 0xffffffff), so a proof that let C go past the end shows under ASan; out of
// range the program takes the guard's other branch in both worlds.
// @difftest cases=400 seed=12 outSize=48
import { u8, u32, rd8, rd32le, wr8, wr32le, modu, view, bytes, type Bytes } from '../../../firmware/lib/prelude.ts';

const T: readonly u8[] = [u8(3), u8(5), u8(7), u8(11), u8(13)];
const store = bytes(12);

class Fifo {
  data = bytes(6);
  len = u32(0);
  head = u32(0);
  win: Bytes = view(store, 0, 0);
  fill(v: u8, upto: u32): void {
    while (this.len < this.data.length) {
      if (this.len >= upto) return;
      this.data[this.len] = u8(v + this.len);
      this.len = u32(this.len + 1);
    }
  }
  push(v: u8): void {
    if (this.len < this.data.length) {
      this.data[this.len] = v;
      this.len = u32(this.len + 1); // after the access: the then-branch runs once per test
    }
  }
  peek(): u8 {
    if (this.head < this.data.length) return this.data[this.head];
    return u8(0xee);
  }
  peekWin(): u8 {
    return this.head < this.win.length ? this.win[this.head] : u8(0xdd);
  }
}

const fifo = new Fifo();

function poke(f: Fifo, v: u8): void {
  if (f.head < f.data.length) f.data[f.head] = v;
}

function interp(seg: u32): u32 {
  if (seg < T.length && u32(seg + 1) < T.length) return u32(T[seg] * 16 + T[u32(seg + 1)]);
  return u32(0xffff);
}

function pairs(b: Bytes): u32 {
  let s = u32(0);
  for (let i = u32(0); i < b.length && u32(i + 1) < b.length; i = u32(i + 2)) s = u32(s * 3 + b[i] + b[u32(i + 1)]);
  return s;
}

function at3(b: Bytes, at: u32): u32 {
  if (u32(at + 3) >= b.length) return u32(0x1000);
  return u32(b[u32(at + 3)]);
}

export function main(input: Bytes, output: Bytes): u32 {
  if (input.length < 6) return u32(0);
  const a = rd8(input, 0);
  const n = modu(u32(a), u32(10));
  fifo.len = u32(rd8(input, 1) & 7);
  fifo.head = u32(rd8(input, 2) & 7);
  fifo.win = view(store, 0, modu(u32(rd8(input, 3)), u32(13)));
  fifo.fill(a, n);
  poke(fifo, rd8(input, 4));
  for (let k = u32(0); k < u32(a & 7); k++) fifo.push(u8(k));
  const off = input.length >= 10 ? rd32le(input, 6) : u32(rd8(input, 5));
  const body = view(input, 0, u32(input.length > 16 ? 16 : input.length));
  wr8(output, 0, fifo.peek());
  wr8(output, 1, fifo.peekWin());
  wr32le(output, 4, u32(fifo.len));
  wr32le(output, 8, interp(u32(rd8(input, 5) & 7)));
  wr32le(output, 12, interp(off));
  wr32le(output, 16, pairs(body));
  wr32le(output, 20, at3(body, off));
  wr32le(output, 24, at3(body, u32(rd8(input, 5) & 15)));
  for (let k = u32(0); k < 6; k++) wr8(output, u32(28 + k), rd8(fifo.data, k));
  return u32(fifo.len + fifo.head);
}
