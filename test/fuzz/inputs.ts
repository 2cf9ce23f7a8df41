// Host-side encoders of fuzz inputs: the byte formats the harnesses in test/fuzz/targets read
// (documented at the top of each *_fuzz.ts and peer.ts). Used by the seed corpus generator
// (seeds.ts) and by the fast-check properties (node-fuzz.test.ts).

export type Chunking = 'whole' | 'bytes' | 'small' | 'large';
const CHUNK: Record<Chunking, number> = { whole: 0, bytes: 1, small: 2, large: 3 };

/** Frame options of peer.ts (session and rpc records). */
export interface FrameOpts {
  /** XOR applied to the session id (Init: the responder byte, 0..255). */
  sidXor?: number;
  /** XOR applied to the CRC (made odd, so never 0). */
  damage?: number;
  /** Cut the frame before its CRC at this offset (taken modulo the CRC position). */
  cut?: number;
  /** FF FE no-op pair before payload byte k. */
  nopAt?: number;
  fe?: boolean;
}

const u16le = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff];
const u32le = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

function optBits(o: FrameOpts): number {
  return (o.sidXor !== undefined ? 0x08 : 0) | (o.damage !== undefined ? 0x10 : 0) | (o.cut !== undefined ? 0x20 : 0) |
    (o.fe ? 0x40 : 0) | (o.nopAt !== undefined ? 0x80 : 0);
}

function optBytes(o: FrameOpts, sidIsByte = false): number[] {
  const b: number[] = [];
  if (o.sidXor !== undefined) b.push(...(sidIsByte ? [o.sidXor & 0xff] : u16le(o.sidXor)));
  if (o.damage !== undefined) b.push(...u16le(o.damage));
  if (o.cut !== undefined) b.push(...u16le(o.cut));
  if (o.nopAt !== undefined) b.push(o.nopAt & 0xff);
  return b;
}

/** A body length field (12 bits) and the body, cut to fit. */
function body12(b: Uint8Array): number[] {
  const n = Math.min(b.length, 0xfff);
  return [...u16le(n), ...b.subarray(0, n)];
}

// ---- unframer ----

export type UnframerRecord =
  | { op: 'frame'; payload: Uint8Array; fe?: boolean; damage?: number; nopAt?: number; cut?: number; zeroFirst?: boolean }
  | { op: 'ffFrame'; len: number; fe?: boolean; damage?: number; nopAt?: number; cut?: number; zeroFirst?: boolean }
  | { op: 'noise'; bytes: Uint8Array }
  | { op: 'reset' }
  | { op: 'escape'; byte: number };

export interface UnframerInput {
  chunking?: Chunking;
  /** Sink limits: 0 none, 1: 0 bytes, 2: 7 bytes, 3: 300 bytes. */
  maxLen?: 0 | 1 | 2 | 3;
  budget?: 0 | 1 | 2 | 3;
  seed?: number;
  /** Raw mode: these bytes as they are. */
  raw?: Uint8Array;
  records?: readonly UnframerRecord[];
}

export function encodeUnframer(x: UnframerInput): Uint8Array {
  const structured = x.raw === undefined;
  const flags = (structured ? 1 : 0) | (CHUNK[x.chunking ?? 'whole'] << 1) | ((x.maxLen ?? 0) << 3) | ((x.budget ?? 0) << 5);
  const out: number[] = [flags, ...u16le(x.seed ?? 0)];
  if (!structured) return new Uint8Array([...out, ...x.raw!]);
  for (const r of x.records ?? []) {
    switch (r.op) {
      case 'noise': {
        const n = Math.min(r.bytes.length, 255);
        out.push(1, n, ...r.bytes.subarray(0, n));
        break;
      }
      case 'reset':
        out.push(2);
        break;
      case 'escape':
        out.push(3, r.byte & 0xff);
        break;
      case 'frame':
      case 'ffFrame': {
        const ctl = 0 | (r.fe ? 0x04 : 0) | (r.damage !== undefined ? 0x08 : 0) | (r.nopAt !== undefined ? 0x10 : 0) |
          (r.cut !== undefined ? 0x20 : 0) | (r.op === 'ffFrame' ? 0x40 : 0) | (r.zeroFirst ? 0x80 : 0);
        out.push(ctl);
        if (r.op === 'frame') {
          const n = Math.min(r.payload.length, 0x7ff);
          out.push(...u16le(n), ...r.payload.subarray(0, n));
        } else {
          out.push(...u16le(Math.min(r.len, 0x7ff)));
        }
        if (r.damage !== undefined) out.push(...u16le(r.damage));
        if (r.nopAt !== undefined) out.push(r.nopAt & 0xff);
        if (r.cut !== undefined) out.push(...u16le(r.cut));
        break;
      }
    }
  }
  return new Uint8Array(out);
}

// ---- session and rpc: the common ops of peer.ts ----

