import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { crc16ccitt } from 'crc';
import { asBytes, u8, u16 } from '../../firmware/lib/prelude.ts';
import {
  CRC16_INIT,
  CRC16_TABLE,
  crc16,
  crc16Update,
  crc16UpdateBitwise,
  crc16UpdateTable,
} from '../../firmware/framing/crc16.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(s.split(' ').filter((x) => x !== '').map((x) => parseInt(x, 16)));
const init = u16(CRC16_INIT);

describe('crc16 (CRC-16/CCITT-FALSE)', () => {
  it('has the catalogue check value 0x29B1 for "123456789" (spec §2.4, §7.4)', () => {
    assert.equal(crc16(asBytes(new TextEncoder().encode('123456789')), init), 0x29b1);
  });

  it('gives 0x2042 after FF FD and the running values of the "one" frame (spec §2.4)', () => {
    let c = crc16(asBytes(hex('FF FD')), init);
    assert.equal(c, 0x2042);
    c = crc16(asBytes(hex('03 00 00 00')), c);
    assert.equal(c, 0xdf5f);
    c = crc16(asBytes(hex('6F 6E 65')), c);
    assert.equal(c, 0xf458);
  });

  it('has the standard non-reflected table (256 entries, t[1]=0x1021, t[255]=0x1EF0)', () => {
    assert.equal(CRC16_TABLE.length, 256);
    assert.deepEqual(CRC16_TABLE.slice(0, 4), [0x0000, 0x1021, 0x2042, 0x3063]);
    assert.equal(CRC16_TABLE[255], 0x1ef0);
  });

  it('table and bitwise updates agree on every byte from every 16-bit register value', () => {
    for (let c = 0; c < 0x10000; c += 1) {
      for (let b = 0; b < 256; b += 17) {
        const t = crc16UpdateTable(u16(c), u8(b));
        const w = crc16UpdateBitwise(u16(c), u8(b));
        if (t !== w) assert.fail(`crc ${c.toString(16)} byte ${b}: table ${t} bitwise ${w}`);
      }
    }
  });

  it('matches the npm crc package (crc16ccitt) on random data and random split points', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600, size: 'max' }), fc.nat(), (data, cut) => {
        const expected = crc16ccitt(Buffer.from(data));
        assert.equal(crc16(asBytes(data), init), expected);
        // Continuing from an intermediate value is the same as one pass.
        const k = data.length === 0 ? 0 : cut % data.length;
        const mid = crc16(asBytes(data.subarray(0, k)), init);
        assert.equal(crc16(asBytes(data.subarray(k)), mid), expected);
        // The bitwise update gives the same bytes.
        let c = init;
        for (const b of data) c = crc16UpdateBitwise(c, u8(b));
        assert.equal(c, expected);
      }),
      { numRuns: 300 },
    );
  });

  it('crc16Update is one of the two implementations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 255 }), (c, b) => {
        assert.equal(crc16Update(u16(c), u8(b)), crc16ccitt(Buffer.of(b), c));
      }),
    );
  });
});
