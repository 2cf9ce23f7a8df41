// The MinRPC server (spec §4): takes one complete request packet (u64 length + i32 code + body),
// runs it, and sends at most one reply packet through the PacketSink.
//
// Unlike TVM's CRT, which hangs on any malformed request (§4.10), every request that cannot be
// served is answered with kException and a text saying why, and the next request works:
// truncated or oversize packets, length mismatches, unknown RPC codes, unknown or unsupported
// type codes, wrong argument counts or types, unknown handles, double frees, copies outside an
// allocation, out of memory. Device "pointers" are Memory handles; no raw address is ever used.
//
// Replies are byte-for-byte TVM's (§4.7): ReturnVoid / handle for syscalls and copies, the 2-slot
// convention for CallFunc, kCopyAck for CopyFromRemote. Packets with packet_nbytes = 0 and
// Shutdown get no reply.

import { u32, i32, rd32le, view, copy, type Bytes, type bool } from '../lib/prelude.ts';
import { Err } from '../lib/errors.ts';
import type { PacketSink, Memory, Platform } from './ports.ts';
import { Ctx } from './ctx.ts';
import { Msg } from './messages.ts';
import { FN_COUNT } from './names.ts';
import {
  RPCCode, TypeCode, DEVICE_CPU, SYSCALL_START,
  HANDLE_SYSTEM_LIB, HANDLE_GLOBAL_FN, HANDLE_MODULE_FN, HANDLE_TIME_EVAL, HANDLE_KIND_MASK, HANDLE_INDEX_MASK,
} from './codes.ts';
import { RPC_MAX_PAYLOAD, RPC_PACKET_LIMIT } from './config.ts';
import { findFunction } from './lookup.ts';
import { callFunction } from './registry.ts';
import { runEvaluator } from './evaluator.ts';
import { tensorRecordSize, tensorDecode, tensorBind, tensorView } from './tensor.ts';

/** Offset of the body (after u64 length and i32 code). */
const BODY = 12;

export class RpcServer {
  private readonly sink: PacketSink;
  readonly ctx: Ctx;
  /** Set when a Shutdown arrives (the platform may stop serving); cleared by reset(). */
  shutdown: bool = false;
  /** Requests handled and exceptions answered, for diagnostics. */
  requests: u32 = u32(0);
  exceptions: u32 = u32(0);
  /** The current request gets no reply (packet_nbytes 0, Shutdown). */
  private silent: bool = false;

  constructor(sink: PacketSink, mem: Memory, plat: Platform) {
    this.sink = sink;
    this.ctx = new Ctx(mem, plat);
  }

  /** Forgets the session's state: frees every tensor and invalidates the time evaluator.
   * The session layer should call this when a new session is established. */
  reset(): void {
    this.ctx.mem.reset();
    this.ctx.evalLive = false;
    this.shutdown = false;
  }

  /** Serves one complete request packet. Returns the sink's result (Ok when nothing is sent). */
  handle(packet: Bytes): Err {
    const c = this.ctx;
    this.requests = u32(this.requests + 1);
    c.err.clear();
    let m: Msg = this.dispatch(packet);
    if (this.silent) {
      return Err.Ok;
    }
    if (m === Msg.Ok && c.out.over) {
      m = c.err.set1(Msg.ReplyTooLarge, u32(RPC_PACKET_LIMIT));
    }
    if (m !== Msg.Ok) {
      this.exceptions = u32(this.exceptions + 1);
      c.out.exception(m, c.err);
    }
    return this.sink.send(c.out.finish());
  }

  private dispatch(p: Bytes): Msg {
    const c = this.ctx;
    this.silent = false;
    c.out.start(u32(RPCCode.Return));
    if (p.length < 8) {
      return c.err.set1(Msg.PacketNoLength, p.length);
    }
    const len: u32 = rd32le(p, u32(0));
    if (rd32le(p, u32(4)) !== 0) {
      return c.err.set2(Msg.PacketTooLarge, u32(0xffffffff), u32(RPC_MAX_PAYLOAD));
    }
    if (len > RPC_MAX_PAYLOAD) {
      return c.err.set2(Msg.PacketTooLarge, len, u32(RPC_MAX_PAYLOAD));
    }
    if (u32(p.length - 8) !== len) {
      return c.err.set2(Msg.PacketLength, len, u32(p.length - 8));
    }
    if (len === 0) {
      this.silent = true;
      return Msg.Ok;
    }
    if (len < 4) {
      return c.err.set0(Msg.PacketNoCode);
    }
    const code: u32 = rd32le(p, u32(8));
    switch (code) {
      case RPCCode.Shutdown:
        this.reset();
        this.shutdown = true;
        this.silent = true;
        return Msg.Ok;
      case RPCCode.InitServer:
        return this.initServer(p);
      case RPCCode.CallFunc:
        return this.callFunc(p);
      case RPCCode.CopyFromRemote:
        return this.copyFromRemote(p);
      case RPCCode.CopyToRemote:
        return this.copyToRemote(p);
      default:
        if (i32(code) < 0 || code < SYSCALL_START) {
          return c.err.set1(Msg.UnknownCode, code);
        }
        return this.syscall(code, p);
    }
  }

