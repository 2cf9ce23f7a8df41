// Section 10 of the bench: the compact wire (issue 16 goal 4). Three measurements:
//   - wire bytes of a small call each way (urpc.echo of an int, and of 0 B of bytes), plain,
//     reliable and compact mode, over the native link: HostSession's own byte counters, framing
//     and session header included, mean over the calls (escapes make some calls a byte longer);
//   - QEMU lm3s6965evb: echo of 0 B, p50, plain and compact, next to the raw link's round trip
//     of 1 byte (bench/harness/rawlink.c on the same board layer), interleaved;
//   - the same over the native link through a pacing proxy at 115200 baud
//     (host/transport/paced.ts: both directions a serial line, 10 bit times a byte), where a call's
//     time is its bytes; the raw round trip goes through the same proxy.
//
// Run alone: node --import tsx bench/compact-wire.ts [--quick] [--no-qemu]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, openTransport, type ConnectOptions } from '../host/client/connect.ts';
import { RemoteSession } from '../host/client/remote.ts';
import type { RpcSession } from '../host/client/rpc-session.ts';
import { buildBoard } from '../host/board/build.ts';
import { ProcessTransport } from '../host/transport/process.ts';
import { openQemu } from '../host/transport/qemu.ts';
import { PacedTransport } from '../host/transport/paced.ts';
import type { Transport } from '../host/transport/transport.ts';
import { percentile } from '../host/cli/stats.ts';
import { RawLink, buildRawLinkNative, buildRawLinkQemu } from './raw-link.ts';

/** issue 16 goal 4. */
export const COMPACT_GOALS = { wireBytes: 24, echoOfRaw: 2 };
export const PACED_BAUD = 115200;

const MODES: { mode: string; opts: ConnectOptions }[] = [
  { mode: 'plain', opts: { reliable: false } },
  { mode: 'reliable', opts: { reliable: true, compact: false } },
  { mode: 'compact', opts: {} },
];

const r1 = (x: number): number => Math.round(x * 10) / 10;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const sig = (x: number): number => (Math.abs(x) >= 1 ? Math.round(x * 100) / 100 : Number(x.toPrecision(2)));

interface Counted { session: { txBytes: number; rxBytes: number; compact: boolean; reliable: boolean } }

/** Mean wire bytes each way of `call` over `n` calls (after one to warm up: lookups). */
async function bytesPerCall(s: RpcSession, n: number, call: () => Promise<unknown>): Promise<{ request: number; reply: number }> {
  await call();
  const hs = (s as unknown as Counted).session;
  const [tx, rx] = [hs.txBytes, hs.rxBytes];
  for (let i = 0; i < n; i++) await call();
  return { request: r1((hs.txBytes - tx) / n), reply: r1((hs.rxBytes - rx) / n) };
}

export interface WireRow { mode: string; call: string; request: number; reply: number }
export interface EchoTiming {
  link: string;
  samples: number;
  rawBytes: number;
  rawP50Ms: number;
  modes: { mode: string; p50Ms: number; p99Ms: number; ofRaw: number; wireBytes: number; lineMs?: number }[];
}

