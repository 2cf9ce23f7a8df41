// urpc call <uri> <fn> [args...] [--json]: one call on a device, then close.
//   urpc call native urpc.echo 1 2.5 '"text"' true null
// Arguments are JSON when they parse as JSON (numbers, true/false, null, "strings"), else plain
// strings. Integers become int, other numbers float. Exit: 0 ok, 1 the device answered an
// exception or has no such function, 2 usage or link problems (no firmware, timeout).
import type { Command } from 'commander';
import { connect } from '../client/connect.ts';
import type { Arg, Ret } from '../client/rpc-session.ts';
import { addLinkOptions, command, fail, linkOptions, msOption, EXIT_USAGE, type LinkCliOptions } from './options.ts';

/** `urpc call --json` keeps at most this many device log lines (the last ones). */
export const MAX_JSON_LOGS = 1000;

export function parseCliArg(text: string): Arg {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null) {
      if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) return BigInt(text);
      return v;
    }
  } catch {
    if (/^-?\d+$/.test(text)) return BigInt(text);
  }
  return text;
}

export function toJson(v: Ret | Ret[]): unknown {
  if (Array.isArray(v)) return v.map(toJson);
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
  return JSON.stringify(toJson(v));
}

export function registerCallCommand(program: Command): void {
  addLinkOptions(command(program, 'call'))
    .description('call one device function and print the result')
    .argument('<uri>', 'device: native, native:<path>, local, tcp:<host>:<port>, serial:<device>?baud=<n>, qemu:<board>')
    .argument('<fn>', 'function name (urpc.echo, or echo for urpc.*)')
    .argument('[args...]', 'arguments (JSON values; anything else is a string)')
    .option('--json', 'print {uri, function, args, result, ms, logs} as JSON')
    .option('--timeout <ms>', 'deadline of the whole call: session start, lookups, retries, re-opens and the reply', msOption, 5000)
    .addHelpText('after', '\nExamples:\n  urpc call native urpc.echo 1 2.5 \'"text"\' true\n  urpc call native info\n  urpc call local urpc.log 7 --json')
    .action(async (uri: string, fn: string, rawArgs: string[], opts: { json?: boolean; timeout: number } & LinkCliOptions) => {
      let args: Arg[];
      let s;
      try {
        args = rawArgs.map(parseCliArg);
        // End to end: every wait below draws on one budget of --timeout ms.
        const deadline = { at: Date.now() + opts.timeout, ms: opts.timeout };
        s = await connect(uri, { timeoutMs: opts.timeout, firstTimeoutMs: opts.timeout, startTimeoutMs: opts.timeout, deadline, ...linkOptions(opts) });
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
      try {
        const t0 = performance.now();
        const short = fn.replace(/^urpc\./, '');
        const result: Ret | Ret[] = short === 'echo' ? await s.functions.echo(...args) : await s.call(fn, ...args);
        const ms = performance.now() - t0;
        // Logs sent during the call arrive before its reply; give stragglers a moment.
        await new Promise((r) => setTimeout(r, 20));
        if (opts.json) console.log(JSON.stringify({ uri, function: fn, args: args.map((a) => toJson(a as Ret)), result: toJson(result), ms, logs, ...(logsDropped > 0 ? { logsDropped } : {}) }, null, 2));
        else console.log(show(result));
      } catch (e) {
        fail('call', e, opts);
      } finally {
        await s.close();
      }
    });
}
