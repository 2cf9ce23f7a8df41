// A TLV (type-length-value) reader for a configuration blob: 1-byte tag, length in 1 byte or,
// with the top bit set, 2 bytes big-endian (BER-like short/long form), then the value.
// Constructed tags (bit 5) contain nested TLVs, walked with an explicit stack (no recursion)
// up to 4 levels. Known tags are decoded into a config object; the rest are skipped.
import { u8, u16, u32, bytes, rd8, rd16be, rd32be, wr8, wr16le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

const Tag = { Id: 0x01, Rate: 0x02, Name: 0x03, Flags: 0x04, Group: 0x30 } as const;
const TlvErr = { Ok: 0, Truncated: 1, TooDeep: 2, BadLength: 3 } as const;
type TlvErr = (typeof TlvErr)[keyof typeof TlvErr];

const MAX_DEPTH = 4;

class Config {
  id = u32(0);
  rate = u16(0);
  flags = u8(0);
  nameHash = u32(0);
  groups = u8(0);
  unknown = u8(0);
}

const cfg = new Config();
// End offsets of the open constructed TLVs.
const stack = bytes(MAX_DEPTH * 4);

export function parseTlv(b: Bytes, c: Config): TlvErr {
  let pos = u32(0);
  let depth = u32(0);
  let end = b.length;
  while (true) {
    // Close every container that ends here.
    while (pos === end && depth > 0) {
      depth = u32(depth - 1);
      end = depth === 0 ? b.length : rd32be(stack, u32((depth - 1) * 4));
    }
    if (pos >= end) break;
    if (u32(pos + 2) > end) return TlvErr.Truncated;
    const tag = rd8(b, pos);
    let len = u32(rd8(b, u32(pos + 1)));
    pos = u32(pos + 2);
    if (u32(len & 0x80) !== 0) {
      if (len !== 0x82) return TlvErr.BadLength;
      if (u32(pos + 2) > end) return TlvErr.Truncated;
      len = u32(rd16be(b, pos));
      pos = u32(pos + 2);
    }
    if (u32(pos + len) > end) return TlvErr.Truncated;
    if (u8(tag & 0x20) !== 0) {
      if (depth >= MAX_DEPTH) return TlvErr.TooDeep;
      if (tag === Tag.Group) c.groups = u8(c.groups + 1);
      // Push the current end and descend.
      depth = u32(depth + 1);
      end = u32(pos + len);
      wr8(stack, u32((depth - 1) * 4), u8(end >>> 24));
      wr8(stack, u32((depth - 1) * 4 + 1), u8(end >>> 16));
      wr8(stack, u32((depth - 1) * 4 + 2), u8(end >>> 8));
      wr8(stack, u32((depth - 1) * 4 + 3), u8(end));
      continue;
    }
    switch (tag) {
      case Tag.Id:
        if (len !== 4) return TlvErr.BadLength;
        c.id = rd32be(b, pos);
        break;
      case Tag.Rate:
        if (len !== 2) return TlvErr.BadLength;
        c.rate = rd16be(b, pos);
        break;
      case Tag.Flags:
        if (len !== 1) return TlvErr.BadLength;
        c.flags = rd8(b, pos);
        break;
      case Tag.Name: {
        // djb2 of the name bytes.
        let h = u32(5381);
        for (let i = u32(0); i < len; i++) {
          h = u32(((h << 5) + h + rd8(b, u32(pos + i))) >>> 0);
        }
        c.nameHash = h;
        break;
      }
      default:
        c.unknown = u8(c.unknown + 1);
        break;
    }
    pos = u32(pos + len);
  }
  return TlvErr.Ok;
}

export function main(input: Bytes, output: Bytes): u32 {
  const err = parseTlv(input, cfg);
  wr8(output, 0, u8(err));
  wr32le(output, 1, cfg.id);
  wr16le(output, 5, cfg.rate);
  wr8(output, 7, cfg.flags);
  wr32le(output, 8, cfg.nameHash);
  wr8(output, 12, cfg.groups);
  wr8(output, 13, cfg.unknown);
  return u32(err);
}
