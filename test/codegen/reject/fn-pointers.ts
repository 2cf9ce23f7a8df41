// Calls through function values: a call through a value of a function type reaches only the
// address-taken functions of that signature (FW4001 and FW5002 follow these edges), and a
// function value must have exactly the signature of the type it is used as (FW4007).
import { u32 } from '../../../firmware/lib/prelude.ts';

type Handler = (x: u32, y: u32) => u32;
type PollFn = (x: u32) => u32;
type Step = (x: u32) => u32;
type Sink = (x: u32) => void;

// Not recursion (wire-fnptr-recursion): poll is only called through PollFn, one through Handler.
function one(x: u32, y: u32): u32 { return u32(x + y); }
const HANDLERS: readonly Handler[] = [one];
function dispatch(x: u32): u32 {
  const h: Handler = HANDLERS[0];
  return h(x, u32(1));
}
function poll(x: u32): u32 { return dispatch(x); }
let saved: PollFn = poll;
export function tick(x: u32): u32 {
  const p: PollFn = saved;
  return p(x);
}

// Recursion through a pointer of the same type, and through another alias of the same signature.
let next: Step = walk;
function walk(x: u32): u32 { // FW4001
  const s: Step = next;
  return x === 0 ? x : s(u32(x - 1));
}
let other: PollFn = walk2;
function walk2(x: u32): u32 { // FW4001
  const s: Step = other;
  return s(x);
}

// Conversions TypeScript allows that C does not.
function inc(x: u32): u32 { return u32(x + 1); }
function apply(s: Sink, x: u32): void { s(x); }
const SHORT: readonly Handler[] = [inc]; // FW4007
export function convert(x: u32): u32 {
  const h: Handler = saved; // FW4007
  apply(inc, x); // FW4007
  const sh = SHORT[0];
  next = walk;
  return u32(h(x, x) + sh(x, x) + walk(x) + walk2(x));
}
