// urpc frame | decode: look at the wire. Both run the firmware's own FwTS Framer and Unframer in
// Node (the same code that is lowered to C for the device), so what they print is what a device
// would send or make of the bytes. decode is a sniffer: frames with offsets, CRC status and
// framing errors, then the session header and, in Normal messages, the MinRPC packet.
import type { Command } from 'commander';
import * as fs from 'node:fs';
import { asBytes, bytes, u16, u32, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { CRC16_INIT, crc16 } from '../../firmware/framing/crc16.ts';
import { Framer, type WriteStream } from '../../firmware/framing/framer.ts';
import { Unframer, UnframerState, type FrameSink } from '../../firmware/framing/unframer.ts';
import { MessageType } from '../../firmware/session/session.ts';
import { RPCCode, SYSCALL_START } from '../../firmware/rpc/codes.ts';
import { CompactCodec, CompactForm, COMPACT_PACKET_BYTES } from '../../firmware/rpc/compact.ts';
import { ByteReader, readArgs, readTensor, type Value, type DLTensor } from '../client/packet.ts';
import { expandExceptionText } from '../client/exception-text.ts';
import { command, fail, UsageError } from './options.ts';


/** Hex with or without separators: spaces, colons, commas, dashes, and optional 0x per byte. */
export function parseHex(text: string): Uint8Array {
  const t = text.replace(/0x/gi, '').replace(/[\s:,-]+/g, '');
  const bad = /[^0-9a-fA-F]/.exec(t);
  if (bad) throw new UsageError(`malformed hex: unexpected character '${bad[0]}'`);
  if (t.length % 2 !== 0) throw new UsageError(`malformed hex: odd number of digits (${t.length})`);
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');
const hex4 = (n: number): string => '0x' + n.toString(16).toUpperCase().padStart(4, '0');

const nameOf = (table: Record<string, number>, v: number): string | undefined => Object.entries(table).find(([, x]) => x === v)?.[0];
const errName = (e: number): string => `${nameOf(Err, e) ?? 'Unknown'} (${hex4(e)})`;

class Collect implements WriteStream {
  chunks: Uint8Array[] = [];
  write(data: Bytes): Err {
    this.chunks.push(Uint8Array.from(data as unknown as Uint8Array));
    return Err.Ok;
  }
  take(): Uint8Array {
    return Uint8Array.from(this.chunks.flatMap((c) => [...c]));
  }
}

/** The frame the firmware's Framer sends for `payload` (with the FE a framer in Reset sends first). */
export function frameBytes(payload: Uint8Array, nop: boolean): Uint8Array {
  const out = new Collect();
  const framer = new Framer(out);
  const e = framer.writeFrame(asBytes(payload));
  if (e !== Err.Ok) throw new Error(`framer: ${errName(e)}`);
  const wire = out.take();
  // A new framer is in Reset, so its first byte is always the FE prefix.
  return nop ? wire : wire.subarray(1);
}

// ---- decode ----

export type FrameStatus = 'ok' | 'crc-mismatch' | 'short-packet' | 'invalid-escape' | 'refused' | 'incomplete';

export interface RpcInfo {
  length: string;
  code: number;
  code_name: string;
  /** What host/client/packet.ts could make of the body. */
  handle?: string;
  args?: unknown[];
  tensor?: unknown;
  nbytes?: string;
  data_hex?: string;
  version?: string;
  /** kException: the full text urpc's host shows for the short text on the wire (exception-text.ts). */
  message?: string;
  error?: string;
}

export interface SessionInfo {
  session_id: string;
  initiator: number;
  responder: number;
  type: number;
  type_name: string;
  body_hex: string;
  version?: number;
  /** Reliable and Compact messages (session versions 2 and 3): the sequence byte before the packet. */
  seq?: number;
  text?: string;
  rpc?: RpcInfo;
}

export interface DecodedFrame {
  /** Offset of the FF of the start sequence, and of the frame's last byte (inclusive). */
  offset: number;
  end: number;
  /** An FE prefix directly before the frame. */
  nop: boolean;
  /** Declared payload length (absent if the stream ended inside the length field). */
  length?: number;
  status: FrameStatus;
  error?: string;
  payload_hex: string;
  crc?: { computed: string; received?: string; ok: boolean };
  session?: SessionInfo;
}

export interface DecodeResult {
  bytes: number;
  frames: DecodedFrame[];
  /** Bytes outside every frame (noise, FE prefixes). */
  skipped: number;
  /** Errors met outside a frame. */
  errors: { offset: number; error: string }[];
  ok: boolean;
}

/** The largest frame the sniffer buffers (a device refuses anything over its packet size). */
const MAX_SNIFF = 16 << 20;

class Recorder implements FrameSink {
  length = -1;
  payload: number[] = [];
  frameStart(len: u32): Err {
    this.length = len;
    this.payload = [];
    return len > MAX_SNIFF ? Err.SessionReceiveBufferShortWrite : Err.Ok;
  }
  frameData(data: Bytes): Err {
    for (let i = 0; i < data.length; i++) this.payload.push(data[i]!);
    return Err.Ok;
  }
  frameEnd(): void {}
}

function unescape(raw: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    out.push(raw[i]!);
    if (raw[i] === 0xff && raw[i + 1] === 0xff) i++;
  }
  return Uint8Array.from(out);
}

/** Splits a captured byte stream into frames with the firmware's Unframer, fed one byte at a time. */
export function decodeStream(data: Uint8Array): DecodeResult {
  const rec = new Recorder();
  const un = new Unframer(rec);
  const one = new Uint8Array(1);
  const frames: DecodedFrame[] = [];
  const errors: { offset: number; error: string }[] = [];
  let cur: { offset: number; payloadEnd: number; error?: number; crcBad: boolean; refused: boolean } | null = null;
  let covered = 0;
  /** Last byte of the previous frame: an FE there is its CRC (or payload), not a prefix. */
  let lastEnd = -1;

  const close = (end: number, status?: FrameStatus): void => {
    if (!cur) return;
    const f: DecodedFrame = {
      offset: cur.offset,
      end,
      nop: cur.offset - 1 > lastEnd && data[cur.offset - 1] === 0xfe,
      status: 'ok',
      payload_hex: toHex(Uint8Array.from(rec.payload)),
    };
    if (rec.length >= 0) f.length = rec.length;
    if (cur.payloadEnd >= 0) {
      const computed = crc16(asBytes(data.subarray(cur.offset, cur.payloadEnd)), u16(CRC16_INIT));
      const rx = unescape(data.subarray(cur.payloadEnd, end + 1));
      f.crc = { computed: hex4(computed), ok: false };
      if (rx.length >= 2) {
        const got = rx[0]! | (rx[1]! << 8);
        f.crc.received = hex4(got);
        f.crc.ok = got === computed;
      }
    }
    if (status) f.status = status;
    else if (cur.refused) f.status = 'refused';
    else if (cur.crcBad) f.status = 'crc-mismatch';
    if (cur.error !== undefined) f.error = errName(cur.error);
    if (f.status === 'ok') f.session = decodeSession(Uint8Array.from(rec.payload));
    frames.push(f);
    covered += end + 1 - cur.offset + (f.nop ? 1 : 0);
    lastEnd = end;
    cur = null;
    rec.length = -1;
    rec.payload = [];
  };

  for (let i = 0; i < data.length; i++) {
    const before = un.getState();
    one[0] = data[i]!;
    const e = un.write(asBytes(one));
    const after = un.getState();
    if (e === Err.FramingShortPacket) {
      // FF FD inside a frame: the old one ends before the FF, a new one starts at it.
      if (cur) cur.error = e;
      close(i - 2, 'short-packet');
      cur = { offset: i - 1, payloadEnd: -1, crcBad: false, refused: false };
      continue;
    }
    if (e !== Err.Ok) {
      if (cur) {
        cur.error ??= e;
        if (e === Err.FramingCrcMismatch) cur.crcBad = true;
        if (e === Err.SessionReceiveBufferShortWrite) cur.refused = true;
      } else errors.push({ offset: i, error: errName(e) });
    }
    if (before === UnframerState.FindStart && after === UnframerState.FindLength) {
      cur = { offset: i - 1, payloadEnd: -1, crcBad: false, refused: false };
    } else if (cur && after === UnframerState.FindCrc && before !== UnframerState.FindCrc) {
      cur.payloadEnd = i + 1;
    } else if (cur && after === UnframerState.FindStart && before !== UnframerState.FindStart) {
      close(i, e === Err.FramingInvalidEscape ? 'invalid-escape' : undefined);
    }
  }
  if (cur) close(data.length - 1, 'incomplete');
  un.reset();
  const ok = errors.length === 0 && frames.every((f) => f.status === 'ok');
  return { bytes: data.length, frames, skipped: data.length - covered, errors, ok };
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function decodeSession(p: Uint8Array): SessionInfo | undefined {
  if (p.length < 3) return undefined;
  const type = p[2]!;
  const body = p.subarray(3);
  const known = nameOf(MessageType, type);
  const s: SessionInfo = {
    session_id: hex4(p[0]! | (p[1]! << 8)),
    initiator: p[0]!,
    responder: p[1]!,
    type,
    type_name: known ?? `Unknown (handled as Normal)`,
    body_hex: toHex(body),
  };
  if ((type === MessageType.StartSessionInit || type === MessageType.StartSessionReply) && body.length >= 1) s.version = body[0];
  if (type === MessageType.Log) s.text = utf8.decode(body);
  if (type === MessageType.Normal) s.rpc = decodeRpc(body);
  if (type === MessageType.Reliable && body.length >= 1) {
    s.seq = body[0];
    s.rpc = decodeRpc(body.subarray(1));
  }
  if (type === MessageType.Compact && body.length >= 1) {
    s.seq = body[0];
    s.rpc = decodeCompact(body.subarray(1));
  }
  return s;
}

/** A compact packet (session version 3) as the MinRPC packet it stands for. */
function decodeCompact(c: Uint8Array): RpcInfo {
  if (c[0] === CompactForm.Refused && c.length === 2) {
    return { length: '', code: CompactForm.Refused, code_name: 'CompactRefused', error: `compact request refused, reason ${c[1]}` };
  }
  const codec = new CompactCodec();
  const p = codec.decode(asBytes(c), bytes(COMPACT_PACKET_BYTES)) as unknown as Uint8Array;
  if (codec.error !== 0) return { length: '', code: -1, code_name: 'Compact', error: `compact packet does not decode (reason ${codec.error})` };
  return decodeRpc(Uint8Array.from(p));
}

function jsonValue(v: Value): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? toHex(x) : x)));
}
function jsonTensor(t: DLTensor): unknown {
  return jsonValue({ type: 'tensor', value: t });
}

