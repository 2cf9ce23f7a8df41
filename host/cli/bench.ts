// urpc bench <uri> [--json]: link and RPC performance of a device.
//   * echo sweep: urpc.echo of a bytes payload from 0 B up to what fits in one packet
//     (max_packet), --count round trips each: p50/p99 latency;
//   * bulk: a --bulk byte tensor copied to the device and back: goodput each way;
//   * baseline: the same sizes as raw byte round trips, and a bulk echo, over a link that echoes
//     bytes (--baseline <uri>; for `native` it is native:/bin/cat, the same pipe without the
//     firmware), to show what the link itself costs.
// A progress bar (cli-progress, stderr) when stderr is a terminal and not --json. Every wait is
// bounded by --timeout (named in the error). Exit: 0 done, 2 cannot connect or a deadline passed.
import type { Command } from 'commander';
import { createRequire } from 'node:module';
import { connect, openTransport } from '../client/connect.ts';
import { DType, type RpcSession } from '../client/rpc-session.ts';
import type { Transport } from '../transport/transport.ts';
import { addLinkOptions, command, countOption, fail, linkOptions, msOption, EXIT_USAGE, type LinkCliOptions } from './options.ts';
import { percentile } from './stats.ts';

const require = createRequire(import.meta.url);

/** The part of cli-progress used here (it ships no types). */
interface Bar { start(total: number, at: number, payload?: object): void; increment(n?: number, payload?: object): void; update(payload: object): void; stop(): void }
interface CliProgress { SingleBar: new (opts: object, preset: object) => Bar; Presets: { shades_classic: object } }

export interface EchoRow { bytes: number; count: number; p50Ms: number; p99Ms: number }
export interface BenchResult {
  uri: string;
  maxPacket: number;
  /** What the round trips call: urpc.echo of each payload size, or on a device without it (a TVM
   * device) tvm.rpc.server.GetCRTMaxPacketSize, with no payload (one row of 0 B). */
  roundTrip: 'urpc.echo' | 'tvm.rpc.server.GetCRTMaxPacketSize';
  echo: EchoRow[];
  bulk: { bytes: number; toDeviceKiBps: number; fromDeviceKiBps: number };
  baseline: { uri: string; echo: EchoRow[]; bulk: { bytes: number; echoKiBps: number } } | null;
}

/** The latency sweep: urpc.echo of each payload size (the largest shrunk until it fits one
 * packet), or, on a device without urpc.echo (a TVM device), round trips of
 * tvm.rpc.server.GetCRTMaxPacketSize, which every microTVM device has. */
export async function roundTrips(s: RpcSession, sizes: number[], count: number, onStep?: (step: string) => void):
Promise<{ roundTrip: BenchResult['roundTrip']; echo: EchoRow[] }> {
  const echo: EchoRow[] = [];
  if ((await s.client.getGlobalFunc('urpc.echo')) === undefined) {
    const h = await s.client.getGlobalFunc('tvm.rpc.server.GetCRTMaxPacketSize');
    if (h === undefined) throw new Error('the device has neither urpc.echo nor tvm.rpc.server.GetCRTMaxPacketSize to time round trips with');
    const times: number[] = [];
    for (let k = 0; k < count; k++) {
      const t0 = performance.now();
      await s.client.call(h, [], 'GetCRTMaxPacketSize');
      times.push(performance.now() - t0);
      onStep?.('GetCRTMaxPacketSize');
    }
    return { roundTrip: 'tvm.rpc.server.GetCRTMaxPacketSize', echo: [row(0, times)] };
  }
  for (let i = 0; i < sizes.length; i++) {
    let n = sizes[i]!;
    const payload = (k: number): Uint8Array => new Uint8Array(k).map((_, j) => j & 0xff);
    // The largest size: shrink until a request and its reply fit in one packet.
    for (;;) {
      try { await s.functions.echo(payload(n)); break; } catch (e) {
        if (i < sizes.length - 1 || n <= 1024) throw e;
        n -= 32;
      }
    }
    const p = payload(n);
    const times: number[] = [];
    for (let k = 0; k < count; k++) {
      const t0 = performance.now();
      await s.functions.echo(p);
      times.push(performance.now() - t0);
      onStep?.(`echo ${n} B`);
    }
    echo.push(row(n, times));
  }
  return { roundTrip: 'urpc.echo', echo };
}

