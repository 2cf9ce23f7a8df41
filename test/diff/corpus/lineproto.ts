// A text command line protocol as on a debug UART: lines end in '\n' (a preceding '\r' is
// dropped), tokens are separated by spaces. Commands: "SET <reg> <value>", "GET <reg>",
// "ADD <reg> <value>", "CLR", with decimal or 0x-hex numbers. Registers 0..15 persist across
// cases; replies are written to the output as text ("OK", "ERR n", or the value in hex).
import { u8, u32, bytes, divu, modu, mul32, rd8, wr8, rd32le, wr32le, view, type Bytes } from '../../../firmware/lib/prelude.ts';

const Err = { None: 0, Unknown: 1, Syntax: 2, Range: 3, Overflow: 4 } as const;
type Err = (typeof Err)[keyof typeof Err];

const NREGS = 16;
const regs = bytes(NREGS * 4);
const line = bytes(48);
let lineLen = u32(0);
let overlong = false;

class Cursor {
  pos = u32(0);
  end = u32(0);
  err: Err = Err.None;

  skipSpaces(b: Bytes): void {
    while (this.pos < this.end && rd8(b, this.pos) === 0x20) this.pos = u32(this.pos + 1);
  }

  /** An upper-cased word of up to 4 letters packed into a u32 (first letter in the top byte). */
  word(b: Bytes): u32 {
    this.skipSpaces(b);
    let w = u32(0);
    let n = u32(0);
    while (this.pos < this.end && rd8(b, this.pos) !== 0x20) {
      let c = rd8(b, this.pos);
      if (c >= 0x61 && c <= 0x7a) c = u8(c - 0x20);
      if (n < 4) w = u32((w << 8) | c);
      n = u32(n + 1);
      this.pos = u32(this.pos + 1);
    }
    return n > 4 ? u32(0) : w;
  }

  number(b: Bytes): u32 {
    this.skipSpaces(b);
    let v = u32(0);
    let digits = u32(0);
    let base = u32(10);
    if (u32(this.pos + 1) < this.end && rd8(b, this.pos) === 0x30 && u8(rd8(b, u32(this.pos + 1)) | 0x20) === 0x78) {
      base = u32(16);
      this.pos = u32(this.pos + 2);
    }
    while (this.pos < this.end && rd8(b, this.pos) !== 0x20) {
      const c = rd8(b, this.pos);
      let d = u32(99);
      if (c >= 0x30 && c <= 0x39) d = u32(c - 0x30);
      else if (c >= 0x61 && c <= 0x66) d = u32(c - 0x57);
      else if (c >= 0x41 && c <= 0x46) d = u32(c - 0x37);
      if (d >= base) {
        this.err = Err.Syntax;
        return u32(0);
      }
      // Overflow check before v * base + d leaves 32 bits.
      if (v > u32(0xffffffff >>> (base === 16 ? 4 : 3)) || (base === 10 && v > 429496729)) {
        this.err = Err.Overflow;
        return u32(0);
      }
      const nv = base === 16 ? u32((v << 4) | d) : u32(v * 10 + d);
      if (base === 10 && nv < v) {
        this.err = Err.Overflow;
        return u32(0);
      }
      v = nv;
      digits = u32(digits + 1);
      this.pos = u32(this.pos + 1);
    }
    if (digits === 0) this.err = Err.Syntax;
    return v;
  }
}

const cur = new Cursor();

const SET = 0x534554;
const GET = 0x474554;
const ADD = 0x414444;
const CLR = 0x434c52;

const HEX: readonly u8[] = [u8(48), u8(49), u8(50), u8(51), u8(52), u8(53), u8(54), u8(55), u8(56), u8(57), u8(65), u8(66), u8(67), u8(68), u8(69), u8(70)];

class Out {
  pos = u32(0);
  put(b: Bytes, c: u8): void {
    if (this.pos < b.length) {
      b[this.pos] = c;
      this.pos = u32(this.pos + 1);
    }
  }
  hex(b: Bytes, v: u32): void {
    for (let s = u32(0); s < 8; s++) {
      const nib = u8((v >>> (28 - s * 4)) & 15);
      if (nib < HEX.length) {
        this.put(b, HEX[nib]);
      }
    }
  }
}

const out = new Out();

