// A console receive path: bytes are appended to the current line buffer; a newline hands the line
// to the command layer, which (as many shells do) may switch the console to a short "password"
// line buffer or back to the normal one. The copy loop runs over the current buffer and echoes
// it, so the switch happens in the middle of a loop over that buffer.
import { u8, u16, u32, bytes, view, rd8, wr8, wr16le, type Bytes } from '../../../firmware/lib/prelude.ts';

const store = bytes(96);
const NORMAL = 80;
const SECRET = 8;
let cur: Bytes = view(store, 0, NORMAL);
let fill = u32(0);
let lines = u16(0);
let secretMode = false;
let echoSum = u32(0);

/** A complete line: a line starting with '*' toggles the password mode (and the buffer). */
function onLine(): void {
  lines = u16(lines + 1);
  if (fill > 0 && rd8(cur, 0) === 0x2a) {
    secretMode = !secretMode;
    cur = secretMode ? view(store, NORMAL, u32(NORMAL + SECRET)) : view(store, 0, NORMAL);
  }
  fill = u32(0);
}

export function main(input: Bytes, output: Bytes): u32 {
  for (let i = u32(0); i < input.length; i++) {
    const c = u8(input[i] & 0x7f);
    if (c === 0x0a || c === 0x0d) {
      // Echo the line before handing it over: a loop over the current buffer.
      for (let k = u32(0); k < cur.length; k++) {
        if (k >= fill) break;
        echoSum = u32(echoSum + cur[k]);
        if (cur[k] === 0x2a && k === 0) onLine();
      }
      if (fill > 0) onLine();
    } else if (fill < cur.length) {
      wr8(cur, fill, c);
      fill = u32(fill + 1);
    }
  }
  wr16le(output, 0, lines);
  wr8(output, 2, secretMode ? u8(1) : u8(0));
  wr16le(output, 3, u16(echoSum));
  wr8(output, 5, u8(fill));
  return echoSum;
}