/** A MinRPC packet (spec §4): u64 length, i32 code, body, decoded as far as packet.ts can. */
export function decodeRpc(p: Uint8Array): RpcInfo {
  const r = new ByteReader(p);
  const info: RpcInfo = { length: '?', code: -1, code_name: '?' };
  try {
    const len = r.u64();
    info.length = len.toString();
    info.code = r.i32();
    info.code_name = nameOf(RPCCode, info.code) ?? (info.code >= SYSCALL_START ? 'UnknownSyscall' : 'Unknown');
    if (len !== BigInt(p.length - 8)) info.error = `packet length ${len} but ${p.length - 8} bytes follow`;
    switch (info.code) {
      case RPCCode.CallFunc:
        info.handle = '0x' + r.u64().toString(16);
        info.args = readArgs(r).map(jsonValue);
        break;
      case RPCCode.CopyToRemote:
      case RPCCode.CopyFromRemote: {
        info.tensor = jsonTensor(readTensor(r));
        const n = r.u64();
        info.nbytes = n.toString();
        if (info.code === RPCCode.CopyToRemote) info.data_hex = toHex(r.bytes(Math.min(Number(n), r.left)));
        break;
      }
      case RPCCode.CopyAck:
        info.data_hex = toHex(r.bytes(r.left));
        break;
      case RPCCode.InitServer: {
        const n = r.u64();
        info.version = utf8.decode(r.bytes(Number(n)));
        info.args = readArgs(r).map(jsonValue);
        break;
      }
      case RPCCode.Shutdown:
      case RPCCode.None:
        break;
      default: {
        // Return, Exception and every syscall carry one packed argument sequence.
        const values = readArgs(r);
        info.args = values.map(jsonValue);
        const first = values[0];
        if (info.code === RPCCode.Exception && first?.type === 'str' && expandExceptionText(first.value) !== first.value) {
          info.message = expandExceptionText(first.value);
        }
      }
    }
    if (r.left > 0 && info.error === undefined) info.error = `${r.left} bytes after the body`;
  } catch (e) {
    info.error = (e as Error).message;
  }
  return info;
}

