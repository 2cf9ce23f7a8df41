// Group throughput (issue 18 item 5): N native boards in one group (host/client/group.ts).
//
//   pipelined   `calls` broadcast calls (urpc.echo k on every board), all queued at once: each
//               board's queue runs as fast as its link allows, the boards in parallel
//   sequential  the same N sessions driven one call at a time (no group): each call waits for
//               the previous one, board after board (calls / 10 broadcasts, the rate is per call)
//   the same two for urpc.sleep(2), a call bound by device time (calls / 50 and calls / 500
//               broadcasts): native boards on pipes leave the host's CPU as the limit of echo,
//               so pipelining shows where the device, not the host, takes the time
//   kill        a second pipelined run of `calls` broadcasts in which one board is SIGKILLed after
//               half of its calls: the failures must all be that board's, every other board must
//               answer every call with the right value
//
// Rates are echo calls answered per second (one broadcast = N calls). Part of `npm run bench`
// (bench/run.ts); alone: node --import tsx bench/group.ts [--boards 16] [--calls 10000] [--firmware path]
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectGroup, GroupError, type DeviceGroup } from '../host/client/group.ts';
import type { RemoteSession } from '../host/client/remote.ts';
import type { ProcessTransport } from '../host/transport/process.ts';
import { NATIVE_FIRMWARE } from '../host/transport/process.ts';

export interface GroupBenchOptions {
  firmware: string;
  boards: number;
  calls: number;
  log: (s: string) => void;
}

export interface GroupBenchResult {
  boards: number;
  link: string;
  /** echo, then a device-bound call. */
  throughput: ThroughputRow[];
  kill: {
    broadcasts: number; killed: number; killedAfter: number; s: number;
    /** Calls the killed board failed, and calls the other boards failed (must be 0). */
    killedFailures: number; otherFailures: number;
    /** Calls every other board answered with the right value. */
    othersAnswered: number;
    reported: string;
  };
}

const r2 = (x: number): number => Math.round(x * 100) / 100;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

async function open(o: GroupBenchOptions): Promise<DeviceGroup> {
  const g = await connectGroup(Array(o.boards).fill(`native:${o.firmware}`), { timeoutMs: 30_000 });
  await g.call('urpc.echo', 0); // the function lookup, before timing
  return g;
}

/** One kind of call: echo (host and link bound) or a 2 ms device sleep (device bound). */
interface Workload {
  name: string;
  fn: string;
  arg: (k: number) => number;
  /** The answer of call k (echo: k; sleep: void). */
  want: (k: number) => unknown;
}
const ECHO: Workload = { name: 'urpc.echo(k)', fn: 'urpc.echo', arg: (k) => k, want: (k) => k };
const SLEEP: Workload = { name: 'urpc.sleep(2): 2 ms on the device', fn: 'urpc.sleep', arg: () => 2, want: () => undefined };

/** `broadcasts` pipelined broadcast calls; resolves to the seconds taken. Rejects on any failure. */
async function pipelined(g: DeviceGroup, w: Workload, broadcasts: number): Promise<number> {
  const t0 = performance.now();
  const ps: Promise<unknown>[] = [];
  for (let k = 0; k < broadcasts; k++) ps.push(g.call(w.fn, w.arg(k)));
  const rs = await Promise.all(ps);
  const s = (performance.now() - t0) / 1000;
  rs.forEach((r, k) => {
    if (!(r as unknown[]).every((x) => x === w.want(k))) throw new Error(`broadcast ${k}: wrong results ${JSON.stringify(r)}`);
  });
  await g.syncAll();
  return s;
}

/** The same sessions one call at a time, board after board. */
async function sequential(g: DeviceGroup, w: Workload, broadcasts: number): Promise<number> {
  const t0 = performance.now();
  for (let k = 0; k < broadcasts; k++) {
    for (let i = 0; i < g.size; i++) {
      const r = await g.session(i).call(w.fn, w.arg(k));
      if (r !== w.want(k)) throw new Error(`sequential call ${k} on board ${i}: got ${String(r)}`);
    }
  }
  return (performance.now() - t0) / 1000;
}

export interface ThroughputRow {
  work: string;
  pipelined: { broadcasts: number; calls: number; s: number; callsPerS: number };
  sequential: { broadcasts: number; calls: number; s: number; callsPerS: number };
  /** pipelined / sequential calls per second. */
  speedup: number;
}

