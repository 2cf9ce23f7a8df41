// Calendar arithmetic of an RTC driver: Unix seconds to civil date and time (Howard Hinnant's
// days-from-civil algorithm in i32), back again, ISO weekday, leap years, and a BCD encoding of
// the fields as an RTC chip stores them. Times come from the input as u32 LE seconds.
import { u8, u16, u32, i32, imul32, divi, modi, divu, modu, rd32le, wr8, wr16le, wr32le, type Bytes } from '../../../firmware/lib/prelude.ts';

class Civil {
  y = i32(1970);
  m = u8(1);
  d = u8(1);
}

const civ = new Civil();

export function civilFromDays(z0: i32, out: Civil): void {
  const z = i32(z0 + 719468);
  const era = divi(z >= 0 ? z : i32(z - 146096), i32(146097));
  const doe = i32(z - imul32(era, i32(146097)));
  const yoe = divi(i32(doe - divi(doe, i32(1460)) + divi(doe, i32(36524)) - divi(doe, i32(146096))), i32(365));
  const doy = i32(doe - (365 * yoe + divi(yoe, i32(4)) - divi(yoe, i32(100))));
  const mp = divi(i32(5 * doy + 2), i32(153));
  const d = i32(doy - divi(i32(153 * mp + 2), i32(5)) + 1);
  const m = mp < 10 ? i32(mp + 3) : i32(mp - 9);
  out.y = i32(yoe + imul32(era, i32(400)) + (m <= 2 ? 1 : 0));
  out.m = u8(m);
  out.d = u8(d);
}

export function daysFromCivil(y0: i32, m: u8, d: u8): i32 {
  const y = m <= 2 ? i32(y0 - 1) : y0;
  const era = divi(y >= 0 ? y : i32(y - 399), i32(400));
  const yoe = i32(y - imul32(era, i32(400)));
  const mm = m > 2 ? i32(m - 3) : i32(m + 9);
  const doy = i32(divi(i32(153 * mm + 2), i32(5)) + d - 1);
  const doe = i32(yoe * 365 + divi(yoe, i32(4)) - divi(yoe, i32(100)) + doy);
  return i32(imul32(era, i32(146097)) + doe - 719468);
}

export function isLeap(y: i32): boolean {
  return modi(y, i32(4)) === 0 && (modi(y, i32(100)) !== 0 || modi(y, i32(400)) === 0);
}

function bcd(v: u32): u8 {
  return u8((divu(v, u32(10)) << 4) | modu(v, u32(10)));
}

export function main(input: Bytes, output: Bytes): u32 {
  let o = u32(0);
  let roundTripErrors = u32(0);
  for (let i = u32(0); u32(i + 4) <= input.length && u32(o + 12) <= output.length; i = u32(i + 4)) {
    const t = rd32le(input, i);
    const days = i32(divu(t, u32(86400)));
    const secs = modu(t, u32(86400));
    civilFromDays(days, civ);
    if (daysFromCivil(civ.y, civ.m, civ.d) !== days) roundTripErrors = u32(roundTripErrors + 1);
    const weekday = u8(modi(i32(days + 3), i32(7)) + 1);
    wr16le(output, o, u16(civ.y));
    wr8(output, u32(o + 2), bcd(u32(civ.m)));
    wr8(output, u32(o + 3), bcd(u32(civ.d)));
    wr8(output, u32(o + 4), bcd(divu(secs, u32(3600))));
    wr8(output, u32(o + 5), bcd(modu(divu(secs, u32(60)), u32(60))));
    wr8(output, u32(o + 6), bcd(modu(secs, u32(60))));
    wr8(output, u32(o + 7), weekday);
    wr32le(output, u32(o + 8), isLeap(civ.y) ? u32(366) : u32(365));
    o = u32(o + 12);
  }
  // Signed day numbers around the epoch from single bytes.
  for (let i = u32(0); i < input.length; i++) {
    const z = i32(imul32(i32(input[i]), i32(1000)) - 128000);
    civilFromDays(z, civ);
    if (daysFromCivil(civ.y, civ.m, civ.d) !== z) roundTripErrors = u32(roundTripErrors + 1);
  }
  wr32le(output, u32(output.length - 4), roundTripErrors);
  return roundTripErrors;
}