function formatDecode(r: DecodeResult): string {
  const lines: string[] = [];
  for (const [k, f] of r.frames.entries()) {
    const crc = f.crc ? ` crc ${f.crc.received ?? '--'}${f.crc.ok ? ' ok' : ` (computed ${f.crc.computed})`}` : '';
    lines.push(
      `frame ${k} @${f.offset}..${f.end}${f.nop ? ' (FE prefix)' : ''} len ${f.length ?? '?'}${crc} ${f.status.toUpperCase()}` +
        (f.error ? `: ${f.error}` : ''),
    );
    if (f.payload_hex) lines.push(`  payload ${f.payload_hex}`);
    const s = f.session;
    if (s) {
      let extra = '';
      if (s.version !== undefined) extra = ` version ${s.version}`;
      if (s.seq !== undefined) extra = ` seq ${s.seq}`;
      if (s.text !== undefined) extra = ` ${JSON.stringify(s.text)}`;
      lines.push(`  session ${s.session_id} (initiator 0x${s.initiator.toString(16)}, responder 0x${s.responder.toString(16)}) ${s.type_name} (0x${s.type.toString(16)})${extra}`);
      const p = s.rpc;
      if (p) {
        lines.push(`  rpc ${p.code_name} (${p.code}) length ${p.length}${p.handle ? ` handle ${p.handle}` : ''}${p.error ? ` ERROR: ${p.error}` : ''}`);
        if (p.version !== undefined) lines.push(`    version ${JSON.stringify(p.version)}`);
        if (p.tensor !== undefined) lines.push(`    tensor ${JSON.stringify(p.tensor)}`);
        if (p.nbytes !== undefined) lines.push(`    nbytes ${p.nbytes}`);
        for (const a of p.args ?? []) lines.push(`    arg ${JSON.stringify(a)}`);
        if (p.message !== undefined) lines.push(`    message ${JSON.stringify(p.message)}`);
        if (p.data_hex) lines.push(`    data ${p.data_hex}`);
      }
    }
  }
  for (const e of r.errors) lines.push(`error at offset ${e.offset}: ${e.error}`);
  lines.push(`${r.bytes} bytes, ${r.frames.length} frames (${r.frames.filter((f) => f.status === 'ok').length} ok), ${r.skipped} bytes outside frames`);
  return lines.join('\n');
}