async function timeIt(f: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Echo of 0 B in each mode next to the raw round trip of 1 B, interleaved. */
async function echoTiming(link: string, open: (opts: ConnectOptions) => Promise<RpcSession>, openRaw: () => Promise<Transport>,
  samples: number, warm: number, baud?: number): Promise<EchoTiming> {
  const modes = MODES.filter((m) => m.mode !== 'reliable');
  const sessions: RpcSession[] = [];
  const raw = new RawLink(await openRaw(), 60_000);
  try {
    for (const m of modes) sessions.push(await open({ timeoutMs: 30_000, ...m.opts }));
    await raw.ready();
    const empty = new Uint8Array(0);
    const one = Uint8Array.of(0x41);
    const t: number[][] = sessions.map(() => []);
    const r: number[] = [];
    const wire = sessions.map(() => 0);
    for (let i = -warm; i < samples; i++) {
      for (let k = 0; k < sessions.length; k++) {
        const hs = (sessions[k] as unknown as Counted).session;
        const before = hs.txBytes + hs.rxBytes;
        const ms = await timeIt(() => sessions[k].functions.echo(empty));
        if (i >= 0) {
          t[k].push(ms);
          wire[k] += hs.txBytes + hs.rxBytes - before;
        }
      }
      const ms = await timeIt(() => raw.roundTrip(one));
      if (i >= 0) r.push(ms);
    }
    const rawP50 = r3(percentile(r, 50));
    return {
      link, samples, rawBytes: 1, rawP50Ms: rawP50,
      modes: modes.map((m, k) => {
        const p50 = r3(percentile(t[k], 50));
        const wireBytes = r1(wire[k] / samples);
        return {
          mode: m.mode, p50Ms: p50, p99Ms: r3(percentile(t[k], 99)), ofRaw: sig(p50 / rawP50), wireBytes,
          ...(baud !== undefined ? { lineMs: r3((wireBytes * 10 * 1000) / baud) } : {}),
        };
      }),
    };
  } finally {
    await raw.close();
    for (const s of sessions) await s.close();
  }
}

export interface CompactWireResult {
  what: string;
  wire: WireRow[];
  qemu?: EchoTiming;
  paced: EchoTiming;
  goals: typeof COMPACT_GOALS;
}

export async function benchCompactWire(o: {
  nativeFirmware: string; rawNative: string; qemuElf?: string; rawQemuElf?: string; quick: boolean; log: (s: string) => void;
}): Promise<CompactWireResult> {
  const wire: WireRow[] = [];
  const n = o.quick ? 5 : 50;
  for (const m of MODES) {
    const s = await connect(`native:${o.nativeFirmware}`, { timeoutMs: 30_000, ...m.opts });
    try {
      const hs = (s as unknown as Counted).session;
      const got = hs.compact ? 'compact' : hs.reliable ? 'reliable' : 'plain';
      if (got !== m.mode) throw new Error(`compact bench: asked for ${m.mode} mode, the device agreed on ${got}`);
      for (const [call, f] of [['urpc.echo(5)', () => s.functions.echo(5)], ['urpc.echo(0 B of bytes)', () => s.functions.echo(new Uint8Array(0))]] as const) {
        const b = await bytesPerCall(s, n, f);
        wire.push({ mode: m.mode, call, ...b });
        o.log(`compact wire: ${m.mode}: ${call}: ${b.request} B request, ${b.reply} B reply`);
      }
    } finally {
      await s.close();
    }
  }
  let qemu: EchoTiming | undefined;
  if (o.qemuElf !== undefined && o.rawQemuElf !== undefined) {
    const elf = o.qemuElf;
    const rawElf = o.rawQemuElf;
    qemu = await echoTiming('QEMU lm3s6965evb (PL011 UART on a socket)', (opts) => connect(`qemu:lm3s6965evb?elf=${elf}`, opts),
      () => openQemu(`qemu:lm3s6965evb?elf=${rawElf}`), o.quick ? 3 : 200, o.quick ? 1 : 5);
    for (const m of qemu.modes) o.log(`compact wire: QEMU echo 0 B ${m.mode}: p50 ${m.p50Ms} ms (raw 1 B ${qemu.rawP50Ms} ms, x${m.ofRaw}; ${m.wireBytes} wire B)`);
  }
  const paced = await echoTiming(`native through a pacing proxy at ${PACED_BAUD} baud (host/transport/paced.ts)`,
    async (opts) => RemoteSession.open('native paced', new PacedTransport(await openTransport(`native:${o.nativeFirmware}`), PACED_BAUD), opts),
    async () => new PacedTransport(new ProcessTransport(o.rawNative, { name: 'rawlink' }), PACED_BAUD), o.quick ? 3 : 100, o.quick ? 1 : 5, PACED_BAUD);
  for (const m of paced.modes) o.log(`compact wire: paced echo 0 B ${m.mode}: p50 ${m.p50Ms} ms (line time of its ${m.wireBytes} B: ${m.lineMs} ms; raw 1 B ${paced.rawP50Ms} ms, x${m.ofRaw})`);
  return {
    what: 'issue 16 goal 4: wire bytes of a small call each way (HostSession byte counters over the native link: framing and session header included, mean of ' +
      `${n} calls), and echo of 0 B against the raw round trip of 1 B on QEMU and through a ${PACED_BAUD}-baud pacing proxy`,
    wire, qemu, paced, goals: COMPACT_GOALS,
  };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-compact-bench-'));
  try {
    const native = await buildBoard('native', { outDir: path.join(work, 'native') });
    const rawNative = await buildRawLinkNative(work);
    let qemuElf: string | undefined;
    let rawQemuElf: string | undefined;
    if (!args.includes('--no-qemu')) {
      await buildBoard('qemu-lm3s6965evb', { outDir: path.join(work, 'lm3s6965evb') });
      qemuElf = path.join(work, 'lm3s6965evb', 'firmware.elf');
      rawQemuElf = await buildRawLinkQemu(work);
    }
    const t0 = Date.now();
    const load = os.loadavg().map((x) => Math.round(x * 100) / 100);
    const r = await benchCompactWire({ nativeFirmware: native.output, rawNative, qemuElf, rawQemuElf, quick, log: (s) => console.log(s) });
    console.log(JSON.stringify({ loadAvgStart: load, loadAvgEnd: os.loadavg().map((x) => Math.round(x * 100) / 100), seconds: (Date.now() - t0) / 1000, ...r }, null, 2));
  } catch (e) {
    console.error(`compact bench: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