async function throughput(g: DeviceGroup, w: Workload, pipeBroadcasts: number, seqBroadcasts: number, log: (s: string) => void): Promise<ThroughputRow> {
  await g.call(w.fn, w.arg(0)); // the function lookup on every board, before timing
  const pipe = await pipelined(g, w, pipeBroadcasts);
  const seq = await sequential(g, w, seqBroadcasts);
  const row = (b: number, s: number): ThroughputRow['pipelined'] => ({ broadcasts: b, calls: b * g.size, s: r3(s), callsPerS: Math.round((b * g.size) / s) });
  const r = { work: w.name, pipelined: row(pipeBroadcasts, pipe), sequential: row(seqBroadcasts, seq), speedup: 0 };
  r.speedup = r2(r.pipelined.callsPerS / r.sequential.callsPerS);
  log(`group ${w.name}: ${g.size} boards, ${r.pipelined.calls} pipelined calls in ${r.pipelined.s} s (${r.pipelined.callsPerS}/s); ` +
    `${r.sequential.calls} sequential calls ${r.sequential.callsPerS}/s; ${r.speedup}x`);
  return r;
}

async function killRun(o: GroupBenchOptions): Promise<GroupBenchResult['kill']> {
  const g = await open(o);
  const killed = Math.min(5, o.boards - 1);
  const after = Math.floor(o.calls / 2);
  try {
    const t0 = performance.now();
    const ps: Promise<unknown>[] = [];
    for (let k = 0; k < o.calls; k++) {
      ps.push(g.call('urpc.echo', k).catch((e: unknown) => e));
      if (k === after - 1) {
        g.enqueue(killed, 'kill', async (s) => {
          ((s as RemoteSession).session.transport as ProcessTransport).child.kill('SIGKILL');
        });
      }
    }
    const rs = await Promise.all(ps);
    const s = (performance.now() - t0) / 1000;
    let killedFailures = 0;
    let otherFailures = 0;
    let othersAnswered = 0;
    rs.forEach((r, k) => {
      const row = r instanceof GroupError ? r.results : r as unknown[];
      if (r instanceof GroupError) {
        for (const f of r.failures) {
          if (f.index === killed) killedFailures++;
          else otherFailures++;
        }
      } else if (!Array.isArray(r)) {
        throw r as Error;
      }
      for (let i = 0; i < g.size; i++) if (i !== killed && row[i] === k) othersAnswered++;
    });
    let reported = '';
    await g.syncAll().catch((e: unknown) => {
      reported = (e as Error).message;
    });
    return { broadcasts: o.calls, killed, killedAfter: after, s: r2(s), killedFailures, otherFailures, othersAnswered, reported };
  } finally {
    await g.shutdown();
  }
}

export async function benchGroup(o: GroupBenchOptions): Promise<GroupBenchResult> {
  const g = await open(o);
  const rows: ThroughputRow[] = [];
  try {
    rows.push(await throughput(g, ECHO, o.calls, Math.max(1, Math.floor(o.calls / 10)), o.log));
    rows.push(await throughput(g, SLEEP, Math.max(1, Math.floor(o.calls / 50)), Math.max(1, Math.floor(o.calls / 500)), o.log));
  } finally {
    await g.shutdown();
  }
  const kill = await killRun(o);
  o.log(`group: board ${kill.killed} killed after ${kill.killedAfter} of ${kill.broadcasts} broadcasts: ${kill.killedFailures} of its calls failed, ` +
    `${kill.otherFailures} of the others'; the others answered ${kill.othersAnswered} of ${(o.boards - 1) * o.calls}`);
  return { boards: o.boards, link: 'native (firmware processes, stdin/stdout pipes)', throughput: rows, kill };
}

/** The README section (bench/report.ts). */
export function renderGroupSection(r: GroupBenchResult | undefined): string[] {
  if (r === undefined) return [];
  const k = r.kill;
  return [
    '## 6. Group throughput (host/client/group.ts)', '',
    `${r.boards} boards over the ${r.link}, calls answered per second (one broadcast = ${r.boards} calls). Pipelined: the ` +
    'broadcasts all queued at once, every board running its queue in parallel. Sequential: the same sessions, one call at a ' +
    'time, board after board (fewer broadcasts; the rate is per call).', '',
    '| call | group, pipelined: calls | s | calls/s | sequential: calls | s | calls/s | pipelined / sequential |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.throughput.map((t) => `| ${t.work} | ${t.pipelined.calls} | ${t.pipelined.s} | ${t.pipelined.callsPerS} | ` +
      `${t.sequential.calls} | ${t.sequential.s} | ${t.sequential.callsPerS} | ${t.speedup}× |`), '',
    `Kill run: ${k.broadcasts} pipelined echo broadcasts, board ${k.killed} SIGKILLed after ${k.killedAfter} of its calls: ` +
    `${k.killedFailures} calls of board ${k.killed} failed and were reported, ${k.otherFailures} of the other boards'; the other ` +
    `boards answered ${k.othersAnswered} of ${(r.boards - 1) * k.broadcasts} calls right (${k.s} s).`, '',
  ];
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (k: string): string | undefined => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const r = await benchGroup({
    firmware: path.resolve(opt('--firmware') ?? NATIVE_FIRMWARE), boards: Number(opt('--boards') ?? 16), calls: Number(opt('--calls') ?? 10_000),
    log: (s) => console.error(s),
  });
  console.log(JSON.stringify(r, null, 2));
}
