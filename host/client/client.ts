// The packet-level RPC client. It sends whole RPC packets through an injected `sendPacket` and is
// fed reply packets through `onPacket` (a session, a LocalSession, or a test wires the two), so it
// runs unchanged over any transport and in the browser (no Node imports).
//
// One request is outstanding at a time (MinRPC has no request ids); calls queue in order. Every
// wait has a deadline and fails with TimeoutError; device exceptions become RemoteError.

import {
  RPCCode, TypeCode, decodeReply, returnValue, callFuncPacket, syscallPacket, copyToRemotePacket,
  copyFromRemotePacket, shutdownPacket, str, int, handle, cpu, dtypeValue,
  type Value, type Reply, type DLTensor, type DLDataType,
} from './packet.ts';

export class RpcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RpcError';
  }
}
/** The device answered kException. `remoteMessage` is its text. */
export class RemoteError extends RpcError {
  readonly remoteMessage: string;
  constructor(what: string, remoteMessage: string) {
    // TVM devices send exceptions with an empty text (an unknown handle, a failed lookup):
    // say so instead of printing nothing after the colon.
    super(`${what}: device error: ${remoteMessage.trim() !== '' ? remoteMessage
      : '(the device raised an exception with an empty message; TVM devices do that for an unknown handle or a function they cannot find)'}`);
    this.name = 'RemoteError';
    this.remoteMessage = remoteMessage;
  }
}
/** A tensor from before the device's session was reset (a reboot, or a re-open after a
 * timeout): its memory is gone, so it cannot be used; make a new one. */
export class StaleTensorError extends RpcError {
  constructor(message: string) {
    super(message);
    this.name = 'StaleTensorError';
  }
}

