// A rotary-encoder menu of a small instrument: encoder deltas (-3..+3, as i8) move a cursor over
// a menu tree held in tables, a push selects; items either open a submenu, adjust a value with
// acceleration, or run an action chosen through a function table. Exercises switch on signed
// values, labelled loops, do-while, conditionals mixing widths and a handler picked at run time.
import { u8, u16, u32, i8, i32, wr8, wr16le, rd8, type Bytes } from '../../../firmware/lib/prelude.ts';

// Menu items: parent, kind (0 submenu, 1 value, 2 action), argument.
const PARENT: readonly u8[] = [u8(0), u8(0), u8(0), u8(0), u8(1), u8(1), u8(1), u8(2), u8(2), u8(3), u8(3), u8(3)];
const KIND: readonly u8[] = [u8(0), u8(0), u8(0), u8(0), u8(1), u8(1), u8(2), u8(1), u8(2), u8(2), u8(2), u8(1)];
const ARG: readonly u8[] = [u8(0), u8(0), u8(0), u8(0), u8(0), u8(1), u8(0), u8(2), u8(1), u8(2), u8(3), u8(3)];
const N_ITEMS = 12;

type Action = (m: Menu) => u8;

class Menu {
  current = u8(0); // the open submenu
  cursor = u8(1); // the highlighted item
  presses = u32(0);
  v0 = u16(100);
  v1 = u16(5);
  v2 = u8(7);
  v3 = u16(1000);
  resets = u8(0);
  lastAction = u8(0xff);
}

function doReset(m: Menu): u8 {
  m.v0 = u16(100);
  m.v1 = u16(5);
  m.resets = u8(m.resets + 1);
  return u8(1);
}
function doSave(m: Menu): u8 {
  return u8(u32(m.v0 + m.v1 + m.v2) & 0xff);
}
function doToggle(m: Menu): u8 {
  m.v2 = m.v2 === 0 ? u8(7) : u8(0);
  return m.v2;
}
function doBeep(m: Menu): u8 {
  return u8(m.v3 >>> 8);
}
const ACTIONS: readonly Action[] = [doReset, doSave, doToggle, doBeep];

const menu = new Menu();

function kindOf(item: u8): u8 {
  const k = u32(item);
  if (k < KIND.length) return KIND[k];
  return u8(0);
}
function parentOf(item: u8): u8 {
  const k = u32(item);
  if (k < PARENT.length) return PARENT[k];
  return u8(0);
}
function argOf(item: u8): u8 {
  const k = u32(item);
  if (k < ARG.length) return ARG[k];
  return u8(0);
}

/** Move the cursor by delta among the items of the open submenu (wrapping). */
function move(m: Menu, delta: i32): void {
  let steps = delta < 0 ? u32(-delta) : u32(delta);
  const dir = delta < 0 ? i32(-1) : i32(1);
  outer: while (steps > 0) {
    let c = m.cursor;
    // Find the next item with the same parent; at most N_ITEMS tries.
    let tries = u32(0);
    let other = true;
    do {
      const next = i32(i32(c) + dir);
      c = u8(next < 1 ? N_ITEMS - 1 : next >= N_ITEMS ? 1 : next);
      tries = u32(tries + 1);
      if (tries > N_ITEMS) break outer;
      other = parentOf(c) !== m.current;
    } while (other);
    m.cursor = c;
    steps = u32(steps - 1);
  }
}

function adjust(m: Menu, which: u8, delta: i32, fast: boolean): void {
  // Acceleration: fast turns change the big values by 10.
  const step = fast ? i32(delta * 10) : delta;
  switch (which) {
    case 0:
      m.v0 = u16(i32(m.v0) + step);
      break;
    case 1: {
      const lim = m.v1 > 50 ? m.v1 : u16(50);
      m.v1 = u16(u32((delta > 0 ? m.v1 : lim) + 1) > 60 ? 0 : i32(i32(m.v1) + delta));
      break;
    }
    case 2:
      m.v2 = u8(i32(m.v2) + delta);
      break;
    default:
      m.v3 = u16(i32(m.v3) + step * 4);
      break;
  }
}

export function main(input: Bytes, output: Bytes): u32 {
  let editing = false;
  let o = u32(0);
  let lastDelta = i32(0);
  for (let i = u32(0); i < input.length; i++) {
    const ev = i8(rd8(input, i));
    const code = i32(ev >> 4);
    const delta = i32(i8(ev << 4) >> 4);
    switch (code) {
      case -8:
      case -7:
        // Push: select.
        menu.presses = u32(menu.presses + 1);
        if (editing) {
          editing = false;
        } else {
          const kind = kindOf(menu.cursor);
          if (kind === 0) {
            menu.current = menu.cursor;
            menu.cursor = u8(1);
            move(menu, i32(1));
          } else if (kind === 1) {
            editing = true;
          } else {
            const k = u32(argOf(menu.cursor));
            if (k < ACTIONS.length) {
              const act = ACTIONS[k];
              menu.lastAction = act(menu);
            }
          }
        }
        break;
      case -1:
        // Back.
        menu.cursor = menu.current === 0 ? u8(1) : menu.current;
        menu.current = parentOf(menu.current);
        editing = false;
        break;
      case 0:
      case 1:
        if (delta !== 0) {
          if (editing) adjust(menu, argOf(menu.cursor), delta, lastDelta === delta && code === 1);
          else move(menu, delta);
          lastDelta = delta;
        }
        break;
      default:
        break;
    }
    if (o < 200) {
      wr8(output, o, u8((menu.current << 4) | menu.cursor));
      o = u32(o + 1);
    }
  }
  wr16le(output, 200, menu.v0);
  wr16le(output, 202, menu.v1);
  wr8(output, 204, menu.v2);
  wr16le(output, 205, menu.v3);
  wr8(output, 207, menu.resets);
  wr8(output, 208, menu.lastAction);
  wr8(output, 209, editing ? u8(1) : u8(0));
  return menu.presses;
}