  /** TCP RPC's InitServer (never sent by microTVM hosts): u64 len, version, then no arguments. */
  private initServer(p: Bytes): Msg {
    const c = this.ctx;
    if (p.length < 20) {
      return c.err.set2(Msg.Truncated, p.length, u32(20));
    }
    const vlen: u32 = rd32le(p, u32(BODY));
    if (rd32le(p, u32(BODY + 4)) !== 0 || vlen > u32(p.length - 20)) {
      return c.err.set2(Msg.Truncated, p.length, u32(20));
    }
    const m: Msg = c.args.parse(p, u32(20 + vlen), p.length);
    if (m !== Msg.Ok) {
      return m;
    }
    if (c.args.n !== 0) {
      return c.err.set0(Msg.InitServerArgs);
    }
    c.out.seqVoid();
    return Msg.Ok;
  }

  private callFunc(p: Bytes): Msg {
    const c = this.ctx;
    if (p.length < 20) {
      return c.err.set2(Msg.Truncated, p.length, u32(24));
    }
    const lo: u32 = rd32le(p, u32(BODY));
    const hi: u32 = rd32le(p, u32(BODY + 4));
    const m: Msg = c.args.parse(p, u32(BODY + 8), p.length);
    if (m !== Msg.Ok) {
      return m;
    }
    const kind: u32 = u32(lo & HANDLE_KIND_MASK);
    const index: u32 = u32(lo & HANDLE_INDEX_MASK);
    if (hi === 0 && (kind === HANDLE_GLOBAL_FN || kind === HANDLE_MODULE_FN) && index < FN_COUNT) {
      return callFunction(c, index);
    }
    if (hi === 0 && kind === HANDLE_TIME_EVAL) {
      if (!c.evalLive || index !== c.evalSerial) {
        return c.err.set1(Msg.StaleEvaluator, lo);
      }
      return runEvaluator(c);
    }
    return c.err.set1(Msg.UnknownFnHandle, lo);
  }

  /** Validates the DLTensor record at BODY plus the u64 nbytes after it into ctx.t0; returns
   * the offset just past nbytes, or 0 with an error in ctx.err (see copyMsg). */
  private copyHead(p: Bytes): u32 {
    const c = this.ctx;
    const size: u32 = tensorRecordSize(p, u32(BODY), p.length);
    if (size === 0 || u32(p.length - BODY - size) < 8) {
      this.copyMsg = c.err.set2(Msg.Truncated, p.length, u32(BODY + 32 + 8));
      return u32(0);
    }
    const m: Msg = tensorDecode(c.t0, p, u32(BODY), u32(0), c.err);
    if (m !== Msg.Ok) {
      this.copyMsg = m;
      return u32(0);
    }
    return u32(BODY + size + 8);
  }
  private copyMsg: Msg = Msg.Ok;

  /** kCopyToRemote: record, u64 nbytes, nbytes of data -> ReturnVoid. */
  private copyToRemote(p: Bytes): Msg {
    const c = this.ctx;
    const at: u32 = this.copyHead(p);
    if (at === 0) {
      return this.copyMsg;
    }
    const n: u32 = rd32le(p, u32(at - 8));
    const present: u32 = u32(p.length - at);
    if (rd32le(p, u32(at - 4)) !== 0 || n !== present) {
      return c.err.set2(Msg.CopyLength, n, present);
    }
    const m: Msg = tensorBind(c.t0, c.mem, n, c.err);
    if (m !== Msg.Ok) {
      return m;
    }
    copy(tensorView(c.t0, c.mem, n), u32(0), view(p, at, p.length));
    c.out.seqVoid();
    return Msg.Ok;
  }

