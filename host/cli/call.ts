// urpc call <uri> <fn> [args...] [--json]: one call on a device, then close.
//   urpc call native urpc.echo 1 2.5 '"text"' true null
//   urpc call native urpc.add int32:[1,2] int32:[3,4] int32:[0,0]
//   urpc call local --app examples/app scale int32:[1,2,3] 2
// Arguments are tensors when they start with a dtype (int32:[1,2,3], float32:[2,2]:[1,2,3,4],
// uint8:@file.bin: host/cli/tensor-arg.ts), else JSON when they parse as JSON (numbers,
// true/false, null, "strings"), else NaN / Infinity / -Infinity (floats), else plain strings.
// Integers become int, other numbers (1.5, -0, 1e-3) float; an integer outside int64 or an
// element outside its dtype is a usage error (exit 2), never a wrap. A float result prints as
// JavaScript writes it (NaN, -0, Infinity); --json gives NaN and the infinities as strings.
// After the call every tensor argument is copied back and printed (device functions write their
// results into tensors). Exit codes: host/cli/options.ts.
import type { Command } from 'commander';
import { connect } from '../client/connect.ts';
import { DType, type Arg, type NDArray, type Ret, type RpcSession } from '../client/rpc-session.ts';
import { elementsOf, formatElement, type DTypeName } from '../client/values.ts';
import { addLinkOptions, command, fail, linkOptions, msOption, UsageError, EXIT_USAGE, type LinkCliOptions } from './options.ts';
import { isTensorLiteral, parseTensorLiteral, type TensorLiteral } from './tensor-arg.ts';

/** `urpc call --json` keeps at most this many device log lines (the last ones). */
export const MAX_JSON_LOGS = 1000;

/** Float arguments JSON cannot write. */
const NON_FINITE: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity };

/** A scalar argument: JSON when it parses as a JSON scalar, NaN / Infinity / -Infinity, else the
 * text. Integers that are not exact as numbers (past 2^53) stay exact as bigints; range checks
 * happen when it is sent. */
export function parseCliArg(text: string): Arg {
  if (Object.hasOwn(NON_FINITE, text)) return NON_FINITE[text];
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null) {
      if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v) && /^-?\d+$/.test(text.trim())) return BigInt(text.trim());
      return v;
    }
  } catch {
    if (/^-?\d+$/.test(text)) return BigInt(text);
  }
  return text;
}

/** A command-line argument: a tensor literal or a scalar. */
export type CliArg = { tensor: TensorLiteral } | { scalar: Arg };

export function parseCallArg(text: string): CliArg {
  return isTensorLiteral(text) ? { tensor: parseTensorLiteral(text) } : { scalar: parseCliArg(text) };
}

/** A tensor as data: {dtype, shape, values} (float32 values in their shortest form). */
export function tensorJson(dtype: DTypeName, shape: readonly number[], values: readonly number[]): { dtype: DTypeName; shape: number[]; values: number[] } {
  return { dtype, shape: [...shape], values: values.map((v) => Number(formatElement(v, dtype))) };
}

/** A tensor as text: `int32 [2,2] [1, 2, 3, 4]`. */
export function tensorText(dtype: DTypeName, shape: readonly number[], values: readonly number[]): string {
  return `${dtype} [${shape.join(',')}] [${values.map((v) => formatElement(v, dtype)).join(', ')}]`;
}

export function toJson(v: Ret | Ret[]): unknown {
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v); // JSON has no NaN / Infinity
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return { bytes: Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('') };
  if (typeof v === 'function') return { function: v.functionName, handle: `0x${v.handle.toString(16)}` };
  if (v !== null && typeof v === 'object') return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));
  return v === undefined ? null : v;
}

export function show(v: Ret | Ret[]): string {
  if (Array.isArray(v)) return v.map(show).join('\n');
  if (v === undefined) return '(void)';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return JSON.stringify(toJson(v));
}

/** Loads an app folder's device functions for `local` (host/app/load.ts; Node and the codegen,
 * so imported only when asked for). */
async function localApp(dir: string | undefined): Promise<{ app?: import('../../firmware/rpc/ctx.ts').AppTable }> {
  if (dir === undefined) return {};
  const { loadApp } = await import('../app/load.ts');
  return { app: await loadApp(dir) };
}

/** Makes the device tensors of the tensor arguments; frees those made so far if one fails. */
async function materialise(s: RpcSession, args: readonly CliArg[]): Promise<{ values: Arg[]; tensors: { index: number; t: NDArray; lit: TensorLiteral }[] }> {
  const values: Arg[] = [];
  const tensors: { index: number; t: NDArray; lit: TensorLiteral }[] = [];
  try {
    for (const [index, a] of args.entries()) {
      if ('scalar' in a) {
        values.push(a.scalar);
        continue;
      }
      const t = await s.array(a.tensor.data, { shape: a.tensor.shape, dtype: DType[a.tensor.dtype] });
      tensors.push({ index, t, lit: a.tensor });
      values.push(t);
    }
  } catch (e) {
    for (const x of tensors) await x.t.free().catch(() => undefined);
    throw e;
  }
  return { values, tensors };
}

