// The API users touch: an RpcSession calls device functions and moves tensors, the same way
// whether the device is a board (RemoteSession over a transport), the native firmware process
// (RemoteSession too) or the FwTS device code in this process (LocalSession).
//
//   const s = await connect('native');
//   await s.functions.echo(1, 'two');             // urpc.echo
//   const a = await s.array(new Float32Array([1, 2, 3]));
//   await a.copyTo({ onProgress: (done, total) => ... });
//   s.on('log', (text) => console.log('device:', text));
//   await s.close();
//
// JavaScript values map to wire values: integer numbers and bigints -> int (0), other numbers ->
// float (2), strings -> str (11), booleans -> bool (15), null -> null (4), Uint8Array -> bytes
// (12), NDArray -> DLTensor (7), DeviceFunction -> func (10); a `{ type, value }` Value passes
// as is. Replies map back (ints as numbers when they are safe integers, else bigints).
// No Node imports here.

import { RpcClient, NDArray, DType, ProtocolError, RpcError, type DeviceInfo, type ProgressCallback } from './client.ts';
import { RPCCode, TypeCode, callFuncPacket, type Value, type DLDataType } from './packet.ts';
import { checkInt64, dtypeName, typedArrayOf } from './values.ts';

export { NDArray, DType };
export type { DeviceInfo, ProgressCallback, DLDataType };

/** What a device function accepts. */
export type Arg = number | bigint | string | boolean | null | Uint8Array | NDArray | DeviceFunction | Value;
/** What a device function returns (undefined for void). */
export type Ret = number | bigint | string | boolean | null | undefined | Uint8Array | DeviceFunction | Value;

/** A device function: call it like a JS function. */
export interface DeviceFunction {
  (...args: Arg[]): Promise<Ret>;
  readonly functionName: string;
  readonly handle: bigint;
}

/** urpc's built-in device functions, typed (other names are reached through the index signature). */
export interface BuiltinFunctions {
  /** urpc.echo: returns its arguments. */
  echo(...args: Arg[]): Promise<Ret[]>;
  /** urpc.info: the device description text. */
  info(): Promise<string>;
  /** urpc.add: out = a + b elementwise (same element count and dtype). */
  add(a: NDArray, b: NDArray, out: NDArray): Promise<void>;
  /** urpc.sum: the sum of the elements of an integer tensor. */
  sum(a: NDArray): Promise<number | bigint>;
  /** urpc.log: the device logs "urpc.log v0 v1 ..." (at most 4 ints). */
  log(...values: number[]): Promise<void>;
  /** urpc.sleep: answers after ms milliseconds (an async device function: the device keeps
   * serving its link meanwhile). The reply deadline is extended by ms. */
  sleep(ms: number): Promise<void>;
}
/** Device functions: the built-ins and the app's `F` (the AppFunctions of a generated app.d.ts:
 * `connect<AppFunctions>(...)`). Without `F`, any other name is reachable untyped; with it, a name
 * the app does not have is a type error (`session.call(name, ...)` reaches any name). */
export type DeviceFunctions<F extends object = {}> = BuiltinFunctions & F &
  ({} extends F ? Record<string, (...args: Arg[]) => Promise<Ret | Ret[]>> : unknown);

export interface TimeEvaluatorOpts {
  /** Calls per repeat (default 1). */
  number?: number;
  /** Repeats, one result each (default 1). */
  repeat?: number;
  /** Grow `number` until one repeat takes at least this long (ms, default 0). */
  minRepeatMs?: number;
}
export interface TimeResult {
  /** Seconds per call, one per repeat. */
  results: number[];
  mean: number;
}

export type SessionEvent = 'log';

