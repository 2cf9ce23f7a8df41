// Device groups, after TVM's Disco: one controller drives N devices, one RpcSession each (any URI
// connect() takes), with commands queued per device without waiting.
//
//   const g = await connectGroup(['native', 'native', 'qemu:lm3s6965evb']);
//   const r = await g.call('urpc.echo', 7);                 // [7, 7, 7], one result per device
//   const t = g.scatter(new Int32Array(12), { shape: [12] }); // a DRef: rows 4i..4i+3 on device i
//   g.call('urpc.sum', t);                                    // queued, not awaited
//   const sum = await g.allreduce(t, 'sum');                  // host-mediated, byte-exact
//   await g.syncAll();                                        // waits; reports every failure since the last sync
//   await g.shutdown();
//
// Every command goes to a per-device queue and runs there in order as soon as the device's
// previous command is done, whatever the other devices do: a slow device holds up only itself.
// A command resolves to its per-device results; its failures are also kept for the next sync
// point (sync(i), syncAll()), so commands issued without `await` never raise an unhandled
// rejection and are never lost. A failure names its device (index, URI) and command; the other
// devices go on, unless `failFast`: then the first failure stops the group (queued commands are
// cancelled, new ones refused). A device whose link is gone, or that missed two deadlines in a
// row, is down: its later commands fail at once instead of waiting for a deadline each.
//
// Values that live on every device (a tensor or function per device, Disco's DRef) are DRef
// objects; passed as an argument, device i gets its own value. Collectives (broadcast, scatter,
// gather, allreduce, allgather) move the bytes through the host (group-data.ts). Browser-safe: no Node imports.
import { NDArray, RpcError, DType, TimeoutError } from './client.ts';
import { connect, type ConnectOptions } from './connect.ts';
import type { Arg, DeviceFunction, Ret, RpcSession } from './rpc-session.ts';
import type { DLDataType } from './packet.ts';
import { LinkClosedError } from './session.ts';
import { TransportClosedError } from '../transport/transport.ts';
import { concatAxis0, reduceParts, splitAxis0, type ReduceOp } from './group-data.ts';

export type { ReduceOp };

/** A command that failed on one device. */
export class DeviceError extends RpcError {
  readonly index: number;
  readonly uri: string;
  readonly command: string;
  readonly cause: Error;
  constructor(index: number, uri: string, command: string, cause: Error) {
    super(`device ${index} (${uri}): ${command}: ${cause.message}`);
    this.name = 'DeviceError';
    this.index = index;
    this.uri = uri;
    this.command = command;
    this.cause = cause;
  }
}

/** One or more devices failed: `failures` says which, with what; `results[i]` is device i's result
 * where it succeeded (a command), undefined elsewhere. */
export class GroupError extends RpcError {
  readonly failures: readonly DeviceError[];
  readonly results: readonly unknown[];
  constructor(what: string, failures: readonly DeviceError[], results: readonly unknown[] = []) {
    super(`${what}: ${summarise(failures)}`);
    this.name = 'GroupError';
    this.failures = failures;
    this.results = results;
  }
  /** Indices of the devices that failed. */
  get devices(): number[] {
    return [...new Set(this.failures.map((f) => f.index))].sort((a, b) => a - b);
  }
}

/** One line per failed device: its first failure and how many more. */
function summarise(failures: readonly DeviceError[]): string {
  const by = new Map<number, DeviceError[]>();
  for (const f of failures) by.set(f.index, [...(by.get(f.index) ?? []), f]);
  const lines = [...by.entries()].sort((a, b) => a[0] - b[0]).map(([, fs]) => {
    const more = fs.length > 1 ? ` (and ${fs.length - 1} later command${fs.length > 2 ? 's' : ''})` : '';
    return `${fs[0]!.message}${more}`;
  });
  return `${by.size} device${by.size === 1 ? '' : 's'} failed: ${lines.join('; ')}`;
}

/** A value per device (Disco's DRef): device i's value is made by a command queued on device i,
 * so a later command on device i finds it ready. */
export class DRef<T> {
  readonly group: DeviceGroup;
  /** What made it, for error messages. */
  readonly what: string;
  private readonly values: Promise<T>[];
  constructor(group: DeviceGroup, what: string, values: Promise<T>[]) {
    this.group = group;
    this.what = what;
    this.values = values;
    for (const v of values) v.catch(() => undefined); // reported by the command that made it
  }
  /** Device i's value (waits for the command that makes it). */
  get(i: number): Promise<T> {
    const v = this.values[i];
    if (v === undefined) throw new RangeError(`${this.what}: no device ${i} in a group of ${this.values.length}`);
    return v;
  }
  /** Every device's value. */
  all(): Promise<T[]> {
    return Promise.all(this.values);
  }
}

