// Index proofs that hold (issue 12, item 11 and defect 6): each access here must be accepted, and
// the C must build under the strict flags.
import { u8, u32, rd8, view, bytes, type Bytes } from '../../../firmware/lib/prelude.ts';

const T: readonly u8[] = [u8(1), u8(2), u8(3), u8(4)];
const store = bytes(16);
let cur: Bytes = view(store, 0, 16);
let calls = u32(0);

function pure(x: u8): u8 {
  const y = u8(x + 1); // writes only its own locals
  return y;
}

function count(): void {
  calls = u32(calls + 1); // writes module state, but not through a buffer the loops below prove
}

function rebind(): u8 {
  cur = view(store, 4, 6);
  return u8(9);
}

export function masked(x: u32): u8 {
  return u8(T[u8(x & 3)] + T[u32(3 & x)]);
}

export function chosen(big: boolean): u8 {
  return T[big ? 3 : 0];
}

export function whileGuard(b: Bytes): u32 {
  let i = u32(0);
  let sum = u32(0);
  while (i < b.length) {
    sum = u32(sum + b[i]);
    i = u32(i + 2);
  }
  return sum;
}

export function pureCallInLoop(): u32 {
  let sum = u32(0);
  for (let i = u32(0); i < cur.length; i++) sum = u32(sum + pure(cur[i]));
  return sum;
}

export function localBuffer(input: Bytes): u32 {
  let sum = u32(0);
  const b = view(input, 0, input.length);
  for (let i = u32(0); i < b.length; i++) {
    count();
    sum = u32(sum + b[i]);
  }
  return sum;
}

export function writeThenCall(i: u32): u32 {
  // JS reads cur and i before rebind() runs: the write lands in the buffer the guard proved.
  if (i < cur.length) cur[i] = rebind();
  return u32(rd8(store, 0) + calls);
}

export function constMask(x: u32): u8 {
  const k = u8(x & 3); // a const local keeps what its initialiser proves
  return T[k];
}

export function conditionalGuard(k: u32): u8 {
  return k < T.length ? T[k] : u8(0);
}

export function constBound(seg: u32): u8 {
  if (seg < 4) return T[seg]; // a constant bound no larger than T's length
  return u8(0);
}

export function earlyReturn(k: u32): u8 {
  if (k >= T.length) return u8(0);
  const one = u8(1);
  return u8(T[k] + one);
}

export function callAfterAccess(): u32 {
  let sum = u32(0);
  for (let i = u32(0); i < cur.length; i++) {
    sum = u32(sum + cur[i]);
    rebind(); // after the access: the loop tests i < cur.length again before the next one
  }
  return sum;
}

// A field guard: the index and the buffer are fields of this object (issue 12, item 2).
class Fifo {
  data = bytes(8);
  len = u32(0);
  head = u32(0);
  view: Bytes = view(store, 0, 4);
  fillUp(v: u8): void {
    while (this.len < this.data.length) {
      this.data[this.len] = v;
      this.len = u32(this.len + 1); // after the access: the guard is tested again first
    }
  }
  push(v: u8): void {
    if (this.len < this.data.length) {
      this.data[this.len] = v;
      this.len = u32(this.len + 1);
    }
  }
  peek(): u8 {
    if (this.head < this.data.length) return this.data[this.head];
    return u8(0);
  }
  peekView(): u8 {
    return this.head < this.view.length ? this.view[this.head] : u8(0);
  }
}

export function fieldGuards(f: Fifo, v: u8): u8 {
  f.fillUp(v);
  f.push(v);
  if (f.head < f.data.length) f.data[f.head] = u8(f.peek() + f.peekView()); // a parameter's fields
  return f.peek();
}

// The index is an expression, the same in the guard and in the access (same bindings).
export function nextEntry(seg: u32): u8 {
  if (seg < T.length && u32(seg + 1) < T.length) return u8(T[seg] + T[u32(seg + 1)]);
  return u8(0);
}

export function pairSum(b: Bytes): u32 {
  let s = u32(0);
  for (let i = u32(0); i < b.length && u32(i + 1) < b.length; i = u32(i + 2)) s = u32(s + b[i] + b[u32(i + 1)]);
  return s;
}

export function earlyReturnExpr(b: Bytes, at: u32): u8 {
  if (u32(at + 3) >= b.length) return u8(0);
  return b[u32(at + 3)];
}
