// MinRPC packets (spec §4), written from the spec: u64 packet_nbytes, i32 code, body; packed
// sequences `i32 n | i32 codes[n] | values`; and the checks a TVM host applies to a CallFunc
// Return (§4.7: exactly 2 slots, slot 0 an int holding the original type code; 3 for an NDArray).

export const Code = { Shutdown: 1, CallFunc: 3, Return: 4, Exception: 5, CopyFromRemote: 6, CopyToRemote: 7, CopyAck: 8,
  GetGlobalFunc: 9, FreeHandle: 10, DevAllocData: 13, DevFreeData: 14, DevAllocDataWithScope: 17 } as const;
export const T = { Int: 0, UInt: 1, Float: 2, Handle: 3, Null: 4, DataType: 5, Device: 6, DLTensor: 7, Module: 9, Func: 10, Str: 11, Bytes: 12, NDArray: 13, Bool: 15 } as const;

export interface Tensor { data: bigint; devType: number; devId: number; dtype: [number, number, number]; shape: bigint[]; byteOffset: bigint }
/** A value of a packed sequence: its type code and its decoded content. */
export type Val =
  | { code: 0 | 1 | 3 | 9 | 10 | 15; v: bigint }
  | { code: 2; v: number }
  | { code: 4 }
  | { code: 5; v: [number, number, number] }
  | { code: 6; v: [number, number] }
  | { code: 7; v: Tensor }
  | { code: 11; v: string }
  | { code: 12; v: Uint8Array };

export const int = (v: number | bigint): Val => ({ code: 0, v: BigInt(v) });
export const str = (v: string): Val => ({ code: 11, v });
export const hnd = (v: bigint, code: 3 | 9 | 10 = 3): Val => ({ code, v });
export const tensor = (t: Tensor): Val => ({ code: 7, v: t });

class W {
  private b: number[] = [];
  u8(v: number): this { this.b.push(v & 0xff); return this; }
  u32(v: number): this { for (let i = 0; i < 4; i++) this.b.push((v >>> (8 * i)) & 0xff); return this; }
  u64(v: bigint): this { const x = BigInt.asUintN(64, v); for (let i = 0n; i < 8n; i++) this.b.push(Number((x >> (8n * i)) & 0xffn)); return this; }
  bytes(d: Uint8Array): this { this.b.push(...d); return this; }
  get length(): number { return this.b.length; }
  done(): Uint8Array { return Uint8Array.from(this.b); }
}

function tensorBytes(t: Tensor): Uint8Array {
  const w = new W();
  w.u64(t.data).u32(t.devType).u32(t.devId).u32(t.shape.length).u8(t.dtype[0]).u8(t.dtype[1]).u8(t.dtype[2] & 0xff).u8(t.dtype[2] >> 8);
  for (const s of t.shape) w.u64(s);
  w.u64(t.byteOffset);
  return w.done();
}

function putSeq(w: W, vals: readonly Val[]): void {
  w.u32(vals.length);
  for (const v of vals) w.u32(v.code);
  for (const v of vals) {
    switch (v.code) {
      case 0: case 1: case 3: case 9: case 10: case 15: w.u64(v.v); break;
      case 2: { const d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, v.v, true); w.bytes(new Uint8Array(d.buffer)); break; }
      case 4: break;
      case 5: w.u8(v.v[0]).u8(v.v[1]).u8(v.v[2] & 0xff).u8(v.v[2] >> 8).u32(0); break;
      case 6: w.u32(v.v[0]).u32(v.v[1]); break;
      case 7: w.bytes(tensorBytes(v.v)); break;
      case 11: { const b = new TextEncoder().encode(v.v); w.u64(BigInt(b.length)).bytes(b); break; }
      case 12: w.u64(BigInt(v.v.length)).bytes(v.v); break;
    }
  }
}

function pkt(code: number, body: Uint8Array): Uint8Array {
  return new W().u64(BigInt(4 + body.length)).u32(code).bytes(body).done();
}

export function callFunc(fn: bigint, args: readonly Val[]): Uint8Array {
  const w = new W().u64(fn);
  putSeq(w, args);
  return pkt(Code.CallFunc, w.done());
}
export function syscall(code: number, args: readonly Val[]): Uint8Array {
  const w = new W();
  putSeq(w, args);
  return pkt(code, w.done());
}
export function copyTo(t: Tensor, data: Uint8Array): Uint8Array {
  return pkt(Code.CopyToRemote, new W().bytes(tensorBytes(t)).u64(BigInt(data.length)).bytes(data).done());
}
export function copyFrom(t: Tensor, n: number): Uint8Array {
  return pkt(Code.CopyFromRemote, new W().bytes(tensorBytes(t)).u64(BigInt(n)).done());
}
export const shutdown = (): Uint8Array => pkt(Code.Shutdown, new Uint8Array(0));

export class WireError extends Error {}
/** The device answered kException (a TVM host raises RPCError with this text). */
export class RPCError extends Error {
  readonly remote: string;
  constructor(remote: string) {
    super(`RPCError: ${remote}`);
    this.remote = remote;
  }
}