/** A tensor on every device (the same shape on each, except after a scatter of uneven data). */
export class GroupTensor extends DRef<NDArray> {
  /** Frees every device's tensor (queued). */
  free(): Promise<void[]> {
    return this.group.each(`free ${this.what}`, async (i) => (await this.get(i)).free());
  }
}

/** A function handle on every device (group.fn()): call() runs it on all of them. */
export class GroupFunction extends DRef<DeviceFunction> {
  readonly functionName: string;
  constructor(group: DeviceGroup, name: string, values: Promise<DeviceFunction>[]) {
    super(group, `function ${name}`, values);
    this.functionName = name;
  }
  call(...args: GroupArg[]): Promise<Ret[]> {
    return this.group.each(this.functionName, async (i) => (await this.get(i))(...await this.group.argsFor(i, args)));
  }
}

/** An argument of a group command: a plain value (the same on every device) or a DRef. */
export type GroupArg = Arg | DRef<Arg>;

export interface GroupOptions extends ConnectOptions {
  /** The first failure stops the group: queued commands are cancelled, new ones refused. */
  failFast?: boolean;
  /** Options for one device (merged over the others), e.g. a longer timeout for a QEMU board. */
  perDevice?: (index: number, uri: string) => ConnectOptions;
}

/** What a device did so far (group.status()). */
export interface DeviceStatus {
  index: number;
  uri: string;
  /** Commands queued in all. */
  queued: number;
  done: number;
  failed: number;
  /** Why the device is down (its link is gone, or it missed two deadlines in a row), if it is. */
  down?: string;
}

interface Worker {
  index: number;
  uri: string;
  session: RpcSession;
  /** Settles when every command queued so far has run. */
  tail: Promise<void>;
  queued: number;
  done: number;
  failed: number;
  down: DeviceError | undefined;
  /** Deadlines missed in a row (DOWN_AFTER_TIMEOUTS of them: the device is down). */
  timeouts: number;
  /** Failures not yet reported by a sync point. */
  unreported: DeviceError[];
}

const noop = (): void => undefined;

/** A device that misses this many deadlines in a row (a reply, then the session re-opening) is
 * down: without it, a board that hangs with its link open would cost every queued command a
 * full deadline. */
export const DOWN_AFTER_TIMEOUTS = 2;

const isTimeout = (e: Error): boolean => e instanceof TimeoutError || e.name === 'TimeoutError';

/** A link failure: the device will not answer again. */
function linkGone(e: Error): boolean {
  // Also by name: the transports are loaded with import(), which may give another instance of
  // their modules than this file's static import.
  return e instanceof LinkClosedError || e instanceof TransportClosedError || e.name === 'LinkClosedError' || e.name === 'TransportClosedError';
}

export class DeviceGroup {
  readonly uris: readonly string[];
  readonly failFast: boolean;
  private readonly workers: Worker[];
  private stopped: DeviceError | undefined;
  private closed = false;