  /** kCopyFromRemote: record, u64 nbytes -> kCopyAck with the bytes. */
  private copyFromRemote(p: Bytes): Msg {
    const c = this.ctx;
    const at: u32 = this.copyHead(p);
    if (at === 0) {
      return this.copyMsg;
    }
    if (at !== p.length) {
      return c.err.set1(Msg.Trailing, u32(p.length - at));
    }
    const n: u32 = rd32le(p, u32(at - 8));
    const limit: u32 = u32(RPC_PACKET_LIMIT - BODY);
    if (rd32le(p, u32(at - 4)) !== 0 || n > limit) {
      return c.err.set2(Msg.CopyTooLarge, n, limit);
    }
    const m: Msg = tensorBind(c.t0, c.mem, n, c.err);
    if (m !== Msg.Ok) {
      return m;
    }
    c.out.start(u32(RPCCode.CopyAck));
    c.out.putBytes(tensorView(c.t0, c.mem, n));
    return Msg.Ok;
  }

  /** Syscalls (codes >= 9, spec §4.8): packed arguments, one return value. */
  private syscall(code: u32, p: Bytes): Msg {
    const c = this.ctx;
    const a = c.args;
    if (code === RPCCode.DevSetDevice) {
      return c.err.set0(Msg.SetDevice);
    }
    if (code === RPCCode.DevGetAttr) {
      return c.err.set0(Msg.GetAttr);
    }
    if (code > RPCCode.DevSetStream) {
      return c.err.set1(Msg.SyscallUnknown, code);
    }
    let m: Msg = a.parse(p, u32(BODY), p.length);
    if (m !== Msg.Ok) {
      return m;
    }
    switch (code) {
      case RPCCode.GetGlobalFunc: {
        m = a.expect(u32(1));
        if (m === Msg.Ok) {
          m = a.want(u32(0), u32(TypeCode.Str));
        }
        if (m !== Msg.Ok) {
          return m;
        }
        // Unknown name -> handle 0, not an exception (the host treats 0 as "not found").
        const k: u32 = findFunction(a.str(u32(0)));
        c.out.seqHandle(k === FN_COUNT ? u32(0) : u32(HANDLE_GLOBAL_FN | k));
        return Msg.Ok;
      }
      case RPCCode.FreeHandle:
        return this.freeHandle();
      case RPCCode.DevAllocData:
        return this.allocData();
      case RPCCode.DevFreeData: {
        m = this.devAnd(u32(2));
        if (m === Msg.Ok) {
          m = a.wantHandle(u32(1), u32(TypeCode.OpaqueHandle));
        }
        if (m !== Msg.Ok) {
          return m;
        }
        if (!c.mem.free(a.lo(u32(1)))) {
          return c.err.set1(Msg.UnknownMemHandle, a.lo(u32(1)));
        }
        c.out.seqVoid();
        return Msg.Ok;
      }
      case RPCCode.DevStreamSync:
      case RPCCode.DevFreeStream:
      case RPCCode.DevSetStream:
        m = this.devAnd(u32(2));
        if (m === Msg.Ok) {
          m = a.want(u32(1), u32(TypeCode.OpaqueHandle));
        }
        if (m !== Msg.Ok) {
          return m;
        }
        c.out.seqVoid();
        return Msg.Ok;
      case RPCCode.DevCreateStream:
        // TVM returns an uninitialised handle (§9.2-6); urpc has one stream: the null stream.
        m = this.devAnd(u32(1));
        if (m !== Msg.Ok) {
          return m;
        }
        c.out.seqHandle(u32(0));
        return Msg.Ok;
      case RPCCode.CopyAmongRemote:
        return this.copyAmong();
      case RPCCode.DevAllocDataWithScope:
        return this.allocWithScope();
      default:
        return c.err.set1(Msg.SyscallUnknown, code);
    }
  }

  /** `count` arguments, the first a CPU device (type code 6). */
  private devAnd(count: u32): Msg {
    const c = this.ctx;
    const a = c.args;
    let m: Msg = a.expect(count);
    if (m === Msg.Ok) {
      m = a.want(u32(0), u32(TypeCode.Device));
    }
    if (m === Msg.Ok && a.lo(u32(0)) !== DEVICE_CPU) {
      m = c.err.set1(Msg.Device, a.lo(u32(0)));
    }
    return m;
  }