/** No reply within the deadline. */
export class TimeoutError extends RpcError {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}
/** The reply did not have the expected shape. */
export class ProtocolError extends RpcError {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export interface RpcClientOptions {
  /** Deadline for each reply, in ms (default 5000). */
  timeoutMs?: number;
  /** Names the link in timeout messages, e.g. "serial:/dev/ttyACM0". */
  linkName?: string;
  /** Deadline of the first request (and the first after armFirstCall()), in ms (default timeoutMs). */
  firstTimeoutMs?: number;
  /** Called when a request times out, before its TimeoutError is thrown (the session then stops
   * retransmitting it, or re-opens before the next request so a late reply cannot be taken for
   * the next one's). */
  onTimeout?: () => void;
  /** Called when request and reply may be out of step: a reply came with no request waiting, or
   * a reply does not fit its request (ProtocolError). The session re-opens before the next
   * request, so whatever is still in flight is dropped. */
  onDesync?: (why: string) => void;
  /** How many CopyToRemote packets of one copy may wait for their replies at once (default 1).
   * More than 1 only where replies are paired with requests by sequence number (reliable and
   * compact sessions): the link then carries the next chunk while the device answers the last
   * one, instead of idling for a turnaround per chunk. */
  copyWindow?: () => number;
}

/** Sends one request packet; `expectsReply` is false for a packet that gets no reply (Shutdown).
 * `overlap`: the packet is sent while earlier requests still wait for their replies (a
 * pipelined copy chunk); the sender must keep them waiting. */
export type PacketSender = (packet: Uint8Array, expectsReply: boolean, overlap?: boolean) => Promise<void>;

/** Progress of a chunked copy: bytes done so far and the total. */
export type ProgressCallback = (done: number, total: number) => void;

export interface DeviceInfo {
  version: string;
  wire: string;
  board: string;
  maxPacket: number;
  memTotal: number;
  memFree: number;
  functions: { name: string; signature: string }[];
  /** Every key=value line as sent. */
  raw: Record<string, string>;
}

export interface TimeEvaluatorOptions {
  number?: number;
  repeat?: number;
  minRepeatMs?: number;
  limitZeroTimeIterations?: number;
  cooldownIntervalMs?: number;
  repeatsToCooldown?: number;
  /** 10, 11 (TVM v0.10-0.13, default) or 12 (v0.14+) arguments. */
  form?: 10 | 11 | 12;
}

interface Pending {
  packet: Uint8Array;
  what: string;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  /** The reply deadline's timer: set at sending, or for a request sent behind others (a
   * pipelined copy block, which crosses the link after them) when the one ahead is answered. */
  timer: ReturnType<typeof setTimeout> | undefined;
  arm: () => void;
  /** The session epoch the packet's tensor handles belong to (undefined: it names none). */
  epoch: number | undefined;
}

/** DLPack dtype shorthands. */
export const DType = {
  int8: { code: 0, bits: 8, lanes: 1 },
  int16: { code: 0, bits: 16, lanes: 1 },
  int32: { code: 0, bits: 32, lanes: 1 },
  uint8: { code: 1, bits: 8, lanes: 1 },
  uint16: { code: 1, bits: 16, lanes: 1 },
  uint32: { code: 1, bits: 32, lanes: 1 },
  float32: { code: 2, bits: 32, lanes: 1 },
} as const satisfies Record<string, DLDataType>;

export function dtypeBytes(d: DLDataType): number {
  return Math.ceil((d.bits * d.lanes) / 8);
}

/** Requests up to this size are sent without knowing the device's packet limit (every device
 * accepts them); a larger one first asks for the limit, once. */
const SMALL_PACKET = 256;

export class RpcClient {
  private readonly sendPacket: PacketSender;
  private readonly onTimeout: () => void;
  private readonly onDesync: (why: string) => void;
  timeoutMs: number;
  firstTimeoutMs: number;
  readonly linkName: string;
  private firstCall = true;
  /** Requests sent and waiting for their replies, in the order sent (replies come in that order:
   * more than one only inside a pipelined copy). */
  private readonly inFlight: Pending[] = [];
  private readonly copyWindow: () => number;
  private queue: Promise<unknown> = Promise.resolve();
  private maxPacket: number | undefined;
  /** Replies that arrived with no request waiting (duplicates, or late replies after a timeout). */
  unexpected = 0;
  /** The most requests that have waited for their replies at once (2 once a copy pipelined). */
  peakInFlight = 0;
  /** An end-to-end deadline (Date.now() ms) no request waits past, and its length for messages
   * (`urpc call --timeout`: the handshake, lookups, the call and every retry within one budget). */
  deadline: { at: number; ms: number } | undefined;
  /** Counts device sessions: a tensor made under another epoch is gone (StaleTensorError). */
  epoch = 0;

  constructor(sendPacket: PacketSender, options: RpcClientOptions = {}) {
    this.sendPacket = sendPacket;
    this.onTimeout = options.onTimeout ?? ((): void => undefined);
    this.onDesync = options.onDesync ?? ((): void => undefined);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.firstTimeoutMs = options.firstTimeoutMs ?? this.timeoutMs;
    this.linkName = options.linkName ?? 'device';
    this.copyWindow = options.copyWindow ?? ((): number => 1);
  }

  /** The next request gets the longer first-call deadline (e.g. after a session (re)start). */
  armFirstCall(): void {
    this.firstCall = true;
  }

  /** Feed every received RPC packet here. */
  onPacket(p: Uint8Array): void {
    const w = this.settle(0);
    if (w === undefined) {
      this.unexpected++;
      this.onDesync('a reply came with no request waiting');
      return;
    }
    try {
      w.resolve(decodeReply(p));
    } catch (e) {
      w.reject(this.protocolError(`${w.what}: ${(e as Error).message}`));
    }
  }

  /** The reply to the waiting request arrived but could not be read (a compact reply that does
   * not decode): the request fails with ProtocolError saying why. */
  badReply(why: string): void {
    const w = this.settle(0);
    if (w === undefined) return;
    w.reject(this.protocolError(`${w.what}: ${why}`));
  }

  /** True while `packet`'s request waits for its reply: a sender that had to wait (a session
   * handshake) must not send a request that has already timed out, or its reply would be
   * taken for the next request's. */
  isWaitingFor(packet: Uint8Array): boolean {
    return this.inFlight.some((w) => w.packet === packet);
  }

