// A log-structured key-value store on two emulated flash pages (erased = 0xFF, writes can only
// clear bits, a page is erased whole), as EEPROM emulation on an MCU does it: records
// [key][len][data...][sum] are appended to the active page; reading scans for the newest record
// of a key; when the page is full the live records are compacted into the other page. The store
// persists across cases; each input is a list of put/get/delete commands.
import { u8, u16, u32, bytes, rd8, wr8, wr16le, copy, fill, view, type Bytes } from '../../../firmware/lib/prelude.ts';

const PAGE = 128;
const ERASED = 0xff;
const DELETED_LEN = 0xfe;

class Flash {
  mem = bytes(PAGE * 2);
  erases = u16(0);
  badWrites = u16(0);

  erase(page: u32): void {
    fill(this.mem, u8(ERASED), u32(page * PAGE), u32(page * PAGE + PAGE));
    this.erases = u16(this.erases + 1);
  }
  /** Program one byte: NOR flash can only clear bits. */
  program(at: u32, v: u8): void {
    const old = rd8(this.mem, at);
    if (u8(old & v) !== v) this.badWrites = u16(this.badWrites + 1);
    wr8(this.mem, at, u8(old & v));
  }
}

class Store {
  flash = new Flash();
  active = u32(0);
  top = u32(0);
  formatted = false;

  base(): u32 {
    return u32(this.active * PAGE);
  }

  /** Offset (in the active page) of the newest record of key, or PAGE. */
  find(key: u8): u32 {
    let at = u32(0);
    let found = u32(PAGE);
    while (at < this.top) {
      const k = rd8(this.flash.mem, u32(this.base() + at));
      const len = rd8(this.flash.mem, u32(this.base() + at + 1));
      if (k === key) found = len === DELETED_LEN ? u32(PAGE) : at;
      at = u32(at + 3 + (len === DELETED_LEN ? 0 : len));
    }
    return found;
  }

  append(key: u8, data: Bytes, deleted: boolean): boolean {
    const size = u32(3 + (deleted ? 0 : data.length));
    if (u32(this.top + size) > PAGE) {
      this.compact();
      if (u32(this.top + size) > PAGE) return false;
    }
    const at = u32(this.base() + this.top);
    let sum = u8(key);
    this.flash.program(at, key);
    this.flash.program(u32(at + 1), deleted ? u8(DELETED_LEN) : u8(data.length));
    if (!deleted) {
      for (let i = u32(0); i < data.length; i++) {
        this.flash.program(u32(at + 2 + i), data[i]);
        sum = u8(sum + data[i]);
      }
    }
    this.flash.program(u32(at + size - 1), sum);
    this.top = u32(this.top + size);
    return true;
  }

  compact(): void {
    const from = this.base();
    const other = u32(1 - this.active);
    this.flash.erase(other);
    let dst = u32(other * PAGE);
    // Keep the newest record of every key that is not deleted, in key order.
    for (let key = u32(0); key < 255; key++) {
      const at = this.find(u8(key));
      if (at < PAGE) {
        const len = u32(rd8(this.flash.mem, u32(from + at + 1)));
        const rec = view(this.flash.mem, u32(from + at), u32(from + at + 3 + len));
        copy(this.flash.mem, dst, rec);
        dst = u32(dst + 3 + len);
      }
    }
    this.active = other;
    this.top = u32(dst - other * PAGE);
    this.flash.erase(u32(1 - other));
  }
}

const store = new Store();

export function main(input: Bytes, output: Bytes): u32 {
  if (!store.formatted) {
    store.flash.erase(u32(0));
    store.flash.erase(u32(1));
    store.formatted = true;
  }
  let i = u32(0);
  let o = u32(8);
  let fails = u16(0);
  while (u32(i + 2) <= input.length) {
    const op = u8(rd8(input, i) >>> 6);
    const key = u8(rd8(input, i) & 15);
    const n = u32(rd8(input, u32(i + 1)) & 7);
    i = u32(i + 2);
    if (op === 0 || op === 1) {
      if (u32(i + n) > input.length) break;
      if (!store.append(key, view(input, i, u32(i + n)), false)) fails = u16(fails + 1);
      i = u32(i + n);
    } else if (op === 2) {
      const at = store.find(key);
      if (at < PAGE && o < output.length) {
        const len = rd8(store.flash.mem, u32(store.base() + at + 1));
        wr8(output, o, len);
        o = u32(o + 1);
      } else if (o < output.length) {
        wr8(output, o, u8(0xee));
        o = u32(o + 1);
      }
    } else if (store.find(key) < PAGE) {
      store.append(key, view(input, 0, 0), true);
    }
  }
  wr16le(output, 0, store.flash.erases);
  wr16le(output, 2, store.flash.badWrites);
  wr8(output, 4, u8(store.active));
  wr8(output, 5, u8(store.top));
  wr16le(output, 6, fails);
  return store.top;
}
