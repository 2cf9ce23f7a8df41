// An independent microTVM host (test only): the session, MinRPC packets and the reading rules of
// a TVM v0.13 host, written from shared/spec/microtvm-wire.md. It shares no code with urpc's
// host/client or firmware/, so a test that passes here says a TVM host can drive the device.
import { MicroSession } from './session.ts';
import type { Link } from './link.ts';
import {
  Code, T, callFunc, syscall, copyTo, copyFrom, readReply, callReturn, RPCError, WireError, int, str, hnd,
  type Val, type Returned, type Tensor, type Reply,
} from './minrpc.ts';

export class MicroTvmHost {
  readonly session: MicroSession;
  readonly link: Link;
  readonly timeoutMs: number;

  constructor(link: Link, timeoutMs = 10000) {
    this.link = link;
    this.timeoutMs = timeoutMs;
    this.session = new MicroSession(link);
  }

  async open(): Promise<void> {
    await this.session.open(2000, this.timeoutMs);
  }

  private async request(packet: Uint8Array): Promise<Reply> {
    return readReply(await this.session.call(packet, this.timeoutMs));
  }

  /** A syscall: exactly one return value. */
  async syscall(code: number, args: Val[]): Promise<Val> {
    const r = await this.request(syscall(code, args));
    if (r.code === 5) throw new RPCError(r.message);
    if (r.code !== 4 || r.vals.length !== 1) throw new WireError(`syscall ${code}: expected a Return with one value`);
    return r.vals[0]!;
  }

  async call(fn: bigint, args: Val[]): Promise<Returned> {
    const r = await this.request(callFunc(fn, args));
    if (r.code === 5) throw new RPCError(r.message);
    if (r.code !== 4) throw new WireError('CallFunc answered with a CopyAck');
    return callReturn(r.vals);
  }

  /** GetGlobalFunc: the handle, 0 when the device has no such global. */
  async getGlobalFunc(name: string): Promise<bigint> {
    const v = await this.syscall(Code.GetGlobalFunc, [str(name)]);
    if (v.code !== T.Handle) throw new WireError('GetGlobalFunc: not a handle');
    return v.v;
  }

  async callGlobal(name: string, args: Val[]): Promise<Returned> {
    const h = await this.getGlobalFunc(name);
    if (h === 0n) throw new Error(`no global function ${name}`);
    return this.call(h, args);
  }

  /** system_lib(): CallFunc on runtime.SystemLib -> a module. */
  async systemLib(): Promise<bigint> {
    const r = await this.callGlobal('runtime.SystemLib', []);
    if (r.kind !== 'module') throw new WireError(`runtime.SystemLib returned ${r.kind}`);
    return r.handle;
  }

  /** module.get_function(name): ModuleGetFunction(mod, name, query_imports 1); undefined if none. */
  async moduleFunction(mod: bigint, name: string): Promise<bigint | undefined> {
    const r = await this.callGlobal('tvm.rpc.server.ModuleGetFunction', [hnd(mod, 9), str(name), int(1)]);
    if (r.kind === 'none') return undefined;
    if (r.kind !== 'func') throw new WireError(`ModuleGetFunction returned ${r.kind}`);
    return r.handle;
  }

  freeHandle(h: bigint, typeCode: number): Promise<Val> {
    return this.syscall(Code.FreeHandle, [hnd(h), int(typeCode)]);
  }

  /** nd.empty: DevAllocDataWithScope with a template tensor (data 0) and no scope. */
  async empty(shape: number[], dtype: [number, number, number]): Promise<Tensor> {
    const t: Tensor = { data: 0n, devType: 1, devId: 0, dtype, shape: shape.map(BigInt), byteOffset: 0n };
    const v = await this.syscall(Code.DevAllocDataWithScope, [{ code: 7, v: t }, { code: 4 }]);
    if (v.code !== T.Handle) throw new WireError('DevAllocDataWithScope: not a handle');
    return { ...t, data: v.v };
  }

  async copyTo(t: Tensor, data: Uint8Array): Promise<void> {
    const r = await this.request(copyTo(t, data));
    if (r.code === 5) throw new RPCError(r.message);
    if (r.code !== 4 || r.vals.length !== 1 || r.vals[0]!.code !== T.Null) throw new WireError('CopyToRemote: expected ReturnVoid');
  }

  async copyFrom(t: Tensor, n: number): Promise<Uint8Array> {
    const r = await this.request(copyFrom(t, n));
    if (r.code === 5) throw new RPCError(r.message);
    if (r.code !== 8 || r.data.length !== n) throw new WireError(`CopyFromRemote: expected CopyAck with ${n} bytes`);
    return r.data;
  }

  /** RPCTimeEvaluator (v0.10-v0.13 form, 11 arguments) on function `name` of module `mod`. */
  async timeEvaluator(mod: bigint, name: string, number: number, repeat: number, minRepeatMs: number): Promise<bigint> {
    const r = await this.callGlobal('runtime.RPCTimeEvaluator', [hnd(mod, 9), str(name), int(1), int(0), int(number), int(repeat),
      int(minRepeatMs), int(100), int(0), int(1), str('')]);
    if (r.kind !== 'func') throw new WireError(`RPCTimeEvaluator returned ${r.kind}`);
    return r.handle;
  }

  async close(): Promise<void> {
    await this.link.close();
  }
}