export function registerInspectCommands(program: Command): void {
  command(program, 'frame')
    .description('frame a payload as the firmware framer sends it (spec §2.2) and print the wire bytes as hex')
    .argument('[hex-payload...]', 'payload bytes in hex, with or without spaces or colons (none: an empty frame)')
    .option('--nop', 'precede the frame with the FE byte a framer in Reset sends first')
    .option('--json', 'print {payload, frame, length} as JSON')
    .addHelpText('after', '\nExamples:\n  urpc frame 6F 6E 65            # FF FD 03 00 00 00 6F 6E 65 58 F4\n  urpc frame 00:00:02 --nop      # a boot TerminateSession\n  urpc frame "$(xxd -p msg.bin)" --json')
    .action((words: string[], opts: { nop?: boolean; json?: boolean }) => {
      try {
        const payload = parseHex(words.join(' '));
        const wire = frameBytes(payload, !!opts.nop);
        if (opts.json) console.log(JSON.stringify({ payload: toHex(payload), frame: toHex(wire), length: wire.length }, null, 2));
        else console.log(toHex(wire));
        process.exitCode = 0;
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        fail('frame', e, opts);
      }
    });

  command(program, 'decode')
    .description('decode a captured byte stream: frames (offsets, CRC, framing errors), session headers and MinRPC packets')
    .argument('[hex...]', 'the bytes in hex, with or without spaces or colons')
    .option('-f, --file <capture.bin>', 'read the raw bytes from a file instead')
    .option('--json', 'print {bytes, frames, skipped, errors, ok} as JSON')
    .addHelpText(
      'after',
      '\nExit code 0 when every frame is good, 1 when some frame or byte is bad, 2 for bad usage.\n' +
        '\nExamples:\n  urpc decode FF FD 03 00 00 00 6F 6E 65 58 F4\n  urpc decode --file capture.bin --json\n  urpc frame 82 66 10 68 65 6C 6C 6F | xargs urpc decode',
    )
    .action((words: string[], opts: { file?: string; json?: boolean }) => {
      try {
        let data: Uint8Array;
        if (opts.file !== undefined) {
          if (words.length) throw new UsageError('give either hex bytes or --file, not both');
          if (!fs.existsSync(opts.file)) throw new UsageError(`no such file: ${opts.file}`);
          data = new Uint8Array(fs.readFileSync(opts.file));
        } else {
          if (!words.length) throw new UsageError('nothing to decode: give hex bytes or --file <capture.bin>');
          data = parseHex(words.join(' '));
        }
        const r = decodeStream(data);
        if (opts.json) console.log(JSON.stringify(r, null, 2));
        else console.log(formatDecode(r));
        process.exitCode = r.ok ? 0 : 1;
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        fail('decode', e, opts);
      }
    });
}