function execute(b: Bytes, o: Bytes): void {
  cur.pos = u32(0);
  cur.end = b.length;
  cur.err = Err.None;
  const cmd = cur.word(b);
  let reply = u32(0);
  let hasValue = false;
  if (cmd === CLR) {
    for (let i = u32(0); i < regs.length; i++) regs[i] = u8(0);
  } else if (cmd === SET || cmd === GET || cmd === ADD) {
    const r = cur.number(b);
    if (cur.err === Err.None && r >= NREGS) cur.err = Err.Range;
    if (cur.err === Err.None && cmd === GET) {
      reply = rd32le(regs, u32(r * 4));
      hasValue = true;
    } else if (cur.err === Err.None) {
      const v = cur.number(b);
      if (cur.err === Err.None) {
        const old = rd32le(regs, u32(r * 4));
        wr32le(regs, u32(r * 4), cmd === SET ? v : u32(old + v));
      }
    }
  } else {
    cur.err = Err.Unknown;
  }
  if (cur.err !== Err.None) {
    out.put(o, u8(0x45));
    out.put(o, u8(0x30 + u8(cur.err)));
  } else if (hasValue) {
    out.hex(o, reply);
  } else {
    out.put(o, u8(0x4f));
    out.put(o, u8(0x4b));
  }
  out.put(o, u8(0x0a));
}

function feed(input: Bytes, output: Bytes): u32 {
  let lines = u32(0);
  for (let i = u32(0); i < input.length; i++) {
    const c = input[i];
    if (c === 0x0a) {
      let n = lineLen;
      if (n > 0 && rd8(line, u32(n - 1)) === 0x0d) n = u32(n - 1);
      if (overlong) {
        out.put(output, u8(0x21));
        out.put(output, u8(0x0a));
      } else {
        execute(view(line, 0, n), output);
      }
      lineLen = u32(0);
      overlong = false;
      lines = u32(lines + 1);
    } else if (lineLen < line.length) {
      wr8(line, lineLen, c);
      lineLen = u32(lineLen + 1);
    } else {
      overlong = true;
    }
  }
  return lines;
}

// The test driver types commands as a terminal user would: every 3 input bytes
// [verb, register, value] become one line such as "set 3 0x1f\r\n" or "GET 12\n".
const script = bytes(1200);
// The verbs the typist uses, and one the device does not know.
const NOP = 0x4e4f50;
const VERBS: readonly u32[] = [u32(SET), u32(GET), u32(ADD), u32(CLR), u32(NOP)];

class Typist {
  pos = u32(0);
  ch(c: u8): void {
    wr8(script, this.pos, c);
    this.pos = u32(this.pos + 1);
  }
  dec(v: u32): void {
    let div = u32(1000000000);
    let started = false;
    while (div > 0) {
      const d = divu(v, div) ;
      v = u32(v - mul32(d, div));
      if (d !== 0 || started || div === 1) {
        this.ch(u8(0x30 + d));
        started = true;
      }
      div = divu(div, u32(10));
    }
  }
}

const typist = new Typist();

function compose(input: Bytes): Bytes {
  typist.pos = u32(0);
  // Stop while a whole line (at most 20 characters) still fits.
  for (let i = u32(0); u32(i + 3) <= input.length && u32(typist.pos + 24) <= script.length; i = u32(i + 3)) {
    const sel = rd8(input, i);
    const verb = u32(modu(u32(sel), u32(5)));
    let w = u32(0);
    if (verb < VERBS.length) {
      w = VERBS[verb];
    }
    const lower = u8(sel & 0x80) !== 0;
    for (let k = u32(0); k < 3; k++) {
      const c = u8(w >>> (16 - k * 8));
      typist.ch(lower ? u8(c | 0x20) : c);
    }
    typist.ch(u8(0x20));
    typist.dec(u32(rd8(input, u32(i + 1)) & 0x1f));
    typist.ch(u8(0x20));
    const v = rd8(input, u32(i + 2));
    if (u8(v & 0x40) !== 0) {
      typist.ch(u8(0x30));
      typist.ch(u8(0x78));
      typist.dec(u32(v & 9));
    } else {
      typist.dec(mul32(u32(v), u32(16777619)));
    }
    if (u8(sel & 0x40) !== 0) typist.ch(u8(0x0d));
    typist.ch(u8(0x0a));
  }
  return view(script, 0, typist.pos);
}

export function main(input: Bytes, output: Bytes): u32 {
  out.pos = u32(0);
  const typed = feed(compose(input), output);
  const raw = feed(input, output);
  return u32((typed << 16) | raw);
}
