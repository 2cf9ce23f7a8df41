// Index proofs that do not hold (issue 12, defects 1 and 6, item 11): each marked line is FW3003.
import { u8, u32, view, bytes, type Bytes } from '../../../firmware/lib/prelude.ts';

type Step = () => void;

const T: readonly u8[] = [u8(1), u8(2), u8(3), u8(4)];
const store = bytes(16);
let cur: Bytes = view(store, 0, 16);
let at = u32(0);

function shrink(): void {
  cur = view(store, 14, 16);
}

function deep(): void {
  shrink(); // rebinds through another call
}

function nothing(): void {
  at = u32(at);
}

export function literalArms(big: boolean): u8 {
  return T[big ? 200 : 0]; // FW3007
}

export function wideMask(x: u32): u8 {
  return T[u8(x & 7)]; // FW3007
}

export function callBeforeAccess(i: u32): u8 {
  if (i < cur.length) {
    shrink();
    return cur[i]; // FW3003
  }
  return u8(0);
}

export function callInLoop(): u32 {
  let sum = u32(0);
  for (let i = u32(0); i < cur.length; i++) {
    deep();
    sum = u32(sum + cur[i]); // FW3003
  }
  return sum;
}

export function callThroughPointer(step: Step): u32 {
  let sum = u32(0);
  for (let i = u32(0); i < cur.length; i++) {
    step();
    sum = u32(sum + cur[i]); // FW3003
  }
  return sum;
}

export function moduleIndex(): u8 {
  if (at < cur.length) {
    nothing();
    return cur[at]; // FW3003
  }
  return u8(0);
}

export function whileAssignedBefore(b: Bytes): u32 {
  let i = u32(0);
  let sum = u32(0);
  while (i < b.length) {
    i = u32(i + 1);
    sum = u32(sum + b[i]); // FW3003
  }
  return sum;
}

export function whileInnerLoop(b: Bytes): u32 {
  let i = u32(0);
  let sum = u32(0);
  while (i < b.length) {
    for (let k = u32(0); k < u32(2); k++) {
      sum = u32(sum + b[i]); // FW3003
      i = u32(i + 1);
    }
  }
  return sum;
}

export function constWideMask(x: u32): u8 {
  const k = u8(x & 7);
  return T[k]; // FW3007
}

export function letMask(x: u32): u8 {
  let k = u8(x & 3);
  k = u8(x);
  return T[k]; // FW3007
}

export function boundTooLarge(seg: u32): u8 {
  if (seg < 5) return T[seg]; // FW3007
  return u8(0);
}

export function conditionalElse(k: u32): u8 {
  return k < T.length ? u8(0) : T[k]; // FW3007
}

export function earlyReturnThenChanged(k: u32): u8 {
  if (k >= T.length) return u8(0);
  k = u32(k + 1);
  return T[k]; // FW3007
}

export function earlyReturnThenRebound(i: u32): u8 {
  if (i >= cur.length) return u8(0);
  shrink();
  return cur[i]; // FW3003
}

export function earlyNotReturning(k: u32): u8 {
  let r = u8(0);
  if (k >= T.length) r = u8(1);
  return u8(r + T[k]); // FW3007
}

// A guard proves its own bindings, not others of the same name (issue 12, item 2).
export function shadowedIndex(b: Bytes, i: u32): u8 {
  if (i < b.length) {
    const i = u32(100);
    return b[i]; // FW3003
  }
  return u8(0);
}

export function shadowedBuffer(b: Bytes, other: Bytes, i: u32): u8 {
  if (i < b.length) {
    const b = view(other, 0, 1);
    return b[i]; // FW3003
  }
  return u8(0);
}

// `u32(i + 1) < b.length` does not bound i: for i = 0xffffffff, u32(i + 1) is 0.
export function wrappedNeighbour(b: Bytes, i: u32): u8 {
  if (u32(i + 1) < b.length) return b[i]; // FW3003
  return u8(0);
}

export function exprIndexChanged(b: Bytes, i: u32): u8 {
  if (u32(i + 1) < b.length) {
    i = u32(i + 7);
    return b[u32(i + 1)]; // FW3003
  }
  return u8(0);
}

class Ring {
  buf = bytes(4);
  n = u32(0);
  reset(): void {
    this.n = u32(9);
  }
  bad(): u8 {
    if (this.n < this.buf.length) {
      this.reset(); // a call that assigns a field between the test and the access
      return this.buf[this.n]; // FW3003
    }
    return u8(0);
  }
  aliased(other: Ring): u8 {
    while (this.n < this.buf.length) {
      other.n = u32(40); // other may be this
      return this.buf[this.n]; // FW3003
    }
    return u8(0);
  }
  loopAfter(): void {
    while (this.n < this.buf.length) {
      for (let k = u32(0); k < 2; k++) {
        this.buf[this.n] = u8(k); // FW3003
        this.n = u32(this.n + 1);
      }
    }
  }
}

export const ring = new Ring();