export type CommonRecord =
  | ({ op: 'log'; body: Uint8Array } & FrameOpts)
  | ({ op: 'init'; nonce: number; version: number; extra?: Uint8Array } & FrameOpts)
  | ({ op: 'terminate' } & FrameOpts)
  | ({ op: 'reply'; init: number; resp: number; body?: Uint8Array } & FrameOpts)
  | { op: 'noise'; bytes: Uint8Array };

function common(r: CommonRecord): number[] {
  switch (r.op) {
    case 'log':
      return [3 | optBits(r), ...body12(r.body), ...optBytes(r)];
    case 'init':
      return [4 | optBits(r), r.nonce & 0xff, r.version & 0xff, ...body12(r.extra ?? new Uint8Array(0)), ...optBytes(r, true)];
    case 'terminate':
      return [5 | optBits(r), ...optBytes(r)];
    case 'reply':
      // A Reply's ids are explicit: the sid option does not apply.
      return [6 | (optBits(r) & ~0x08), r.init & 0xff, r.resp & 0xff, ...body12(r.body ?? new Uint8Array(0)), ...optBytes({ ...r, sidXor: undefined })];
    case 'noise': {
      const n = Math.min(r.bytes.length, 0x1ff);
      return [7, ...u16le(n), ...r.bytes.subarray(0, n)];
    }
  }
}

interface PeerHead {
  chunking?: Chunking;
  /** First nonce (0 is replaced by 0x80). */
  nonce?: number;
  /** Seed of the device's randomness and of the chunking. */
  seed?: number;
  /** Raw mode: after the handshake, these bytes as they are. */
  raw?: Uint8Array;
}

// ---- session ----

export type SessionRecord =
  | ({ op: 'normal'; body: Uint8Array } & FrameOpts)
  | ({ op: 'type'; type: number; body: Uint8Array } & FrameOpts)
  | CommonRecord;

export interface SessionInput extends PeerHead {
  /** Version byte of the opening Init (0..3). */
  version?: number;
  records?: readonly SessionRecord[];
}

export function encodeSession(x: SessionInput): Uint8Array {
  const structured = x.raw === undefined;
  const flags = (structured ? 1 : 0) | (CHUNK[x.chunking ?? 'whole'] << 1) | (((x.version ?? 1) & 3) << 3);
  const out: number[] = [flags, x.nonce ?? 0x42, ...u16le(x.seed ?? 0)];
  if (!structured) return new Uint8Array([...out, ...x.raw!]);
  for (const r of x.records ?? []) {
    if (r.op === 'normal') out.push(0 | optBits(r), ...body12(r.body), ...optBytes(r));
    else if (r.op === 'type') out.push(2 | optBits(r), r.type & 0xff, ...body12(r.body), ...optBytes(r));
    else out.push(...common(r));
  }
  return new Uint8Array(out);
}

// ---- rpc ----

export type RpcRecord =
  /** A request packet without its u64 length (filled in): i32 code, then the body. */
  | ({ op: 'request'; data: Uint8Array } & FrameOpts)
  /** Any message type (< 4: Normal) with this body as is (a whole packet, or seq + packet). */
  | ({ op: 'message'; type: number; body: Uint8Array } & FrameOpts)
  /** CallFunc of device function fn (0..15); viaModule: the system library's handle kind;
   * evaluator: the time-evaluator handle the device gave out last, minus fn; handle: this raw
   * u32 instead. args: packed. */
  | ({ op: 'call'; fn: number; viaModule?: boolean; evaluator?: boolean; handle?: number; args: Uint8Array } & FrameOpts)
  | CommonRecord;

export interface RpcInput extends PeerHead {
  /** Offer session version 2 (reliable mode) in the Inits of the harness. */
  reliable?: boolean;
  records?: readonly RpcRecord[];
}

export function encodeRpc(x: RpcInput): Uint8Array {
  const structured = x.raw === undefined;
  const flags = (structured ? 1 : 0) | (CHUNK[x.chunking ?? 'whole'] << 1) | (x.reliable ? 8 : 0);
  const out: number[] = [flags, x.nonce ?? 0x42, ...u16le(x.seed ?? 0)];
  if (!structured) return new Uint8Array([...out, ...x.raw!]);
  for (const r of x.records ?? []) {
    if (r.op === 'request') out.push(0 | optBits(r), ...body12(r.data), ...optBytes(r));
    else if (r.op === 'message') out.push(1 | optBits(r), r.type & 0xff, ...body12(r.body), ...optBytes(r));
    else if (r.op === 'call') {
      const fn = (r.fn & 15) | (r.viaModule ? 0x10 : 0) | (r.evaluator ? 0x20 : 0) | (r.handle !== undefined ? 0x40 : 0);
      out.push(2 | optBits(r), fn);
      if (r.handle !== undefined) out.push(...u32le(r.handle >>> 0));
      out.push(...body12(r.args), ...optBytes(r));
    } else out.push(...common(r));
  }
  return new Uint8Array(out);
}

/** A request packet (u64 length, i32 code, body) without its length: what 'request' takes. */
export function withoutLength(packet: Uint8Array): Uint8Array {
  return packet.subarray(8);
}