class R {
  at = 0;
  private readonly dv: DataView;
  private readonly b: Uint8Array;
  constructor(b: Uint8Array) {
    this.b = b;
    this.dv = new DataView(b.buffer, b.byteOffset, b.length);
  }
  need(n: number): void { if (this.at + n > this.b.length) throw new WireError(`read past the end of the packet (${this.at} + ${n} > ${this.b.length})`); }
  u8(): number { this.need(1); return this.b[this.at++]!; }
  u16(): number { this.need(2); const v = this.dv.getUint16(this.at, true); this.at += 2; return v; }
  u32(): number { this.need(4); const v = this.dv.getUint32(this.at, true); this.at += 4; return v; }
  i32(): number { this.need(4); const v = this.dv.getInt32(this.at, true); this.at += 4; return v; }
  u64(): bigint { this.need(8); const v = this.dv.getBigUint64(this.at, true); this.at += 8; return v; }
  i64(): bigint { this.need(8); const v = this.dv.getBigInt64(this.at, true); this.at += 8; return v; }
  f64(): number { this.need(8); const v = this.dv.getFloat64(this.at, true); this.at += 8; return v; }
  bytes(n: number): Uint8Array { this.need(n); const v = this.b.slice(this.at, this.at + n); this.at += n; return v; }
  end(): boolean { return this.at === this.b.length; }
}

function getSeq(r: R): Val[] {
  const n = r.i32();
  if (n < 0 || n > 64) throw new WireError(`bad argument count ${n}`);
  const codes: number[] = [];
  for (let i = 0; i < n; i++) codes.push(r.i32());
  return codes.map((c): Val => {
    switch (c) {
      case 0: return { code: 0, v: r.i64() };
      case 1: case 3: case 15: return { code: c, v: r.u64() } as Val;
      case 2: return { code: 2, v: r.f64() };
      case 4: return { code: 4 };
      case 5: { const v: [number, number, number] = [r.u8(), r.u8(), r.u16()]; r.bytes(4); return { code: 5, v }; }
      case 6: return { code: 6, v: [r.i32(), r.i32()] };
      case 7: {
        const data = r.u64(); const devType = r.i32(); const devId = r.i32(); const ndim = r.i32();
        const dtype: [number, number, number] = [r.u8(), r.u8(), r.u16()];
        if (ndim < 0 || ndim > 32) throw new WireError(`bad ndim ${ndim}`);
        const shape: bigint[] = [];
        for (let i = 0; i < ndim; i++) shape.push(r.i64());
        return { code: 7, v: { data, devType, devId, dtype, shape, byteOffset: r.u64() } };
      }
      case 11: { const len = Number(r.u64()); return { code: 11, v: new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(len)) }; }
      case 12: { const len = Number(r.u64()); return { code: 12, v: r.bytes(len) }; }
      default: throw new WireError(`type code ${c} cannot be in a reply`);
    }
  });
}

export type Reply = { code: 4; vals: Val[] } | { code: 5; message: string } | { code: 8; data: Uint8Array };

/** Reads one reply packet; its length field must match the packet exactly. */
export function readReply(p: Uint8Array): Reply {
  const r = new R(p);
  const n = r.u64();
  if (n !== BigInt(p.length - 8)) throw new WireError(`packet_nbytes ${n}, ${p.length - 8} bytes follow`);
  const code = r.i32();
  if (code === Code.CopyAck) return { code: 8, data: r.bytes(p.length - 12) };
  if (code !== Code.Return && code !== Code.Exception) throw new WireError(`reply code ${code}`);
  const vals = getSeq(r);
  if (!r.end()) throw new WireError(`${p.length - r.at} bytes after the packed sequence`);
  if (code === Code.Exception) {
    const v = vals[0];
    if (vals.length !== 1 || v?.code !== T.Str) throw new WireError('an exception carries exactly one str');
    return { code: 5, message: v.v };
  }
  return { code: 4, vals };
}

/** What a TVM host makes of a CallFunc Return (§4.7), with its size checks. */
export type Returned =
  | { kind: 'none' }
  | { kind: 'module' | 'func'; handle: bigint }
  | { kind: 'ndarray'; tensor: Tensor; handle: bigint }
  | { kind: 'value'; value: Val };

export function callReturn(vals: Val[]): Returned {
  const s0 = vals[0];
  if (s0 === undefined || s0.code !== T.Int) throw new WireError('slot 0 is not the int type code');
  const tcode = Number(s0.v);
  const size = (n: number): void => {
    if (vals.length !== n) throw new WireError(`Check failed: args.size() == ${n} (${vals.length} vs. ${n})`);
  };
  if (tcode === T.Null) {
    size(2);
    return { kind: 'none' };
  }
  if (tcode === T.Module || tcode === T.Func) {
    size(2);
    const h = vals[1]!;
    if (h.code !== T.Handle) throw new WireError(`module/function return with slot 1 code ${h.code}`);
    return { kind: tcode === T.Module ? 'module' : 'func', handle: h.v };
  }
  if (tcode === T.DLTensor || tcode === T.NDArray) {
    size(3);
    const t = vals[1]!;
    const h = vals[2]!;
    if (t.code !== T.DLTensor || h.code !== T.Handle) throw new WireError('NDArray return is not [7: record][3: handle]');
    return { kind: 'ndarray', tensor: t.v, handle: h.v };
  }
  size(2);
  const v = vals[1]!;
  if (v.code !== tcode) throw new WireError(`slot 0 says type code ${tcode}, slot 1 holds ${v.code}`);
  return { kind: 'value', value: v };
}