  constructor(sessions: readonly RpcSession[], uris: readonly string[], opts: { failFast?: boolean } = {}) {
    if (sessions.length !== uris.length) throw new RangeError('one URI per session');
    this.uris = uris;
    this.failFast = opts.failFast === true;
    this.workers = sessions.map((session, index) => ({
      index, uri: uris[index]!, session, tail: Promise.resolve(), queued: 0, done: 0, failed: 0, down: undefined, timeouts: 0, unreported: [],
    }));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Device i's session (to look at one device alone; commands sent through it bypass the queue). */
  session(i: number): RpcSession {
    return this.worker(i).session;
  }

  status(): DeviceStatus[] {
    return this.workers.map((w) => ({
      index: w.index, uri: w.uri, queued: w.queued, done: w.done, failed: w.failed,
      ...(w.down !== undefined ? { down: w.down.message } : {}),
    }));
  }

  private worker(i: number): Worker {
    const w = this.workers[i];
    if (w === undefined) throw new RangeError(`no device ${i} in a group of ${this.workers.length}`);
    return w;
  }

  /** Queues `run` on device i after its earlier commands; resolves to its result or rejects with
   * a DeviceError (also kept for the next sync point). */
  enqueue<T>(i: number, command: string, run: (s: RpcSession) => Promise<T>): Promise<T> {
    const w = this.worker(i);
    if (this.closed) return this.refuse(w, command, new RpcError('the group is shut down'));
    if (this.stopped !== undefined) return this.refuse(w, command, new RpcError(`the group stopped (failFast) after ${this.stopped.message}`));
    w.queued++;
    const p = w.tail.then(async () => {
      if (this.closed) throw new RpcError('cancelled: the group was shut down');
      if (this.stopped !== undefined) throw new RpcError(`cancelled (failFast) after ${this.stopped.message}`);
      if (w.down !== undefined) throw new RpcError(`the device is down since ${w.down.command}: ${w.down.cause.message}`);
      return run(w.session);
    }).then((r) => {
      w.done++;
      w.timeouts = 0;
      return r;
    }, (e: unknown) => {
      throw this.failed(w, command, e instanceof Error ? e : new RpcError(String(e)));
    });
    w.tail = p.then(noop, noop);
    p.catch(noop);
    return p;
  }

  /** A command refused before it was queued (not kept for a sync: it is reported here). */
  private refuse<T>(w: Worker, command: string, why: Error): Promise<T> {
    const p = Promise.reject(new DeviceError(w.index, w.uri, command, why));
    p.catch(noop);
    return p;
  }

  private failed(w: Worker, command: string, cause: Error): DeviceError {
    const e = cause instanceof DeviceError ? cause : new DeviceError(w.index, w.uri, command, cause);
    w.failed++;
    if (!this.closed) w.unreported.push(e);
    w.timeouts = isTimeout(cause) ? w.timeouts + 1 : 0;
    if (w.down === undefined && (linkGone(cause) || w.timeouts >= DOWN_AFTER_TIMEOUTS)) w.down = e;
    if (this.failFast && this.stopped === undefined && !this.closed) this.stopped = e;
    return e;
  }

  /** Runs `run(i)` on every device (queued on each); resolves to the per-device results, or
   * rejects with a GroupError naming the devices that failed (the others' results inside). */
  each<T>(command: string, run: (i: number, s: RpcSession) => Promise<T>): Promise<T[]> {
    return this.settle(command, this.workers.map((w) => this.enqueue(w.index, command, (s) => run(w.index, s))));
  }

  /** Waits for per-device promises: all results, or a GroupError with the failures. */
  private settle<T>(command: string, ps: Promise<T>[]): Promise<T[]> {
    const p = Promise.allSettled(ps).then((rs) => {
      const failures = rs.flatMap((r, i) => (r.status === 'rejected' ? [asDeviceError(r.reason, i, this.uris[i]!, command)] : []));
      const results = rs.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
      if (failures.length > 0) throw new GroupError(command, failures, results);
      return results as T[];
    });
    p.catch(noop);
    return p;
  }

  /** Device i's arguments: each DRef replaced by its value on device i. */
  async argsFor(i: number, args: readonly GroupArg[]): Promise<Arg[]> {
    const out: Arg[] = [];
    for (const [k, a] of args.entries()) {
      if (!(a instanceof DRef)) {
        out.push(a);
        continue;
      }
      if (a.group !== this) throw new RpcError(`argument ${k}: ${a.what} belongs to another group`);
      try {
        out.push(await a.get(i));
      } catch (e) {
        throw new RpcError(`argument ${k} (${a.what}) is not on this device: ${(e as Error).message}`);
      }
    }
    return out;
  }

  /** Calls a device function on every device: one result per device. */
  call(name: string, ...args: GroupArg[]): Promise<Ret[]> {
    return this.each(name, async (i, s) => s.call(name, ...await this.argsFor(i, args)));
  }

  /** A handle to a function on every device (looked up on each, queued). */
  fn(name: string): GroupFunction {
    const values = this.workers.map((w) => this.enqueue(w.index, `getFunction(${name})`, (s) => s.getFunction(name)));
    return new GroupFunction(this, name, values);
  }

  /** A DRef holding values[i] on device i (host values: nothing is sent). */
  perDevice<T extends Arg>(values: readonly T[]): DRef<T> {
    if (values.length !== this.size) throw new RpcError(`perDevice: ${values.length} values for ${this.size} devices`);
    return new DRef<T>(this, 'a per-device value', values.map((v) => Promise.resolve(v)));
  }

  // ---- tensors ----

  private tensor(what: string, make: (i: number, s: RpcSession) => Promise<NDArray>): GroupTensor {
    return new GroupTensor(this, what, this.workers.map((w) => this.enqueue(w.index, what, (s) => make(w.index, s))));
  }

  /** An uninitialised tensor of one shape on every device. */
  empty(shape: readonly number[], dtype: DLDataType = DType.float32): GroupTensor {
    return this.tensor(`empty [${shape.join(', ')}]`, (_i, s) => s.empty(shape, dtype));
  }

  /** The same data on every device. */
  broadcast(data: ArrayBufferView | readonly number[], opts: { shape?: readonly number[]; dtype?: DLDataType } = {}): GroupTensor {
    return this.tensor('broadcast', (_i, s) => s.array(data, opts));
  }

  /** Splits data along its first axis: device i gets the i-th of size equal parts. */
  scatter(data: ArrayBufferView, opts: { shape?: readonly number[]; dtype?: DLDataType } = {}): GroupTensor {
    const dtype = opts.dtype ?? dtypeOfView(data);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const shape = opts.shape ?? [bytes.length / Math.ceil((dtype.bits * dtype.lanes) / 8)];
    const { shape: partShape, parts } = splitAxis0(bytes, shape, dtype, this.size);
    return this.tensor('scatter', (i, s) => s.array(parts[i]!, { shape: partShape, dtype }));
  }

  /** Every device's tensor joined along the first axis (device order). */
  async gather(t: GroupTensor): Promise<{ shape: number[]; bytes: Uint8Array }> {
    const parts = await this.each('gather', async (i) => {
      const a = await t.get(i);
      return { shape: [...a.shape], dtype: a.dtype, bytes: await a.copyTo() };
    });
    parts.forEach((p, i) => {
      if (!sameDtype(p.dtype, parts[0]!.dtype)) throw new RpcError(`gather: device ${i}'s tensor is ${dtypeText(p.dtype)}, device 0's ${dtypeText(parts[0]!.dtype)}: the tensors must have one dtype`);
    });
    return concatAxis0(parts);
  }

  /** Host data into device 0's tensor (Disco's CopyToWorker0). */
  copyToDevice0(t: GroupTensor, data: Uint8Array | ArrayBufferView): Promise<void> {
    return this.enqueue(0, 'copyToDevice0', async () => {
      await (await t.get(0)).copyFrom(data);
    });
  }

  /** Device 0's tensor to the host (Disco's CopyFromWorker0). */
  copyFromDevice0(t: GroupTensor): Promise<Uint8Array> {
    return this.enqueue(0, 'copyFromDevice0', async () => (await t.get(0)).copyTo());
  }

  /** Reduces every device's tensor element-wise (sum, min or max, folded in device order by the
   * host) and writes the result into `out` (default: the tensor itself) on every device.
   * Resolves to the result's bytes. */
  allreduce(t: GroupTensor, op: ReduceOp = 'sum', out: GroupTensor = t): Promise<Uint8Array> {
    if (op !== 'sum' && op !== 'min' && op !== 'max') {
      const bad = Promise.reject(new RpcError(`allreduce: unknown op '${String(op)}' (sum, min or max)`));
      bad.catch(noop); // like every command: no unhandled rejection when not awaited
      return bad;
    }
    return this.exchange(`allreduce ${op}`, t, out, (parts) => {
      const first = parts[0]!;
      parts.forEach((p, i) => {
        if (p.shape.join(',') !== first.shape.join(',')) {
          throw new RpcError(`allreduce: device ${i} has shape [${p.shape.join(', ')}], device 0 [${first.shape.join(', ')}]: the tensors must have one shape`);
        }
      });
      return reduceParts(parts.map((p) => p.bytes), first.dtype, op);
    });
  }

  /** Every device's tensor joined along the first axis (device order), written into `out` on
   * every device (its size must be the sum of the parts'). Resolves to the joined bytes. */
  allgather(t: GroupTensor, out: GroupTensor): Promise<Uint8Array> {
    return this.exchange('allgather', t, out, (parts) => concatAxis0(parts).bytes);
  }

  /** A collective through the host: every device's tensor is read (queued on each device), the
   * parts are combined once all are in, and the result is written into `out` on every device.
   * Each device's queue waits at its write for every device's read (a barrier); the group
   * queues the steps on every device in the same order, so the barriers cannot cross. */
  private exchange(command: string, t: GroupTensor, out: GroupTensor,
    combine: (parts: { shape: number[]; dtype: DLDataType; bytes: Uint8Array }[]) => Uint8Array): Promise<Uint8Array> {
    const reads = this.workers.map((w) => this.enqueue(w.index, `${command} (read)`, async () => {
      const a = await t.get(w.index);
      return { shape: [...a.shape], dtype: a.dtype, bytes: await a.copyTo() };
    }));
    const combined = Promise.allSettled(reads).then((rs) => {
      const bad = rs.findIndex((r) => r.status === 'rejected');
      if (bad >= 0) throw new RpcError(`device ${bad} could not give its part: ${((rs[bad] as PromiseRejectedResult).reason as Error).message}`);
      const parts = rs.map((r) => (r as PromiseFulfilledResult<{ shape: number[]; dtype: DLDataType; bytes: Uint8Array }>).value);
      // The host combines bytes: parts of another element type would be read as device 0's.
      parts.forEach((p, i) => {
        if (!sameDtype(p.dtype, parts[0]!.dtype)) throw new RpcError(`${command}: device ${i}'s tensor is ${dtypeText(p.dtype)}, device 0's ${dtypeText(parts[0]!.dtype)}: the tensors must have one dtype`);
      });
      return { dtype: parts[0]!.dtype, bytes: combine(parts) };
    });
    combined.catch(noop);
    const writes = this.workers.map((w) => this.enqueue(w.index, command, async () => {
      const { dtype, bytes } = await combined;
      const o = await out.get(w.index);
      // copyFrom checks the size only: an int32 result in a float32 tensor would be garbage.
      if (!sameDtype(o.dtype, dtype)) throw new RpcError(`the output tensor is ${dtypeText(o.dtype)}, the result ${dtypeText(dtype)}`);
      await o.copyFrom(bytes);
      return bytes;
    }));
    return this.settle(command, writes).then((r) => r[0]!);
  }

  // ---- sync points ----

  /** Waits until device i has run every command queued before; rejects with a GroupError if any
   * of its commands failed since the last sync point. */
  async sync(i: number): Promise<void> {
    const w = this.worker(i);
    await w.tail;
    this.report('sync', [w]);
  }

  /** Waits until every device has run every command queued before; rejects with a GroupError
   * listing each command that failed since the last sync point (the others went on). */
  async syncAll(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.tail));
    this.report('syncAll', this.workers);
  }

  private report(what: string, ws: readonly Worker[]): void {
    const failures = ws.flatMap((w) => w.unreported.splice(0));
    if (failures.length > 0) throw new GroupError(what, failures);
  }

  /** Closes every session (commands still queued are cancelled) and waits until every link is
   * closed (native firmware processes exited, QEMU killed). Idempotent. */
  async shutdown(): Promise<void> {
    this.closed = true;
    // A request on the wire would wait for its deadline: closing a link on purpose does not fail
    // it (only a link that ends by itself does).
    for (const w of this.workers) w.session.client.abort(new RpcError('the group was shut down'));
    await Promise.allSettled(this.workers.map((w) => w.session.close()));
  }
}