  /** A sender calls this after opening a session, before sending: a request naming tensors of an
   * earlier session fails here with StaleTensorError (sent, it would meet a fresh server that
   * answers "unknown or freed memory handle"). True if it failed. */
  failIfStale(packet: Uint8Array): boolean {
    const k = this.inFlight.findIndex((x) => x.packet === packet);
    const w = this.inFlight[k];
    if (w === undefined || w.epoch === undefined || w.epoch === this.epoch) return false;
    this.settle(k);
    w.reject(new StaleTensorError(`${w.what}: its tensor was lost: the device session was re-opened before the request ` +
      'could be sent (after a timeout or a desynchronisation); make the tensor again'));
    return true;
  }

  /** Takes request k out of the waiting ones (its reply came, or it failed): its deadline stops,
   * and the request now first starts its own (see Pending.timer). */
  private settle(k: number): Pending | undefined {
    const [w] = this.inFlight.splice(k, 1);
    if (w === undefined) return undefined;
    clearTimeout(w.timer);
    this.inFlight[0]?.arm();
    return w;
  }

  /** Fails the outstanding requests (e.g. the session ended). */
  abort(reason: Error): void {
    for (const w of this.inFlight.splice(0)) {
      clearTimeout(w.timer);
      w.reject(reason);
    }
  }

