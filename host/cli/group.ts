// urpc group <devices> <fn> [args...]: one function on many devices (a group session,
// host/client/group.ts), one table row per device (or --json).
//   urpc group 'native*4,qemu:lm3s6965evb' urpc.echo 7
//   urpc group native,native sum --count 1000 --json
// <devices> is a comma-separated list of device URIs; `uri*N` stands for N of them. With --count,
// the call is queued N times per device without waiting (pipelined) and the table gives each
// device's successes, failures and calls per second. Exit: 0 every device answered every call,
// 1 a device failed a call (the others' results are still printed), 2 usage, or a device could
// not be opened.
import type { Command } from 'commander';
import { connectGroup, GroupError, type DeviceGroup } from '../client/group.ts';
import type { Ret } from '../client/rpc-session.ts';
import { parseCliArg, show, toJson } from './call.ts';
import { addLinkOptions, countOption, linkOptions, msOption, type LinkCliOptions } from './options.ts';

/** The most devices one command line opens (each is a process or a link). */
export const MAX_DEVICES = 256;

/** `native*2,qemu:lm3s6965evb` -> ['native', 'native', 'qemu:lm3s6965evb']. */
export function parseDevices(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') throw new Error(`empty device in '${text}' (a comma-separated list of URIs, e.g. native*4,qemu:lm3s6965evb)`);
    const m = /^(.*)\*(\d+)$/.exec(item);
    const uri = m ? m[1]! : item;
    const n = m ? Number(m[2]) : 1;
    if (uri === '' || n < 1) throw new Error(`'${item}': expected <uri> or <uri>*<count> with a count of at least 1`);
    if (out.length + n > MAX_DEVICES) throw new Error(`'${text}' names more than ${MAX_DEVICES} devices`);
    for (let k = 0; k < n; k++) out.push(uri);
  }
  return out;
}

interface Row {
  index: number;
  uri: string;
  /** Calls answered, and failed. */
  ok: number;
  failed: number;
  /** The last answer, and the first failure's message. */
  result?: Ret | Ret[];
  error?: string;
  /** From the first call queued to this device's last answer. */
  ms: number;
}

/** Runs `count` pipelined calls of fn on every device of the group; one row per device. */
export async function runGroupCall(g: DeviceGroup, fn: string, args: readonly unknown[], count: number): Promise<Row[]> {
  const short = fn.replace(/^urpc\./, '');
  const rows: Row[] = g.uris.map((uri, index) => ({ index, uri, ok: 0, failed: 0, ms: 0 }));
  const t0 = performance.now();
  const calls: Promise<unknown>[] = [];
  for (let k = 0; k < count; k++) {
    calls.push(g.each(fn, async (i, s) => {
      const r: Ret | Ret[] = short === 'echo' ? await s.functions.echo(...args as never[]) : await s.call(fn, ...args as never[]);
      rows[i]!.ok++;
      rows[i]!.result = r;
      rows[i]!.ms = performance.now() - t0;
      return r;
    }).catch((e: unknown) => {
      if (!(e instanceof GroupError)) throw e;
      for (const f of e.failures) {
        const row = rows[f.index]!;
        row.failed++;
        row.error ??= f.cause.message;
        row.ms = performance.now() - t0;
      }
    }));
  }
  await Promise.all(calls);
  await g.syncAll().catch(() => undefined); // every failure is in the rows already
  return rows;
}

function table(rows: readonly Row[], count: number): string {
  const cells = rows.map((r) => [
    String(r.index), r.uri,
    r.error !== undefined && r.ok === 0 ? `error: ${r.error}` : show(r.result),
    ...(count > 1 ? [String(r.ok), String(r.failed), r.ms > 0 ? String(Math.round(r.ok / (r.ms / 1000))) : '-'] : []),
    r.ms.toFixed(1),
  ]);
  const head = ['#', 'device', count > 1 ? 'last result' : 'result', ...(count > 1 ? ['ok', 'failed', 'calls/s'] : []), 'ms'];
  const all = [head, ...cells].map((c) => c.map((x) => x.replace(/\n/g, ' | ')));
  const width = head.map((_, k) => Math.max(...all.map((c) => c[k]!.length)));
  const lines = all.map((c) => c.map((x, k) => (k === c.length - 1 ? x.padStart(width[k]!) : x.padEnd(width[k]!))).join('  ').trimEnd());
  const errors = count > 1 ? rows.filter((r) => r.error !== undefined).map((r) => `device ${r.index} (${r.uri}): first failure: ${r.error}`) : [];
  return [...lines, ...errors].join('\n');
}

export function registerGroupCommand(program: Command): void {
  addLinkOptions(program
    .command('group'))
    .description('call one device function on many devices at once (a group session) and print a table')
    .argument('<devices>', 'comma-separated device URIs; <uri>*<n> repeats one, e.g. native*4,qemu:lm3s6965evb')
    .argument('<fn>', 'function name (urpc.echo, or echo for urpc.*)')
    .argument('[args...]', 'arguments (JSON values; anything else is a string), the same on every device')
    .option('--json', 'print {fn, args, count, devices: [{index, uri, ok, failed, result, error, ms}]} as JSON')
    .option('--count <n>', 'queue the call n times per device without waiting (pipelined)', countOption, 1)
    .option('--fail-fast', 'stop every device at the first failure (queued calls are cancelled)')
    // msOption: 0 failed every open as "nothing came back", and past 2^31-1 ms setTimeout fires at once.
    .option('--timeout <ms>', 'reply deadline of each call, and of opening each device', msOption, 5000)
    .addHelpText('after', '\nExamples:\n  urpc group \'native*4,qemu:lm3s6965evb\' urpc.echo 7\n  urpc group native,native info --json\n  urpc group \'native*16\' echo 1 --count 1000')
    .action(async (devices: string, fn: string, rawArgs: string[], opts: { json?: boolean; count: number; failFast?: boolean; timeout: number } & LinkCliOptions) => {
      let uris: string[];
      try {
        uris = parseDevices(devices);
        if (opts.count < 1) throw new Error('--count must be at least 1');
      } catch (e) {
        console.error(`urpc group: ${(e as Error).message}`);
        process.exitCode = 2;
        return;
      }
      const args = rawArgs.map(parseCliArg);
      let g: DeviceGroup;
      try {
        g = await connectGroup(uris, { timeoutMs: opts.timeout, startTimeoutMs: opts.timeout, failFast: opts.failFast, ...linkOptions(opts) });
      } catch (e) {
        console.error(`urpc group: ${(e as Error).message}`);
        process.exitCode = 2;
        return;
      }
      try {
        const rows = await runGroupCall(g, fn, args, opts.count);
        if (opts.json) {
          console.log(JSON.stringify({
            fn, args: args.map((a) => toJson(a as Ret)), count: opts.count,
            devices: rows.map((r) => ({ index: r.index, uri: r.uri, ok: r.ok, failed: r.failed, result: r.ok > 0 ? toJson(r.result!) : null, error: r.error ?? null, ms: r.ms })),
          }, null, 2));
        } else {
          console.log(table(rows, opts.count));
        }
        if (rows.some((r) => r.failed > 0)) process.exitCode = 1;
      } finally {
        await g.shutdown();
      }
    });
}
