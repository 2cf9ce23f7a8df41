// Table-driven command dispatch as in a bootloader or a Modbus-like slave: a request is
// [cmd][arg...]; cmd selects a handler from a function table (an enum indexes it, so the table
// lookup needs no bounds check); handlers get a context object with the device state and write
// the response. Unknown commands get an error reply. The device state persists across cases.
import { u8, u16, u32, bytes, rd8, wr8, wr16le, wr32le, copy, view, fill, type Bytes } from '../../../firmware/lib/prelude.ts';

const Status = { Ok: 0, BadCmd: 1, BadLen: 2, Locked: 3, Range: 4 } as const;
type Status = (typeof Status)[keyof typeof Status];

const MEM_SIZE = 128;

class Device {
  mem = bytes(MEM_SIZE);
  locked = true;
  writes = u32(0);
  resp = bytes(64);
  respLen = u32(0);
}

type Handler = (d: Device, args: Bytes) => Status;

function cmdPing(d: Device, args: Bytes): Status {
  d.respLen = u32(args.length < 16 ? args.length : 16);
  copy(d.resp, 0, view(args, 0, d.respLen));
  return Status.Ok;
}

function cmdUnlock(d: Device, args: Bytes): Status {
  if (args.length !== 2) return Status.BadLen;
  // The key is a byte and its complement.
  d.locked = u8(rd8(args, 0) ^ rd8(args, 1)) !== 0xff;
  return d.locked ? Status.Locked : Status.Ok;
}

function cmdRead(d: Device, args: Bytes): Status {
  if (args.length !== 2) return Status.BadLen;
  const at = u32(rd8(args, 0));
  const n = u32(rd8(args, 1));
  if (n > d.resp.length || u32(at + n) > d.mem.length) return Status.Range;
  copy(d.resp, 0, view(d.mem, at, u32(at + n)));
  d.respLen = n;
  return Status.Ok;
}

function cmdWrite(d: Device, args: Bytes): Status {
  if (args.length < 1) return Status.BadLen;
  if (d.locked) return Status.Locked;
  const at = u32(rd8(args, 0));
  const data = view(args, 1, args.length);
  if (u32(at + data.length) > d.mem.length) return Status.Range;
  copy(d.mem, at, data);
  d.writes = u32(d.writes + 1);
  return Status.Ok;
}

function cmdErase(d: Device, args: Bytes): Status {
  if (args.length !== 0) return Status.BadLen;
  if (d.locked) return Status.Locked;
  fill(d.mem, u8(0xff), 0, d.mem.length);
  d.locked = true;
  return Status.Ok;
}

function cmdInfo(d: Device, args: Bytes): Status {
  if (args.length !== 0) return Status.BadLen;
  wr32le(d.resp, 0, d.writes);
  wr8(d.resp, 4, d.locked ? u8(1) : u8(0));
  let sum = u16(0);
  for (let i = u32(0); i < d.mem.length; i++) sum = u16(sum + d.mem[i]);
  wr16le(d.resp, 5, sum);
  d.respLen = u32(7);
  return Status.Ok;
}

const Cmd = { Ping: 0, Unlock: 1, Read: 2, Write: 3, Erase: 4, Info: 5 } as const;
type Cmd = (typeof Cmd)[keyof typeof Cmd];
const HANDLERS: readonly Handler[] = [cmdPing, cmdUnlock, cmdRead, cmdWrite, cmdErase, cmdInfo];

const dev = new Device();

/** Map a wire byte to a command, or return false. */
function decodeCmd(b: u8): boolean {
  return b <= 5;
}

function toCmd(b: u8): Cmd {
  switch (b) {
    case 0: return Cmd.Ping;
    case 1: return Cmd.Unlock;
    case 2: return Cmd.Read;
    case 3: return Cmd.Write;
    case 4: return Cmd.Erase;
    default: return Cmd.Info;
  }
}

/** Requests are length-prefixed: [len][cmd][args...] repeated. */
export function main(input: Bytes, output: Bytes): u32 {
  let i = u32(0);
  let o = u32(0);
  let n = u32(0);
  while (i < input.length) {
    const len = u32(rd8(input, i) & 0x1f);
    if (len === 0 || u32(i + 1 + len) > input.length) break;
    const req = view(input, u32(i + 1), u32(i + 1 + len));
    i = u32(i + 1 + len);
    const raw = u8(rd8(req, 0) & 0x07);
    dev.respLen = u32(0);
    let st: Status = Status.BadCmd;
    if (decodeCmd(raw)) {
      const h = HANDLERS[toCmd(raw)];
      st = h(dev, view(req, 1, req.length));
    }
    n = u32(n + 1);
    if (u32(o + 2 + dev.respLen) > output.length) break;
    wr8(output, o, u8(st));
    wr8(output, u32(o + 1), u8(dev.respLen));
    copy(output, u32(o + 2), view(dev.resp, 0, dev.respLen));
    o = u32(o + 2 + dev.respLen);
  }
  return n;
}
