// A table-driven finite state machine (a vending controller): the next state and the action
// come from two flat tables indexed by state * N_EVENTS + event, and actions are dispatched
// through a function table. Events are decoded from the input bytes; coins, selection, refund,
// and a service key. The machine's credit and stock persist across cases.
import { u8, u16, u32, bytes, rd8, wr8, wr16le, type Bytes } from '../../../firmware/lib/prelude.ts';

const N_STATES = 4;
const N_EVENTS = 5;
// States: 0 Idle, 1 Credit, 2 Vending, 3 Service.
// Events: 0 Coin, 1 Select, 2 Refund, 3 Done, 4 Key.
const NEXT: readonly u8[] = [
  u8(1), u8(0), u8(0), u8(0), u8(3),
  u8(1), u8(2), u8(0), u8(1), u8(3),
  u8(2), u8(2), u8(2), u8(0), u8(2),
  u8(3), u8(3), u8(3), u8(3), u8(0),
];
// Actions: 0 none, 1 addCoin, 2 vend, 3 refund, 4 finish, 5 restock, 6 reject.
const ACTION: readonly u8[] = [
  u8(1), u8(6), u8(0), u8(0), u8(0),
  u8(1), u8(2), u8(3), u8(0), u8(3),
  u8(6), u8(6), u8(6), u8(4), u8(6),
  u8(6), u8(5), u8(0), u8(0), u8(0),
];

class Machine {
  state = u8(0);
  credit = u16(0);
  coinValue = u16(0);
  selection = u8(0);
  stock = bytes(8);
  vended = u16(0);
  refunded = u32(0);
  rejected = u16(0);
  log = bytes(64);
  logLen = u32(0);
}

type Action = (m: Machine) => void;

const PRICE: readonly u16[] = [u16(50), u16(75), u16(100), u16(120), u16(150), u16(60), u16(80), u16(200)];

function none(m: Machine): void {
  m.logLen = m.logLen;
}
function addCoin(m: Machine): void {
  m.credit = u16(m.credit + m.coinValue);
}
function vend(m: Machine): void {
  const s = u32(m.selection & 7);
  let price = u16(0xffff);
  if (s < PRICE.length) price = PRICE[s];
  if (m.credit >= price && rd8(m.stock, s) > 0) {
    m.credit = u16(m.credit - price);
    wr8(m.stock, s, u8(rd8(m.stock, s) - 1));
    m.vended = u16(m.vended + 1);
  } else {
    // Not enough credit or sold out: the table already moved to Vending; Done brings it back.
    m.rejected = u16(m.rejected + 1);
  }
}
function refund(m: Machine): void {
  m.refunded = u32(m.refunded + m.credit);
  m.credit = u16(0);
}
function finish(m: Machine): void {
  if (m.credit === 0) m.state = u8(0);
}
function restock(m: Machine): void {
  for (let i = u32(0); i < m.stock.length; i++) m.stock[i] = u8(5);
}
function reject(m: Machine): void {
  m.rejected = u16(m.rejected + 1);
}

const ACTIONS: readonly Action[] = [none, addCoin, vend, refund, finish, restock, reject];
const COINS: readonly u16[] = [u16(5), u16(10), u16(20), u16(50)];

const mach = new Machine();

function step(m: Machine, ev: u8): void {
  const k = u32(m.state * N_EVENTS + ev);
  if (k < NEXT.length && k < ACTION.length) {
    const next = NEXT[k];
    const act = u32(ACTION[k]);
    m.state = next;
    if (act < ACTIONS.length) {
      const f = ACTIONS[act];
      f(m);
    }
  }
  if (m.logLen < m.log.length) {
    m.log[m.logLen] = u8((m.state << 4) | ev);
    m.logLen = u32(m.logLen + 1);
  }
}

export function main(input: Bytes, output: Bytes): u32 {
  mach.logLen = u32(0);
  for (let i = u32(0); i < input.length; i++) {
    const b = input[i];
    const kind = u8(b >>> 5);
    if (kind <= 2) {
      const c = u32(b & 3);
      if (c < COINS.length) mach.coinValue = COINS[c];
      step(mach, u8(0));
    } else if (kind <= 4) {
      mach.selection = u8(b & 7);
      step(mach, u8(1));
    } else if (kind === 5) {
      step(mach, u8(2));
    } else if (kind === 6) {
      step(mach, u8(3));
    } else {
      step(mach, u8(4));
    }
    if (mach.state >= N_STATES) mach.state = u8(0);
  }
  wr8(output, 0, mach.state);
  wr16le(output, 1, mach.credit);
  wr16le(output, 3, mach.vended);
  wr16le(output, 5, u16(mach.refunded));
  wr16le(output, 7, mach.rejected);
  for (let i = u32(0); i < mach.stock.length; i++) wr8(output, u32(9 + i), mach.stock[i]);
  for (let i = u32(0); i < mach.logLen; i++) wr8(output, u32(20 + i), rd8(mach.log, i));
  return u32(mach.logLen);
}