/** One echo row: p50 and p99 of the round trips (stats.ts, the same as npm run bench). */
export function row(bytes: number, times: number[]): EchoRow {
  return { bytes, count: times.length, p50Ms: +percentile(times, 50).toFixed(4), p99Ms: +percentile(times, 99).toFixed(4) };
}

/** Raw byte round trips over an echoing link: send n bytes, wait until n came back. */
class RawEcho {
  private want = 0;
  private got = 0;
  private wake: (() => void) | undefined;
  readonly link: Transport;
  readonly timeoutMs: number;
  constructor(link: Transport, timeoutMs: number) {
    this.link = link;
    this.timeoutMs = timeoutMs;
    link.onData((d) => {
      this.got += d.length;
      if (this.got >= this.want) this.wake?.();
    });
  }
  async roundTrip(data: Uint8Array): Promise<void> {
    this.got = 0;
    this.want = data.length;
    const back = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.link.name}: ${this.got} of ${data.length} echoed bytes after ${this.timeoutMs} ms`)), this.timeoutMs);
      this.wake = () => { clearTimeout(t); resolve(); };
    });
    await Promise.all([this.link.write(data), back]);
  }
}

export function registerBenchCommand(program: Command): void {
  addLinkOptions(command(program, 'bench'))
    .description('echo latency sweep (p50/p99), bulk goodput both ways, and a raw byte echo baseline')
    .argument('<uri>', 'device: native, tcp:<host>:<port>, serial:<device>?baud=<n>, qemu:<board>')
    .option('--count <n>', 'round trips per echo size', countOption, 200)
    .option('--bulk <bytes>', 'bulk tensor size', countOption, 65536)
    .option('--baseline <uri>', 'a link that echoes bytes, for the raw baseline (default for native: native:/bin/cat)')
    .option('--json', 'print the results as JSON')
    .option('--timeout <ms>', 'deadline of each call and round trip', msOption, 10000)
    .addHelpText('after', '\nExamples:\n  urpc bench native\n  urpc bench serial:/dev/ttyACM0?baud=921600 --count 50 --json\n' +
      '  urpc bench tcp:127.0.0.1:4555 --baseline tcp:127.0.0.1:4556   # an echo server on 4556')
    .action(async (uri: string, opts: { count: number; bulk: number; baseline?: string; json?: boolean; timeout: number } & LinkCliOptions) => {
      const baselineUri = opts.baseline ?? (uri === 'native' ? 'native:/bin/cat' : undefined);
      let s: RpcSession;
      try {
        s = await connect(uri, { timeoutMs: opts.timeout, startTimeoutMs: opts.timeout, ...linkOptions(opts) });
      } catch (e) {
        fail('bench', e, opts, EXIT_USAGE);
        return;
      }
      const showBar = !opts.json && process.stderr.isTTY;
      const { SingleBar, Presets } = require('cli-progress') as CliProgress;
      const bar = showBar ? new SingleBar({ stream: process.stderr, format: 'bench {bar} {percentage}% | {step}', hideCursor: true }, Presets.shades_classic) : undefined;
      try {
        const maxPacket = await s.client.maxPacketSize();
        const sizes = [0, 16, 64, 256, 1024].filter((n) => n < maxPacket - 128);
        sizes.push(maxPacket - 128);
        const total = (sizes.length * opts.count) * (baselineUri ? 2 : 1) + 2;
        bar?.start(total, 0, { step: 'round trips' });
        const { roundTrip, echo } = await roundTrips(s, sizes, opts.count, (step) => bar?.increment(1, { step }));
        // The bulk tensor must fit in the device's free tensor memory (urpc.info; a TVM device
        // has none, and the bulk size is used as given).
        const memFree = (await s.client.getGlobalFunc('urpc.info')) !== undefined ? (await s.info()).memFree : 0;
        let note = '';
        if (memFree > 0 && opts.bulk > memFree - 1024) {
          const fit = Math.max(1024, Math.floor((memFree - 1024) / 4096) * 4096);
          note = `  (bulk reduced from ${opts.bulk} B to ${fit} B: the device has ${memFree} B of tensor memory free)`;
          opts.bulk = fit;
        }
        bar?.update({ step: `bulk ${opts.bulk} B` });
        const data = new Uint8Array(opts.bulk).map((_, j) => (j * 7) & 0xff);
        const t = await s.empty([opts.bulk], DType.uint8);
        let t0 = performance.now();
        await t.copyFrom(data);
        const toMs = performance.now() - t0;
        bar?.increment();
        t0 = performance.now();
        const back = await t.copyTo();
        const fromMs = performance.now() - t0;
        bar?.increment();
        await t.free();
        if (!Buffer.from(back).equals(Buffer.from(data))) throw new Error('bulk: the bytes copied back differ from those sent');
        const kibps = (ms: number): number => +((opts.bulk / 1024) / (ms / 1000)).toFixed(1);
        const result: BenchResult = { uri, maxPacket, roundTrip, echo, bulk: { bytes: opts.bulk, toDeviceKiBps: kibps(toMs), fromDeviceKiBps: kibps(fromMs) }, baseline: null };
        await s.close();
        if (baselineUri) {
          const link = await openTransport(baselineUri);
          try {
            const raw = new RawEcho(link, opts.timeout);
            const rows: EchoRow[] = [];
            for (const n of echo.map((r) => r.bytes)) {
              const p = new Uint8Array(Math.max(1, n));
              const times: number[] = [];
              for (let k = 0; k < opts.count; k++) {
                const t1 = performance.now();
                await raw.roundTrip(p);
                times.push(performance.now() - t1);
                bar?.increment(1, { step: `raw echo ${p.length} B` });
              }
              rows.push(row(p.length, times));
            }
            const t1 = performance.now();
            await raw.roundTrip(data);
            result.baseline = { uri: baselineUri, echo: rows, bulk: { bytes: opts.bulk, echoKiBps: kibps(performance.now() - t1) } };
          } finally {
            await link.close();
          }
        }
        bar?.stop();
        if (opts.json) {
          console.log(JSON.stringify(result, null, 2));
          return;
        }
        const lines = [`${uri}: max_packet ${maxPacket} B, ${opts.count} round trips per size` +
          (roundTrip === 'urpc.echo' ? '' : ` of ${roundTrip} (the device has no urpc.echo: a TVM device)`), '',
          `  echo payload   p50 ms    p99 ms${result.baseline ? '   | raw echo p50    p99' : ''}`];
        echo.forEach((r, i) => {
          const b = result.baseline?.echo[i];
          lines.push(`  ${String(r.bytes).padStart(8)} B  ${r.p50Ms.toFixed(3).padStart(8)}  ${r.p99Ms.toFixed(3).padStart(8)}` +
            (b ? `   | ${b.p50Ms.toFixed(3).padStart(8)}  ${b.p99Ms.toFixed(3).padStart(8)}` : ''));
        });
        if (note) lines.push('', note);
        lines.push('', `  bulk ${opts.bulk} B: to device ${result.bulk.toDeviceKiBps} KiB/s, from device ${result.bulk.fromDeviceKiBps} KiB/s`);
        if (result.baseline) lines.push(`  raw echo baseline (${result.baseline.uri}): ${result.baseline.bulk.echoKiBps} KiB/s each way`);
        else lines.push('  (no raw baseline: pass --baseline <uri of a link that echoes bytes>)');
        console.log(lines.join('\n'));
      } catch (e) {
        bar?.stop();
        fail('bench', e, opts, EXIT_USAGE);
        await s.close().catch(() => undefined);
      }
    });
}
