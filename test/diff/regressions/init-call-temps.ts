// Found by fuzz-codegen. Strict-build error (gcc: "conflicting types for 'fw_t0'" / "redefinition of 'fw_t0'"): two top-level initialisers that call functions (`let s2: u16 = init63(); let s3: i16 = init65();`) each declare a temporary fw_t0 in <module>_module_init(). Node runs both.
// Initialisers now share one temporary count in module_init.
// @difftest cases=20 seed=23 outSize=16
// fuzz-codegen program seed 5004 (feature init-call; also seed 5036), shrunk 263 -> 23 lines.
import { u16, u32, i16, bytes, log, type Bytes } from '../../../firmware/lib/prelude.ts';

const g1: Bytes = bytes(16);
;

let s2: u16 = init63();
let s3: i16 = init65();

export function main(input: Bytes, output: Bytes): u32 {
  return (((s3 < 0) && (u16(0) !== s2)) ? u32(0) : u32(0));
}

function init63(): u16 {
  const b64: Bytes = g1;
  log('len', b64.length);
  return u16(0);
}

function init65(): i16 {
  return i16(0);
}
