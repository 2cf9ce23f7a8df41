// The spec's test vectors (shared/spec/microtvm-wire.md §7.1, §7.2, §7.4) in Node and in the
// generated C: Node's output must equal the vector, and difftest requires the C (gcc and clang,
// -O0 and -O2, ASan+UBSan) to equal Node byte for byte on the same inputs.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { asBytes, FwPanic } from '../../firmware/lib/prelude.ts';
import { difftest } from '../../codegen/src/difftest/index.ts';
import { REPO } from '../codegen/helpers.ts';

const DRIVER = path.join(REPO, 'test/diff/protocol/vectors.ts');
const hex = (s: string): Uint8Array => Uint8Array.from(s.trim().split(/\s+/).filter(Boolean).map((x) => parseInt(x, 16)));
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...xs: Uint8Array[]): Uint8Array => Uint8Array.from(xs.flatMap((x) => [...x]));
const cmd = (c: string, ...rest: Uint8Array[]): Uint8Array => cat(ascii(c), ...rest);

const ESCAPE_PAYLOAD = hex('65 73 5F FF 5F 63 61 70 65 69 72 2F 5E 3E 74 40 22 68 72');
const LINE = 'this payload is exactly 255 characters long. chunk is 64 bytes. ';
const LONG = ascii(LINE + LINE + LINE + LINE.slice(0, -1));

/** Input -> the bytes the spec says come out. */
const VECTORS: [string, Uint8Array, Uint8Array][] = [
  ['Packet1 (fresh framer: FE)', cmd('F', ascii('one')), hex('FE FF FD 03 00 00 00 6F 6E 65 58 F4')],
  ['Packet2 (idle framer)', cmd('f', ascii('two2')), hex('FF FD 04 00 00 00 74 77 6F 32 13 11')],
  ['Packet3', cmd('f', ascii('three')), hex('FF FD 05 00 00 00 74 68 72 65 65 63 9F')],
  ['ZeroLengthPacket', cmd('F'), hex('FE FF FD 00 00 00 00 83 44')],
  ['EscapePacket', cmd('F', ESCAPE_PAYLOAD), hex('FE FF FD 13 00 00 00 65 73 5F FF FF 5F 63 61 70 65 69 72 2F 5E 3E 74 40 22 68 72 B4 FF FF')],
  ['EscapeCodeInSizePacket', cmd('f', LONG), cat(hex('FF FD FF FF 00 00 00'), LONG, hex('36 7E'))],
  ['ValidPacketTrain', cmd('T'), hex(`FE FF FD 03 00 00 00 6F 6E 65 58 F4 FF FD 04 00 00 00 74 77 6F 32 13 11
    FE FF FD 05 00 00 00 74 68 72 65 65 63 9F`)],
  ['CRC("123456789") = 0x29B1', cmd('C', ascii('123456789')), hex('B1 29')],
  ['CRC(FF FD) = 0x2042', cmd('C', hex('FF FD')), hex('42 20')],
  ['nonce chain from 0x3C', cmd('N', hex('3C')), hex('82 45 A3 66 C4 87')],
  ['NormalExchange', cmd('S', ascii('n')), hex(`FE FF FD 03 00 00 00 00 00 02 66 77
    FF FD 04 00 00 00 82 00 00 01 7B E9   FF FD 04 00 00 00 82 66 01 01 81 F3
    FF FD 08 00 00 00 82 66 10 68 65 6C 6C 6F 90 28   FF FD 08 00 00 00 82 66 10 6F 6C 6C 65 68 4C 76
    FF FD 07 00 00 00 00 00 03 6C 6F 67 31 F0 D4   FF FD 07 00 00 00 00 00 03 7A 65 72 6F B2 68`)],
  ['LogBeforeSessionStart (fresh framers: FE)', cmd('S', ascii('l')), hex(`FE FF FD 07 00 00 00 00 00 03 6C 6F 67 31 F0 D4
    FE FF FD 07 00 00 00 00 00 03 7A 65 72 6F B2 68`)],
  ['DoubleStart: the lower nonce wins, session id 0x4566', cmd('S', ascii('d')), hex(`FF FD 04 00 00 00 82 00 00 01 7B E9   FF FD 04 00 00 00 66 00 00 01 60 A7
    FF FD 04 00 00 00 66 45 01 01 0C 62`)],
];

function runNode(main: (i: unknown, o: unknown) => number, input: Uint8Array): Uint8Array {
  const out = new Uint8Array(512);
  const n = main(asBytes(input), asBytes(out));
  return out.slice(0, n);
}

describe('spec vectors §7.1, §7.2, §7.4 in Node and in C', function () {
  this.timeout(180_000);

  it('Node (the FwTS modules) produces every vector', async () => {
    const mod = (await import(DRIVER)) as { main: (i: unknown, o: unknown) => number };
    for (const [name, input, want] of VECTORS) {
      try {
        assert.deepEqual(runNode(mod.main, input), want, name);
      } catch (e) {
        if (e instanceof FwPanic) assert.fail(`${name}: panic ${e.code}`);
        throw e;
      }
    }
  });

  it('the generated C produces the same bytes (gcc, clang; -O0, -O2; ASan+UBSan)', async () => {
    const r = await difftest(DRIVER, { inputs: VECTORS.map((v) => v[1]), outSize: 512 });
    assert.equal(r.transpile_ok, true, r.diagnostics);
    assert.equal(r.build_failures, 0, JSON.stringify(r.configs.map((c) => c.log)));
    assert.equal(r.mismatches, 0, JSON.stringify(r.first_mismatch));
    assert.equal(r.sanitizer_reports, 0, r.sanitizer_excerpt);
    assert.equal(r.cases, VECTORS.length);
  });
});