export interface RpcSession<F extends object = {}> {
  /** What was connected to, e.g. "native" or "local". */
  readonly uri: string;
  /** The packet-level client underneath (every syscall and copy). */
  readonly client: RpcClient;
  /** Device functions by short name (`echo` for urpc.echo) or full name (`functions['urpc.echo']`). */
  readonly functions: DeviceFunctions<F>;
  getFunction(name: string): Promise<DeviceFunction>;
  call(name: string, ...args: Arg[]): Promise<Ret>;
  /** A tensor allocated on the device (contents undefined until copyFrom). */
  empty(shape: readonly number[], dtype?: DLDataType): Promise<NDArray>;
  /** A device tensor holding `data` (dtype from the typed array unless given). */
  array(data: ArrayBufferView | readonly number[], opts?: { shape?: readonly number[]; dtype?: DLDataType; onProgress?: ProgressCallback }): Promise<NDArray>;
  /** runtime.RPCTimeEvaluator over a device function. */
  timeEvaluator(fn: string, opts?: TimeEvaluatorOpts): Promise<(...args: Arg[]) => Promise<TimeResult>>;
  info(): Promise<DeviceInfo>;
  on(event: SessionEvent, handler: (text: string) => void): this;
  off(event: SessionEvent, handler: (text: string) => void): this;
  close(): Promise<void>;
}

export function toValue(a: Arg): Value {
  if (a === null) return { type: 'null' };
  if (a instanceof NDArray) return a.arg;
  if (a instanceof Uint8Array) return { type: 'bytes', value: a };
  switch (typeof a) {
    case 'number':
      // An integral number is an int64; -0 and numbers past int64 (1e300 is integral too) are
      // floats: only a double keeps the sign of -0, and no int64 has those values.
      return Number.isInteger(a) && !Object.is(a, -0) && a >= -(2 ** 63) && a < 2 ** 63 ? { type: 'int', value: checkInt64(a) } : { type: 'float', value: a };
    case 'bigint':
      return { type: 'int', value: checkInt64(a) };
    case 'string':
      return { type: 'str', value: a };
    case 'boolean':
      return { type: 'bool', value: a };
    case 'function':
      return { type: 'func', value: a.handle };
    default:
      if (typeof a === 'object' && 'type' in a) return a;
      throw new TypeError(`cannot send ${String(a)} to the device`);
  }
}


/** The client each DeviceFunction was made by (a function handle is valid on its device only). */
const functionOwners = new WeakMap<DeviceFunction, RpcClient>();

function dtypeOf(data: ArrayBufferView | readonly number[]): DLDataType {
  if (data instanceof Int8Array) return DType.int8;
  if (data instanceof Int16Array) return DType.int16;
  if (data instanceof Int32Array) return DType.int32;
  if (data instanceof Uint16Array) return DType.uint16;
  if (data instanceof Uint32Array) return DType.uint32;
  if (data instanceof Float32Array || Array.isArray(data)) return DType.float32;
  return DType.uint8;
}