function asDeviceError(e: unknown, index: number, uri: string, command: string): DeviceError {
  return e instanceof DeviceError ? e : new DeviceError(index, uri, command, e instanceof Error ? e : new RpcError(String(e)));
}

const sameDtype = (a: DLDataType, b: DLDataType): boolean => a.code === b.code && a.bits === b.bits && a.lanes === b.lanes;
const dtypeText = (d: DLDataType): string => `${['int', 'uint', 'float'][d.code] ?? `code ${d.code} `}${d.bits}${d.lanes === 1 ? '' : `x${d.lanes}`}`;

function dtypeOfView(data: ArrayBufferView): DLDataType {
  if (data instanceof Int8Array) return DType.int8;
  if (data instanceof Int16Array) return DType.int16;
  if (data instanceof Int32Array) return DType.int32;
  if (data instanceof Uint16Array) return DType.uint16;
  if (data instanceof Uint32Array) return DType.uint32;
  if (data instanceof Float32Array) return DType.float32;
  if (data instanceof Float64Array) return { code: 2, bits: 64, lanes: 1 };
  return DType.uint8;
}

/** Opens one session per URI (in parallel) and returns them as a group. If any device cannot be
 * opened, the others are closed and a GroupError names each that failed. */
export async function connectGroup(uris: readonly string[], opts: GroupOptions = {}): Promise<DeviceGroup> {
  if (!Array.isArray(uris) || uris.length === 0) throw new RpcError('connectGroup: give at least one device URI');
  uris.forEach((u, i) => {
    if (typeof u !== 'string' || u === '') throw new RpcError(`connectGroup: URI ${i} is ${JSON.stringify(u)}, not a device URI`);
  });
  const { failFast, perDevice, ...common } = opts;
  const opened = await Promise.allSettled(uris.map((u, i) => connect(u, { ...common, ...perDevice?.(i, u) })));
  const failures = opened.flatMap((r, i) => (r.status === 'rejected' ? [asDeviceError(r.reason, i, uris[i]!, 'connect')] : []));
  if (failures.length > 0) {
    await Promise.allSettled(opened.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    throw new GroupError(`connectGroup (${uris.length} devices)`, failures);
  }
  return new DeviceGroup(opened.map((r) => (r as PromiseFulfilledResult<RpcSession>).value), uris, { failFast });
}