  /** Sends a request packet and waits for its reply (in order with other requests). A packet
   * larger than the device accepts is refused here: the device would drop it unanswered. */
  async request(packet: Uint8Array, what: string, timeoutMsArg?: number, epoch?: number): Promise<Reply> {
    const body = packet.length - 8; // after the u64 length: what GetCRTMaxPacketSize bounds
    if (body > SMALL_PACKET && this.maxPacket === undefined) await this.maxPacketSize();
    if (this.maxPacket !== undefined && body > this.maxPacket) {
      throw new RpcError(`${what}: the request is ${body} bytes but ${this.linkName} accepts at most ${this.maxPacket} ` +
        '(tvm.rpc.server.GetCRTMaxPacketSize); send large data as a tensor (copyFrom), which is split into packets');
    }
    const run = (): Promise<Reply> => this.exchange(packet, what, timeoutMsArg, epoch, false);
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Runs `f` with the link to itself: requests queued before it are answered first, those
   * made meanwhile wait until it is done (a pipelined copy). */
  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const p = this.queue.then(f, f);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Sends `packet` now and waits for its reply (request() orders the calls; `overlap` sends it
   * behind requests still waiting). A timeout fails every request in flight: the session
   * re-opens before the next one, so none of them can be answered. */
  private exchange(packet: Uint8Array, what: string, timeoutMsArg: number | undefined, epoch: number | undefined, overlap: boolean): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      let timeoutMs = timeoutMsArg ?? this.timeoutMs;
      if (this.firstCall) {
        this.firstCall = false;
        timeoutMs = Math.max(timeoutMs, this.firstTimeoutMs);
      }
      const d = this.deadline;
      const capped = d !== undefined && d.at - Date.now() < timeoutMs;
      if (capped) timeoutMs = Math.max(0, d.at - Date.now());
      const w: Pending = { packet, what, resolve, reject, timer: undefined, epoch, arm: () => {
        if (w.timer !== undefined) return;
        w.timer = setTimeout(() => {
          if (!this.inFlight.includes(w)) return;
          const behind = this.inFlight.splice(0).filter((x) => x !== w);
          for (const x of behind) clearTimeout(x.timer);
          this.onTimeout();
          reject(new TimeoutError(capped
            ? `${what}: no reply from ${this.linkName} within the ${d.ms} ms deadline (session start, lookups, retries and the call together); try a longer timeout`
            : `${what}: no reply from ${this.linkName} within ${timeoutMs} ms; is the board running urpc firmware? try a longer timeout`));
          for (const x of behind) x.reject(new TimeoutError(`${x.what}: abandoned: the request before it (${what}) got no reply from ${this.linkName} within ${timeoutMs} ms; the next call re-opens the session (try a longer timeout)`));
        }, capped ? Math.max(0, d.at - Date.now()) : timeoutMs);
      } };
      if (this.inFlight.length === 0) w.arm();
      this.inFlight.push(w);
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight.length);
      this.sendPacket(packet, true, overlap).catch((e: unknown) => {
        const k = this.inFlight.indexOf(w);
        if (k >= 0) this.settle(k);
        else clearTimeout(w.timer);
        reject(e instanceof Error ? e : new RpcError(String(e)));
      });
    });
  }

  /** Sends a packet that gets no reply (Shutdown). */
  async post(packet: Uint8Array): Promise<void> {
    await this.queue;
    await this.sendPacket(packet, false);
  }

  /** A reply that does not fit its request. In plain mode that may be another request's reply
   * (a duplicate, or one that came late): the session is re-opened before the next request. */
  private protocolError(message: string): ProtocolError {
    this.onDesync(message);
    return new ProtocolError(message);
  }

  private values(r: Reply, what: string): Value[] {
    if (r.code === RPCCode.Exception) throw new RemoteError(what, r.message);
    if (r.code !== RPCCode.Return) throw this.protocolError(`${what}: unexpected reply code ${r.code}`);
    return r.values;
  }

  /** A syscall: one return value. */
  async syscall(code: number, args: readonly Value[], what = `syscall ${code}`, epoch?: number): Promise<Value> {
    const v = this.values(await this.request(syscallPacket(code, args), what, undefined, epoch), what);
    const first = v[0];
    if (v.length !== 1 || first === undefined) throw this.protocolError(`${what}: expected one return value, got ${v.length}`);
    return first;
  }

  private async syscallVoid(code: number, args: readonly Value[], what: string, epoch?: number): Promise<void> {
    const v = await this.syscall(code, args, what, epoch);
    if (v.type !== 'null') throw this.protocolError(`${what}: expected void, got ${v.type}`);
  }

  private async syscallHandle(code: number, args: readonly Value[], what: string): Promise<bigint> {
    const v = await this.syscall(code, args, what);
    if (v.type !== 'handle') throw this.protocolError(`${what}: expected a handle, got ${v.type}`);
    return v.value;
  }

  /** CallFunc: the return value (2-slot convention), undefined for void. */
  /** `epoch`: the session epoch of tensors among `args` (the call then fails with
   * StaleTensorError if the session is re-opened before it is sent). */
  async call(fn: bigint, args: readonly Value[] = [], what = `call 0x${fn.toString(16)}`, timeoutMs?: number, epoch?: number): Promise<Value | undefined> {
    const v = this.values(await this.request(callFuncPacket(fn, args), what, timeoutMs, epoch), what);
    try {
      return returnValue(v);
    } catch (e) {
      throw this.protocolError(`${what}: ${(e as Error).message}`);
    }
  }

  /** GetGlobalFunc: the function handle, or undefined when the device has no such function. */
  async getGlobalFunc(name: string): Promise<bigint | undefined> {
    const h = await this.syscallHandle(RPCCode.GetGlobalFunc, [str(name)], `GetGlobalFunc(${name})`);
    return h === 0n ? undefined : h;
  }

  /** Like getGlobalFunc but fails when the function is missing. */
  async func(name: string): Promise<bigint> {
    const h = await this.getGlobalFunc(name);
    if (h === undefined) throw new RpcError(`device has no function '${name}'`);
    return h;
  }

  async callByName(name: string, args: readonly Value[] = []): Promise<Value | undefined> {
    return this.call(await this.func(name), args, name);
  }

  async systemLib(): Promise<bigint> {
    const v = await this.callByName('runtime.SystemLib');
    if (v?.type !== 'module') throw this.protocolError(`runtime.SystemLib: expected a module, got ${v?.type}`);
    return v.value;
  }

  /** tvm.rpc.server.ModuleGetFunction: undefined when not found. */
  async moduleGetFunction(mod: bigint, name: string, queryImports = true): Promise<bigint | undefined> {
    const v = await this.callByName('tvm.rpc.server.ModuleGetFunction',
      [{ type: 'module', value: mod }, str(name), int(queryImports ? 1 : 0)]);
    if (v === undefined) return undefined;
    if (v.type !== 'func') throw this.protocolError(`ModuleGetFunction: expected a function, got ${v.type}`);
    return v.value;
  }

  freeHandle(h: bigint, typeCode: number): Promise<void> {
    return this.syscallVoid(RPCCode.FreeHandle, [handle(h), int(typeCode)], 'FreeHandle');
  }

  allocData(nbytes: number, alignment = 64, dtype: DLDataType = DType.uint8): Promise<bigint> {
    return this.syscallHandle(RPCCode.DevAllocData,
      [cpu(), int(nbytes), int(alignment), dtypeValue(dtype.code, dtype.bits, dtype.lanes)], 'DevAllocData');
  }

  allocDataWithScope(shape: readonly number[], dtype: DLDataType, scope?: string): Promise<bigint> {
    const t: DLTensor = { data: 0n, device: { deviceType: 1, deviceId: 0 }, dtype, shape: shape.map(BigInt), byteOffset: 0n };
    return this.syscallHandle(RPCCode.DevAllocDataWithScope,
      [{ type: 'tensor', value: t }, scope === undefined ? { type: 'null' } : str(scope)], 'DevAllocDataWithScope');
  }

  freeData(h: bigint, epoch?: number): Promise<void> {
    return this.syscallVoid(RPCCode.DevFreeData, [cpu(), handle(h)], 'DevFreeData', epoch);
  }

  streamSync(): Promise<void> {
    return this.syscallVoid(RPCCode.DevStreamSync, [cpu(), handle(0)], 'DevStreamSync');
  }

  copyAmongRemote(from: DLTensor, to: DLTensor): Promise<void> {
    return this.syscallVoid(RPCCode.CopyAmongRemote,
      [{ type: 'tensor', value: from }, { type: 'tensor', value: to }, handle(0)], 'CopyAmongRemote');
  }

  /** tvm.rpc.server.GetCRTMaxPacketSize, cached; UINT64_MAX-like (Infinity) if missing. */
  async maxPacketSize(): Promise<number> {
    if (this.maxPacket !== undefined) return this.maxPacket;
    const h = await this.getGlobalFunc('tvm.rpc.server.GetCRTMaxPacketSize');
    let n = Number.POSITIVE_INFINITY;
    if (h !== undefined) {
      const v = await this.call(h, [], 'GetCRTMaxPacketSize');
      if (v?.type !== 'int') throw this.protocolError('GetCRTMaxPacketSize: expected an int');
      n = Number(v.value);
    }
    this.maxPacket = n;
    return n;
  }

  /** Bytes of data per copy packet for a tensor of ndim dimensions (spec §4.9). */
  async copyBlock(ndim: number): Promise<number> {
    const block = (await this.maxPacketSize()) - (44 + 8 * ndim);
    if (block <= 0) throw new RpcError(`packet limit too small for a ${ndim}-d tensor copy`);
    return Math.min(block, 1 << 30);
  }

  /** CopyToRemote in blocks: block i goes to byte_offset = t.byteOffset + i * block. Up to
   * copyWindow() blocks wait for their replies at once (each block is its own idempotent write,
   * so a re-sent one does no harm); the first failure stops the sending, and the copy fails with
   * it once every block sent has been answered. */
  async copyToRemote(t: DLTensor, data: Uint8Array, onProgress?: ProgressCallback, epoch?: number): Promise<void> {
    const block = await this.copyBlock(t.shape.length);
    await this.exclusive(async () => {
      const waiting: Promise<void>[] = [];
      let failure: { error: unknown } | undefined;
      for (let at = 0; at < data.length || at === 0; at += block) {
        while (waiting.length > 0 && waiting.length >= this.copyWindow()) await waiting.shift();
        if (failure !== undefined) break;
        const part = data.subarray(at, Math.min(at + block, data.length));
        const packet = copyToRemotePacket({ ...t, byteOffset: t.byteOffset + BigInt(at) }, part);
        const done = at + part.length;
        // Settled here (never rejected) so a block failing while an earlier one is awaited is
        // not an unhandled rejection.
        waiting.push(this.exchange(packet, 'CopyToRemote', undefined, epoch, waiting.length > 0).then((r) => {
          const v = this.values(r, 'CopyToRemote');
          if (v.length !== 1 || v[0]?.type !== 'null') throw this.protocolError('CopyToRemote: expected ReturnVoid');
          if (failure === undefined) onProgress?.(done, data.length);
        }).catch((e: unknown) => {
          failure ??= { error: e };
        }));
        if (data.length === 0) break;
      }
      for (const w of waiting) await w;
      if (failure !== undefined) throw failure.error;
    });
  }

  /** CopyFromRemote of nbytes in blocks. */
  async copyFromRemote(t: DLTensor, nbytes: number, onProgress?: ProgressCallback, epoch?: number): Promise<Uint8Array> {
    const block = await this.copyBlock(t.shape.length);
    const out = new Uint8Array(nbytes);
    for (let at = 0; at < nbytes; at += block) {
      const n = Math.min(block, nbytes - at);
      const r = await this.request(copyFromRemotePacket({ ...t, byteOffset: t.byteOffset + BigInt(at) }, n), 'CopyFromRemote', undefined, epoch);
      if (r.code === RPCCode.Exception) throw new RemoteError('CopyFromRemote', r.message);
      if (r.code !== RPCCode.CopyAck || r.data.length !== n) throw this.protocolError(`CopyFromRemote: expected CopyAck with ${n} bytes`);
      out.set(r.data, at);
      onProgress?.(at + n, nbytes);
    }
    return out;
  }

  /** Allocates a tensor on the device (DevAllocDataWithScope). */
  async empty(shape: readonly number[], dtype: DLDataType = DType.uint8): Promise<NDArray> {
    const h = await this.allocDataWithScope(shape, dtype);
    return new NDArray(this, h, shape, dtype);
  }

  /** urpc.echo: returns the arguments as the device sent them back. A CallFunc returns one
   * value (TVM's shape), so each argument is echoed by its own call; null comes back as null. */
  async echo(...args: Value[]): Promise<Value[]> {
    const f = await this.func('urpc.echo');
    const out: Value[] = [];
    for (const a of args) out.push((await this.call(f, [a], 'urpc.echo')) ?? { type: 'null' });
    return out;
  }

  /** urpc.info, parsed. */
  async info(): Promise<DeviceInfo> {
    const v = await this.callByName('urpc.info');
    if (v?.type !== 'str') throw this.protocolError('urpc.info: expected a str');
    return parseInfo(v.value);
  }

  /** runtime.RPCTimeEvaluator: returns a function that times `name` and yields seconds per call
   * for each repeat. */
  async timeEvaluator(name: string, opts: TimeEvaluatorOptions = {}): Promise<(...args: Value[]) => Promise<number[]>> {
    const mod = await this.systemLib();
    const form = opts.form ?? 11;
    const a: Value[] = [{ type: 'module', value: mod }, str(name), int(1), int(0), int(opts.number ?? 1),
      int(opts.repeat ?? 1), int(opts.minRepeatMs ?? 0)];
    if (form >= 11) a.push(int(opts.limitZeroTimeIterations ?? 100));
    a.push(int(opts.cooldownIntervalMs ?? 0), int(opts.repeatsToCooldown ?? 1));
    if (form === 12) a.push(int(0));
    a.push(str(''));
    const f = await this.callByName('runtime.RPCTimeEvaluator', a);
    if (f?.type !== 'func') throw this.protocolError('RPCTimeEvaluator: expected a function');
    return async (...args: Value[]): Promise<number[]> => {
      const r = await this.call(f.value, args, `time ${name}`);
      if (r?.type !== 'bytes' || r.value.length % 8 !== 0) throw this.protocolError('time evaluator: expected bytes of f64');
      const dv = new DataView(r.value.buffer, r.value.byteOffset, r.value.length);
      const out: number[] = [];
      for (let i = 0; i < r.value.length; i += 8) out.push(dv.getFloat64(i, true));
      return out;
    };
  }

  /** Sends Shutdown (no reply). */
  shutdown(): Promise<void> {
    return this.post(shutdownPacket());
  }
}

