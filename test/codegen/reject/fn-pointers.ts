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
  next = walk;
  return u32(h(x, x) + SHORT[0](x, x) + walk(x) + walk2(x));
}

// A call of a table element: proved indexes are accepted, an unproven one is FW3007 (not the
// generic FW1001), and recursion through it is found (its targets were none before).
const STEPS: readonly Step[] = [down];
function down(x: u32): u32 { // FW4001
  return x === 0 ? x : STEPS[0](u32(x - 1));
}
export function table(k: u32, x: u32): u32 {
  let a = x;
  if (k < HANDLERS.length) a = HANDLERS[k](x, x);
  return u32(a + HANDLERS[u32(k & 0)](x, x) + HANDLERS[k](x, x) + STEPS[0](x)); // FW3007
}