  /** FreeHandle(3 handle, 0 type_code) -> void. */
  private freeHandle(): Msg {
    const c = this.ctx;
    const a = c.args;
    let m: Msg = a.expect(u32(2));
    if (m === Msg.Ok) {
      m = a.wantHandle(u32(0), u32(TypeCode.OpaqueHandle));
    }
    if (m === Msg.Ok) {
      m = a.want(u32(1), u32(TypeCode.Int));
    }
    if (m !== Msg.Ok) {
      return m;
    }
    const h: u32 = a.lo(u32(0));
    const tc: u32 = a.lo(u32(1));
    if (a.hi(u32(1)) !== 0) {
      return c.err.set1(Msg.FreeHandleType, tc);
    }
    switch (tc) {
      case TypeCode.NDArrayHandle:
        if (!c.mem.free(h)) {
          return c.err.set1(Msg.UnknownMemHandle, h);
        }
        break;
      case TypeCode.ModuleHandle:
        // The system library is never freed.
        if (h !== HANDLE_SYSTEM_LIB) {
          return c.err.set1(Msg.UnknownModule, h);
        }
        break;
      case TypeCode.PackedFuncHandle:
      case TypeCode.ObjectHandle:
        // Function handles name static functions: nothing to free (as in the CRT).
        break;
      default:
        return c.err.set1(Msg.FreeHandleType, tc);
    }
    c.out.seqVoid();
    return Msg.Ok;
  }

  private alloc(nbytes: u32): Msg {
    const c = this.ctx;
    const h: u32 = c.mem.alloc(nbytes);
    if (h === 0) {
      return c.err.set2(Msg.OutOfMemory, nbytes, c.mem.available());
    }
    c.out.seqHandle(h);
    return Msg.Ok;
  }

  /** DevAllocData(6 dev, 0 nbytes, 0 alignment, 5 type_hint) -> handle. The allocation has
   * exactly nbytes (handles are not addresses, so alignment only has to be non-zero). */
  private allocData(): Msg {
    const c = this.ctx;
    const a = c.args;
    let m: Msg = this.devAnd(u32(4));
    if (m === Msg.Ok) {
      m = a.want(u32(1), u32(TypeCode.Int));
    }
    if (m === Msg.Ok) {
      m = a.want(u32(2), u32(TypeCode.Int));
    }
    if (m === Msg.Ok) {
      m = a.want(u32(3), u32(TypeCode.DataType));
    }
    if (m !== Msg.Ok) {
      return m;
    }
    if (!a.smallInt(u32(1))) {
      return c.err.set1(Msg.ValueRange, u32(1));
    }
    if (a.lo(u32(2)) === 0 && a.hi(u32(2)) === 0) {
      return c.err.set0(Msg.AlignZero);
    }
    return this.alloc(a.lo(u32(1)));
  }

  /** DevAllocDataWithScope(7 template, 4 null | 11 scope) -> handle of prod(shape) * elem bytes. */
  private allocWithScope(): Msg {
    const c = this.ctx;
    const a = c.args;
    let m: Msg = a.expect(u32(2));
    if (m === Msg.Ok) {
      m = a.want(u32(0), u32(TypeCode.DLTensor));
    }
    if (m !== Msg.Ok) {
      return m;
    }
    const sc: u32 = a.code(u32(1));
    if (sc !== TypeCode.Null && sc !== TypeCode.Str) {
      return c.err.set2(Msg.WrongTypeScope, u32(1), sc);
    }
    m = tensorDecode(c.t0, a.pkt, a.at(u32(0)), u32(0), c.err);
    if (m !== Msg.Ok) {
      return m;
    }
    if (c.t0.devType !== DEVICE_CPU) {
      return c.err.set1(Msg.Device, c.t0.devType);
    }
    return this.alloc(c.t0.nbytes);
  }

  /** CopyAmongRemote(7 from, 7 to, 3 stream): copies prod(from.shape) * elem bytes. */
  private copyAmong(): Msg {
    const c = this.ctx;
    const a = c.args;
    let m: Msg = a.expect(u32(3));
    if (m === Msg.Ok) {
      m = a.want(u32(0), u32(TypeCode.DLTensor));
    }
    if (m === Msg.Ok) {
      m = a.want(u32(1), u32(TypeCode.DLTensor));
    }
    if (m === Msg.Ok) {
      m = a.want(u32(2), u32(TypeCode.OpaqueHandle));
    }
    if (m === Msg.Ok) {
      m = tensorDecode(c.t0, a.pkt, a.at(u32(0)), u32(0), c.err);
    }
    if (m === Msg.Ok) {
      m = tensorDecode(c.t1, a.pkt, a.at(u32(1)), u32(1), c.err);
    }
    const n: u32 = c.t0.nbytes;
    if (m === Msg.Ok) {
      m = tensorBind(c.t0, c.mem, n, c.err);
    }
    if (m === Msg.Ok) {
      m = tensorBind(c.t1, c.mem, n, c.err);
    }
    if (m !== Msg.Ok) {
      return m;
    }
    copy(tensorView(c.t1, c.mem, n), u32(0), tensorView(c.t0, c.mem, n));
    c.out.seqVoid();
    return Msg.Ok;
  }
}