export function parseInfo(text: string): DeviceInfo {
  const raw: Record<string, string> = {};
  const functions: { name: string; signature: string }[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    const value = eq < 0 ? '' : line.slice(eq + 1);
    if (key === 'fn') {
      const sp = value.indexOf(' ');
      functions.push(sp < 0 ? { name: value, signature: '' } : { name: value.slice(0, sp), signature: value.slice(sp + 1) });
    } else {
      raw[key] = value;
    }
  }
  return {
    version: raw.urpc ?? '', wire: raw.wire ?? '', board: raw.board ?? '',
    maxPacket: Number(raw.max_packet ?? 0), memTotal: Number(raw.mem_total ?? 0), memFree: Number(raw.mem_free ?? 0),
    functions, raw,
  };
}

/** A tensor in device memory. */
export class NDArray {
  readonly client: RpcClient;
  readonly handle: bigint;
  readonly shape: readonly number[];
  readonly dtype: DLDataType;
  private freed = false;
  /** The client's epoch when the tensor was made. */
  readonly epoch: number;
  constructor(client: RpcClient, h: bigint, shape: readonly number[], dtype: DLDataType) {
    this.client = client;
    this.epoch = client.epoch;
    this.handle = h;
    this.shape = shape;
    this.dtype = dtype;
  }
  get size(): number { return this.shape.reduce((a, b) => a * b, 1); }
  get nbytes(): number { return this.size * dtypeBytes(this.dtype); }
  /** The DLTensor record naming this array. */
  get tensor(): DLTensor {
    return { data: this.handle, device: { deviceType: 1, deviceId: 0 }, dtype: this.dtype, shape: this.shape.map(BigInt), byteOffset: 0n };
  }
  /** As a call argument (type code 7). */
  get arg(): Value {
    this.checkLive();
    return { type: 'tensor', value: this.tensor };
  }
  /** Throws StaleTensorError if the device session was reset since the tensor was made. */
  checkLive(): void {
    if (this.epoch !== this.client.epoch) {
      throw new StaleTensorError(`tensor ${this.shape.join('x')} was lost: the device session was reset since it was made ` +
        '(a reboot, or a re-open after a timeout); make it again');
    }
  }
  /** Host -> device (chunked by GetCRTMaxPacketSize). */
  async copyFrom(data: Uint8Array | ArrayBufferView, opts: { onProgress?: ProgressCallback } = {}): Promise<this> {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.length !== this.nbytes) throw new RangeError(`copyFrom: ${bytes.length} bytes for an array of ${this.nbytes}`);
    this.checkLive();
    await this.client.copyToRemote(this.tensor, bytes, opts.onProgress, this.epoch);
    return this;
  }
  /** Device -> host (chunked by GetCRTMaxPacketSize). */
  async copyTo(opts: { onProgress?: ProgressCallback } = {}): Promise<Uint8Array> {
    this.checkLive();
    return this.client.copyFromRemote(this.tensor, this.nbytes, opts.onProgress, this.epoch);
  }
  async free(): Promise<void> {
    if (this.freed) return;
    this.freed = true;
    if (this.epoch !== this.client.epoch) return; // freed with its session
    await this.client.freeData(this.handle, this.epoch).catch((e: unknown) => {
      if (!(e instanceof StaleTensorError)) throw e; // freed with its session
    });
  }
}

export { TypeCode };