function toBytes(data: ArrayBufferView | readonly number[], dtype: DLDataType): Uint8Array {
  if (!Array.isArray(data)) {
    const v = data as ArrayBufferView;
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  // Plain numbers are checked against the dtype's range (RangeError), never wrapped.
  const name = dtypeName(dtype);
  if (name === undefined) throw new RangeError(`array(): no host conversion of numbers to dtype code ${dtype.code} bits ${dtype.bits} lanes ${dtype.lanes}; pass a typed array`);
  const t = typedArrayOf(name, data as readonly number[]);
  return new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
}

/** Everything common to the session kinds: they differ only in how packets reach a server. */
export abstract class BaseSession<F extends object = {}> implements RpcSession<F> {
  abstract readonly uri: string;
  readonly client: RpcClient;
  readonly functions: DeviceFunctions<F>;
  /** The last 100 device log lines (including those from before a handler was added). */
  readonly logs: string[] = [];
  private readonly handlers = new Set<(text: string) => void>();
  private readonly handles = new Map<string, bigint>();
  /** Names the device does not have (so `sum` finds `urpc.sum` without asking for `sum` again). */
  private readonly missing = new Set<string>();

  protected constructor(client: RpcClient) {
    this.client = client;
    this.functions = new Proxy({} as DeviceFunctions<F>, {
      get: (_t, key) => {
        if (typeof key !== 'string' || key === 'then') return undefined;
        if (key === 'echo' || key === 'urpc.echo') return (...args: Arg[]) => this.echo(...args);
        if (key === 'sleep' || key === 'urpc.sleep') return (ms: number) => this.sleep(ms);
        return (...args: Arg[]) => this.callResolved(key, args);
      },
    });
  }

  /** Delivers a device log line. */
  protected emitLog(text: string): void {
    this.logs.push(text);
    if (this.logs.length > 100) this.logs.shift();
    for (const h of this.handlers) h(text);
  }

  /** Forgets cached function handles (after the device reset they may differ for user apps). */
  /** The device session was reset or re-opened: function handles are looked up again and
   * tensors from before are stale (StaleTensorError). */
  protected forgetHandles(): void {
    this.handles.clear();
    this.missing.clear();
    this.client.epoch++;
  }

  on(event: SessionEvent, handler: (text: string) => void): this {
    if (event !== 'log') throw new TypeError(`unknown event '${String(event)}'`);
    this.handlers.add(handler);
    return this;
  }

  off(event: SessionEvent, handler: (text: string) => void): this {
    if (event === 'log') this.handlers.delete(handler);
    return this;
  }

  private async handleOf(name: string): Promise<bigint | undefined> {
    const cached = this.handles.get(name);
    if (cached !== undefined || this.missing.has(name)) return cached;
    const h = await this.client.getGlobalFunc(name);
    if (h !== undefined) this.handles.set(name, h);
    else this.missing.add(name);
    return h;
  }

  /** `name` as given, else `urpc.<name>`. */
  private async resolve(name: string): Promise<{ name: string; handle: bigint }> {
    const candidates = name.includes('.') ? [name] : [name, `urpc.${name}`];
    for (const n of candidates) {
      const h = await this.handleOf(n);
      if (h !== undefined) return { name: n, handle: h };
    }
    throw new RpcError(`${this.uri}: the device has no function '${name}'${candidates.length > 1 ? ` (nor '${candidates[1]}')` : ''}`);
  }

  private wrap(name: string, handle: bigint): DeviceFunction {
    const f = ((...args: Arg[]) => this.invoke(name, handle, args)) as DeviceFunction;
    Object.defineProperty(f, 'functionName', { value: name });
    Object.defineProperty(f, 'handle', { value: handle });
    functionOwners.set(f, this.client);
    return f;
  }

  /** An argument as sent on this session's wire. A tensor or function handle names memory of the
   * device that made it: on another device the same number is some other memory (on identical
   * boards, often that device's own tensor, so a wrong answer would look right). */
  private argValue(a: Arg, name: string, k: number): Value {
    const owner = a instanceof NDArray ? a.client : typeof a === 'function' ? functionOwners.get(a) : undefined;
    if (owner !== undefined && owner !== this.client) {
      const what = a instanceof NDArray ? `a tensor [${a.shape.join(', ')}]` : `function ${(a as DeviceFunction).functionName}`;
      const fix = a instanceof NDArray ? 'copy its data to a tensor of this device' : 'look the function up on this device';
      throw new RpcError(`${name}: argument ${k} is ${what} of another session (another device): ` +
        `its handle means nothing on ${this.uri}; ${fix} (in a group, pass the group's DRef: each device gets its own)`);
    }
    return toValue(a);
  }

  fromValue(v: Value | undefined): Ret {
    if (v === undefined) return undefined;
    switch (v.type) {
      case 'int':
      case 'uint':
        return v.value >= BigInt(Number.MIN_SAFE_INTEGER) && v.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v.value) : v.value;
      case 'float':
      case 'str':
      case 'bytes':
      case 'bool':
        return v.value;
      case 'null':
        return null;
      case 'func':
        return this.wrap(`function 0x${v.value.toString(16)}`, v.value);
      default:
        return v;
    }
  }

  private async invoke(name: string, handle: bigint, args: readonly Arg[]): Promise<Ret> {
    return this.invokeValues(name, handle, args, args.map((a, k) => this.argValue(a, name, k)));
  }

  private async invokeValues(name: string, handle: bigint, args: readonly Arg[], values: Value[]): Promise<Ret> {
    const epoch = args.some((a) => a instanceof NDArray) ? this.client.epoch : undefined;
    return this.fromValue(await this.client.call(handle, values, name, undefined, epoch));
  }

  private async callResolved(name: string, args: readonly Arg[]): Promise<Ret> {
    const values = args.map((a, k) => this.argValue(a, name, k)); // before any look-up is sent
    const f = await this.resolve(name);
    return this.invokeValues(f.name, f.handle, args, values);
  }

  async getFunction(name: string): Promise<DeviceFunction> {
    const f = await this.resolve(name);
    return this.wrap(f.name, f.handle);
  }

  call(name: string, ...args: Arg[]): Promise<Ret> {
    if (name === 'urpc.echo' || name === 'echo') return this.echo(...args).then((r) => r[0]);
    return this.callResolved(name, args);
  }

  /** urpc.sleep(ms): the reply deadline is the client's plus ms. */
  async sleep(ms: number): Promise<void> {
    const f = await this.resolve('urpc.sleep');
    await this.client.call(f.handle, [toValue(ms)], 'urpc.sleep', this.client.timeoutMs + Math.max(0, Number(ms) || 0));
  }

  /** urpc.echo: every argument back, converted (one call per argument: a CallFunc returns one
   * value). */
  async echo(...args: Arg[]): Promise<Ret[]> {
    const values = args.map((a, k) => this.argValue(a, 'urpc.echo', k));
    const f = await this.resolve('urpc.echo');
    const out: Ret[] = [];
    for (const v of values) out.push(this.fromValue((await this.client.call(f.handle, [v], 'urpc.echo')) ?? { type: 'null' }));
    return out;
  }

  empty(shape: readonly number[], dtype: DLDataType = DType.float32): Promise<NDArray> {
    return this.client.empty(shape, dtype);
  }

  async array(data: ArrayBufferView | readonly number[], opts: { shape?: readonly number[]; dtype?: DLDataType; onProgress?: ProgressCallback } = {}): Promise<NDArray> {
    const dtype = opts.dtype ?? dtypeOf(data);
    const bytes = toBytes(data, dtype);
    const elem = Math.ceil((dtype.bits * dtype.lanes) / 8);
    const shape = opts.shape ?? [bytes.length / elem];
    const t = await this.client.empty(shape, dtype);
    try {
      await t.copyFrom(bytes, { onProgress: opts.onProgress });
    } catch (e) {
      await t.free().catch(() => undefined);
      throw e;
    }
    return t;
  }

  /** runtime.RPCTimeEvaluator on a function of the system library: as TVM, the function is found
   * through runtime.SystemLib and ModuleGetFunction (a TVM device's model functions are not
   * globals), and TVM's runtime functions, which are globals only, cannot be timed. */
  async timeEvaluator(fn: string, opts: TimeEvaluatorOpts = {}): Promise<(...args: Arg[]) => Promise<TimeResult>> {
    const mod = await this.client.systemLib();
    const candidates = fn.includes('.') ? [fn] : [fn, `urpc.${fn}`];
    let name: string | undefined;
    for (const n of candidates) {
      const h = await this.client.moduleGetFunction(mod, n);
      if (h === undefined) continue;
      name = n;
      await this.client.freeHandle(h, 10).catch(() => undefined); // only the name is passed on
      break;
    }
    if (name === undefined) {
      throw new RpcError(`${this.uri}: the device's system library has no function '${fn}'${candidates.length > 1 ? ` (nor '${candidates[1]}')` : ''}; ` +
        'the time evaluator times functions of the module (as TVM), not global functions');
    }
    const run = await this.client.timeEvaluator(name, { number: opts.number, repeat: opts.repeat, minRepeatMs: opts.minRepeatMs });
    return async (...args: Arg[]) => {
      const results = await run(...args.map((a, k) => this.argValue(a, fn, k)));
      return { results, mean: results.reduce((a, b) => a + b, 0) / Math.max(1, results.length) };
    };
  }

  info(): Promise<DeviceInfo> {
    return this.client.info();
  }

  abstract close(): Promise<void>;
}

/** The raw bytes of a CallFunc request, for tools that log the wire (urpc call --json). */
export function callRequestBytes(handle: bigint, args: readonly Arg[]): Uint8Array {
  return callFuncPacket(handle, args.map(toValue));
}

export { RPCCode, TypeCode, ProtocolError };
