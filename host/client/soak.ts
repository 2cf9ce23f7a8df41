// A soak run: many seeded RPC operations (echo calls and tensor round trips) through a session,
// (on a device without urpc.echo, a TVM device: calls of tvm.rpc.server.GetCRTMaxPacketSize,
// checked against its first answer, in place of the echo calls)
// each checked against what was sent and classified: right result, typed error (an RpcError:
// TimeoutError, SessionResetError, RemoteError, ...), untyped error (a bug), wrong result
// accepted as good (a bug), or no answer by the watchdog (a hang: a bug). `urpc soak` and the
// fault-injection tests run it over a FaultyTransport. No Node imports.
import { RpcError } from './client.ts';
import { Xorshift32 } from './xorshift.ts';
import type { RpcSession, Ret } from './rpc-session.ts';

export interface SoakOptions {
  /** Operations to run (default 1000). */
  operations?: number;
  /** Seed of the operation mix and payloads (default 1). */
  seed?: number;
  /** Share of operations that are tensor round trips (default 0.3); the rest are echo calls. */
  tensorShare?: number;
  /** Largest tensor in bytes (default 256) and echo byte argument (default 48). */
  maxTensorBytes?: number;
  maxEchoBytes?: number;
  /** An operation still unsettled after this long is a hang (ms, default 30000). */
  watchdogMs?: number;
  /** Called after each operation (progress). */
  onProgress?: (done: number, total: number) => void;
}

export interface SoakResult {
  operations: number;
  /** What the call operations call: urpc.echo, or tvm.rpc.server.GetCRTMaxPacketSize on a
   * device without it (a TVM device). */
  callOp: 'urpc.echo' | 'tvm.rpc.server.GetCRTMaxPacketSize';
  /** RPC requests issued (an echo operation 3, one per value; a tensor round trip 4: alloc, copy in,
   * copy out, free; a GetCRTMaxPacketSize call 1). */
  rpcs: number;
  succeeded: number;
  /** Typed errors by class name, and the first message of each. */
  failedTyped: Record<string, number>;
  typedExamples: Record<string, string>;
  failedUntyped: number;
  corruptedAccepted: number;
  hung: number;
  /** The slowest operation (ms), and the first few problems in words. */
  slowestMs: number;
  problems: string[];
  ms: number;
}

/** Seeded payloads. */
function randomBytes(rng: Xorshift32, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.below(256));
}

const HUNG = Symbol('hung');

function sameValue(a: Ret, b: Ret): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

export async function soak(s: RpcSession, opts: SoakOptions = {}): Promise<SoakResult> {
  const total = opts.operations ?? 1000;
  const rng = new Xorshift32(opts.seed ?? 1);
  const watchdogMs = opts.watchdogMs ?? 30_000;
  // A TVM device has no urpc.echo: its calls are GetCRTMaxPacketSize, whose answer never changes.
  // These first questions go over the same (maybe lossy) link: a typed error is asked again.
  const ask = async <T>(f: () => Promise<T>): Promise<T> => {
    for (let i = 0; ; i++) {
      try {
        return await f();
      } catch (e) {
        if (!(e instanceof RpcError) || i >= 50) throw e;
      }
    }
  };
  const hasEcho = (await ask(() => s.client.getGlobalFunc('urpc.echo'))) !== undefined;
  const MAX = 'tvm.rpc.server.GetCRTMaxPacketSize';
  let maxPacket: Ret | undefined;
  if (!hasEcho) {
    if ((await ask(() => s.client.getGlobalFunc(MAX))) === undefined) throw new RpcError(`the device has neither urpc.echo nor ${MAX} to soak with`);
    maxPacket = await ask(() => s.call(MAX));
  }
  const r: SoakResult = {
    callOp: hasEcho ? 'urpc.echo' : 'tvm.rpc.server.GetCRTMaxPacketSize', operations: 0, rpcs: 0, succeeded: 0, failedTyped: {}, typedExamples: {}, failedUntyped: 0, corruptedAccepted: 0, hung: 0, slowestMs: 0, problems: [], ms: 0,
  };
  const problem = (text: string): void => {
    if (r.problems.length < 10) r.problems.push(`operation ${r.operations}: ${text}`);
  };
  const t0 = Date.now();
  for (let i = 0; i < total; i++) {
    const tensor = rng.below(1000) < (opts.tensorShare ?? 0.3) * 1000;
    let op: () => Promise<boolean>;
    if (tensor) {
      const data = randomBytes(rng, 1 + rng.below(opts.maxTensorBytes ?? 256));
      r.rpcs += 4;
      op = async () => {
        const t = await s.array(data);
        try {
          const back = await t.copyTo();
          return sameValue(back, data);
        } finally {
          await t.free().catch(() => undefined);
        }
      };
    } else if (maxPacket !== undefined) {
      const want = maxPacket;
      r.rpcs += 1;
      op = async () => sameValue(await s.call(MAX), want);
    } else {
      const args: Ret[] = [rng.below(1 << 30), 'x'.repeat(rng.below(24)), randomBytes(rng, rng.below((opts.maxEchoBytes ?? 48) + 1))];
      r.rpcs += args.length; // one echo call per value (a CallFunc returns one value)
      op = async () => {
        const back = await s.functions.echo(...(args as (number | string | Uint8Array)[]));
        return back.length === args.length && back.every((v, k) => sameValue(v, args[k]));
      };
    }
    const start = Date.now();
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      op().then((ok) => (ok ? 'ok' : 'corrupt'), (e: unknown) => e),
      new Promise<typeof HUNG>((resolve) => { watchdog = setTimeout(() => resolve(HUNG), watchdogMs); }),
    ]);
    clearTimeout(watchdog);
    r.slowestMs = Math.max(r.slowestMs, Date.now() - start);
    r.operations++;
    if (outcome === 'ok') {
      r.succeeded++;
    } else if (outcome === 'corrupt') {
      r.corruptedAccepted++;
      problem(`${tensor ? 'tensor round trip' : r.callOp} returned a wrong result without an error`);
    } else if (outcome === HUNG) {
      r.hung++;
      problem(`no answer and no error within ${watchdogMs} ms`);
      break; // the session's request queue is stuck behind it
    } else if (outcome instanceof RpcError) {
      r.failedTyped[outcome.name] = (r.failedTyped[outcome.name] ?? 0) + 1;
      r.typedExamples[outcome.name] ??= `operation ${r.operations - 1}: ${outcome.message}`;
    } else {
      r.failedUntyped++;
      problem(`untyped error: ${outcome instanceof Error ? `${outcome.name}: ${outcome.message}` : String(outcome)}`);
    }
    opts.onProgress?.(r.operations, total);
  }
  r.ms = Date.now() - t0;
  return r;
}