export function registerCallCommand(program: Command): void {
  addLinkOptions(command(program, 'call'))
    .description('call one device function and print the result (and the tensors it was given, after the call)')
    .argument('<uri>', 'device: native, native:<path>, local, tcp:<host>:<port>, serial:<device>?baud=<n>, qemu:<board>')
    .argument('<fn>', 'function name (urpc.echo, or echo for urpc.*)')
    .argument('[args...]', 'arguments: tensors (int32:[1,2,3], float32:[2,2]:[1,2,3,4], uint8:@file.bin), JSON values, anything else a string')
    .option('--json', 'print {uri, function, args, result, tensors, ms, logs} as JSON')
    .option('--timeout <ms>', 'deadline of the whole call: session start, lookups, retries, re-opens and the reply', msOption, 5000)
    .option('--app <dir>', 'local only: load this app folder\'s device functions (as `urpc build --app` would)')
    .addHelpText('after', '\nExamples:\n  urpc call native urpc.echo 1 2.5 \'"text"\' true\n  urpc call native info\n  urpc call local urpc.log 7 --json\n' +
      '  urpc call native add int32:[1,2,3] int32:[10,20,30] int32:[0,0,0]   # the third tensor holds the sum\n' +
      '  urpc call local --app examples/app scale int32:[2,2]:[1,2,3,4] 3\n' +
      '\nTensors: <dtype>:[values], <dtype>:[shape]:[values] or <dtype>[:[shape]]:@file (raw little-endian bytes);\n' +
      'dtypes int8, int16, int32, uint8, uint16, uint32, float32. A value outside its dtype is an error, not a wrap.')
    .action(async (uri: string, fn: string, rawArgs: string[], opts: { json?: boolean; timeout: number; app?: string } & LinkCliOptions) => {
      let args: CliArg[];
      let s: RpcSession;
      try {
        if (opts.app !== undefined && uri !== 'local') throw new UsageError(`--app is for the local device; a board gets its app with urpc build --app ${opts.app}`);
        args = rawArgs.map(parseCallArg);
        // End to end: every wait below draws on one budget of --timeout ms.
        const deadline = { at: Date.now() + opts.timeout, ms: opts.timeout };
        s = await connect(uri, { timeoutMs: opts.timeout, firstTimeoutMs: opts.timeout, startTimeoutMs: opts.timeout, deadline, ...linkOptions(opts), ...(await localApp(opts.app)) });
      } catch (e) {
        fail('call', e, opts, EXIT_USAGE);
        return;
      }
      // --json keeps the last MAX_JSON_LOGS lines (a device flooding logs during a long call must
      // not grow this process without bound) and counts the rest.
      const logs: string[] = [];
      let logsDropped = 0;
      s.on('log', (t) => {
        if (!opts.json) {
          console.error(`device: ${t}`);
          return;
        }
        logs.push(t);
        if (logs.length > MAX_JSON_LOGS) {
          logs.shift();
          logsDropped++;
        }
      });
      let made: Awaited<ReturnType<typeof materialise>> | undefined;
      try {
        made = await materialise(s, args);
        const t0 = performance.now();
        const short = fn.replace(/^urpc\./, '');
        const result: Ret | Ret[] = short === 'echo' ? await s.functions.echo(...made.values) : await s.call(fn, ...made.values);
        const ms = performance.now() - t0;
        // The tensors after the call: device functions write their results into them.
        const after = [];
        for (const x of made.tensors) after.push({ arg: x.index, ...tensorJson(x.lit.dtype, x.lit.shape, elementsOf(await x.t.copyTo(), x.lit.dtype)) });
        // Logs sent during the call arrive before its reply; give stragglers a moment.
        await new Promise((r) => setTimeout(r, 20));
        if (opts.json) {
          const argsJson = args.map((a) => ('tensor' in a ? tensorJson(a.tensor.dtype, a.tensor.shape, Array.from(a.tensor.data)) : toJson(a.scalar as Ret)));
          console.log(JSON.stringify({ uri, function: fn, args: argsJson, result: toJson(result), tensors: after, ms, logs, ...(logsDropped > 0 ? { logsDropped } : {}) }, null, 2));
        } else {
          console.log(show(result));
          for (const t of after) console.log(`arg ${t.arg}: ${tensorText(t.dtype, t.shape, t.values)}`);
        }
      } catch (e) {
        fail('call', e, opts);
      } finally {
        for (const x of made?.tensors ?? []) await x.t.free().catch(() => undefined);
        await s.close();
      }
    });
}
