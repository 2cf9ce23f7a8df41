// `npm run bench`: urpc's size and performance report (issue 8), measured the same way every run.
//
//   1. size          .text/.data/.bss per layer for Cortex-M0+/M3/M4 at -Os (arm-none-eabi-size on
//                    per-module objects of the generated C) and per module of the linked
//                    qemu-lm3s6965evb firmware (GNU ld map, what --gc-sections kept)
//   2. workPerByte   valgrind callgrind instruction counts (Ir) of the generated C at -O2 on the
//                    host (bench/harness/wpb.c): frame / unframe per payload byte, one CallFunc
//   3. latency       echo p50/p99 and bulk copyFrom/copyTo goodput over the native link and QEMU
//                    lm3s6965evb, each next to a raw byte echo over the same kind of link
//                    (/bin/cat; the byte-echo spike firmware in the same QEMU board)
//   4. wire          wire bytes per payload byte of the FwTS framer, run in Node
//   5. transpile     ts2c time for firmware/device.ts and everything it imports
//
// Writes bench/results/<name>.json and refreshes the table in bench/README.md. Baselines and goals
// are the microTVM figures of notes/targets.md, compared in the same run as ratios.
//
//   node --import tsx bench/run.ts [--quick] [--out <dir>] [--name <name>] [--no-readme] [--no-qemu]
//
// --quick: small counts (for the test: checks the shape of the report, not the figures).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { transpile } from '../codegen/src/index.ts';
import { buildBoard } from '../host/board/build.ts';
import { connect } from '../host/client/connect.ts';
import { ProcessTransport } from '../host/transport/process.ts';
import { openQemu } from '../host/transport/qemu.ts';
import type { Transport } from '../host/client/transport.ts';
import { Framer, type WriteStream } from '../firmware/framing/framer.ts';
import { Err } from '../firmware/lib/errors.ts';
import { asBytes, type Bytes } from '../firmware/lib/prelude.ts';
import { DType } from '../host/client/client.ts';
import { SESSION_MAX_MESSAGE } from '../firmware/session/session.ts';
import { RPC_PACKET_LIMIT } from '../firmware/rpc/config.ts';
import { renderReadme, renderSizeSvg } from './report.ts';

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchOptions {
  quick: boolean;
  out: string;
  name?: string;
  readme: boolean;
  /** Also measure over QEMU lm3s6965evb (default on when qemu-system-arm is installed). */
  qemu: boolean;
  log: (s: string) => void;
}

// ---- baselines and goals (notes/targets.md) ----
export const TARGETS = {
  size: {
    framing: { baseline: 536 + 1251, goal: 1024 },
    session: { baseline: 1142, goal: 1142 },
    allocator: { baseline: 1422, goal: 1422 },
    rpc: { baseline: 5241, goal: 5241 },
    runtime: { baseline: 3824, goal: 3824 },
    stackText: { goal: 8192 },
    stackRam: { goal: 1024 },
    firmware: { baseline: 28808, goal: 14400 },
  },
  irPerByte: {
    'frame random': { baseline: 27.15, goal: 27 },
    'unframe random whole': { baseline: 31.28, goal: 31 },
    'unframe random byte': { baseline: 237.28, goal: 120 },
    'frame ff': { baseline: 47.5, goal: 47 },
    'unframe ff whole': { baseline: 59.17, goal: 59 },
  } as Record<string, { baseline: number; goal: number }>,
  callIr: { baseline: 4489, goal: 4489 },
  goodputOfRaw: 0.9,
  latencyOfRaw: 1.5,
};

/** Generated module -> layer. Modules not listed are the device glue (device, device_stack, ...). */
const LAYER_OF: Record<string, string> = {
  crc16: 'crc16', framer: 'framer', unframer: 'unframer', session: 'session', page_allocator: 'page allocator',
  server: 'rpc server + wire + messages', wire: 'rpc server + wire + messages', messages: 'rpc server + wire + messages',
  codes: 'rpc server + wire + messages',
  registry: 'registry/functions', lookup: 'registry/functions', names: 'registry/functions', app_registry: 'registry/functions',
  echo: 'registry/functions', info: 'registry/functions', system: 'registry/functions', device_log: 'registry/functions',
  sleep: 'registry/functions', tensor_ops: 'registry/functions', timeeval: 'registry/functions', evaluator: 'registry/functions',
  f64: 'registry/functions', tensor: 'registry/functions', memory_adapter: 'registry/functions', ctx: 'registry/functions',
  errors: 'fw_rt + device glue', config: 'fw_rt + device glue', ports: 'fw_rt + device glue', device_stack: 'fw_rt + device glue',
  device: 'fw_rt + device glue',
};
export const LAYERS = ['crc16', 'framer', 'unframer', 'session', 'page allocator', 'rpc server + wire + messages',
  'registry/functions', 'fw_rt + device glue'];
const CPUS = ['cortex-m0plus', 'cortex-m3', 'cortex-m4'];

interface Sec { text: number; data: number; bss: number }
const add = (a: Sec, b: Sec): Sec => ({ text: a.text + b.text, data: a.data + b.data, bss: a.bss + b.bss });
const zero = (): Sec => ({ text: 0, data: 0, bss: 0 });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
}
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const r2 = (x: number): number => Math.round(x * 100) / 100;
/** Two significant digits (ratios far below 1). */
const sig = (x: number): number => (Math.abs(x) >= 1 ? r2(x) : Number(x.toPrecision(2)));

async function version(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args);
    return (stdout || stderr).split('\n')[0].trim();
  } catch {
    return 'not found';
  }
}

// ---- 5. transpile ----
function benchTranspile(gen: string, reps: number): { ms: number[]; medianMs: number; cFiles: number; cLines: number } {
  const entry = path.join(REPO, 'firmware/device.ts');
  const ms: number[] = [];
  let files = new Map<string, string>();
  for (let i = 0; i < reps; i++) {
    fs.rmSync(gen, { recursive: true, force: true });
    const t0 = performance.now();
    const r = transpile([entry], { outDir: gen });
    ms.push(r2(performance.now() - t0));
    if (!r.ok) throw new Error(`ts2c failed:\n${r.format(false)}`);
    files = r.files;
  }
  const c = [...files.entries()].filter(([f]) => f.endsWith('.c'));
  return { ms, medianMs: median(ms), cFiles: c.length, cLines: c.reduce((n, [, t]) => n + t.split('\n').length, 0) };
}

// ---- 1. size ----
async function sizeOfObject(o: string): Promise<Sec> {
  const { stdout } = await run('arm-none-eabi-size', ['-B', o]);
  const f = stdout.trim().split('\n')[1].trim().split(/\s+/).map(Number);
  return { text: f[0], data: f[1], bss: f[2] };
}

async function benchSize(gen: string, work: string, log: (s: string) => void) {
  const cFiles = fs.readdirSync(gen).filter((f) => f.endsWith('.c')).sort();
  const perCpu: Record<string, { modules: Record<string, Sec>; layers: Record<string, Sec>; stack: Sec }> = {};
  for (const cpu of CPUS) {
    const dir = path.join(work, 'obj-' + cpu);
    fs.mkdirSync(dir, { recursive: true });
    const modules: Record<string, Sec> = {};
    await Promise.all(cFiles.map(async (c) => {
      const o = path.join(dir, c.replace(/\.c$/, '.o'));
      await run('arm-none-eabi-gcc', [`-mcpu=${cpu}`, '-mthumb', '-Os', '-std=c99', '-ffreestanding', '-ffunction-sections',
        '-fdata-sections', '-I', gen, '-c', path.join(gen, c), '-o', o]);
      modules[c.replace(/\.c$/, '')] = await sizeOfObject(o);
    }));
    const layers: Record<string, Sec> = Object.fromEntries(LAYERS.map((l) => [l, zero()]));
    let stack = zero();
    for (const [m, s] of Object.entries(modules)) {
      const l = LAYER_OF[m] ?? 'fw_rt + device glue';
      layers[l] = add(layers[l], s);
      stack = add(stack, s);
    }
    perCpu[cpu] = { modules: Object.fromEntries(Object.entries(modules).sort()), layers, stack };
    log(`size ${cpu}: stack .text ${stack.text} .data ${stack.data} .bss ${stack.bss}`);
  }
  // The linked firmware (Cortex-M3): what the linker kept per module.
  const b = await buildBoard('qemu-lm3s6965evb', { outDir: path.join(work, 'lm3s6965evb') });
  const sz = b.sizes!;
  const linkedLayers: Record<string, Sec> = Object.fromEntries([...LAYERS, 'board C', 'libc + libgcc'].map((l) => [l, zero()]));
  let linkedStack = zero();
  for (const m of sz.modules) {
    const s = { text: m.text, data: m.data, bss: m.bss };
    const l = m.module.startsWith('board_') ? 'board C' : /^lib/.test(m.module) ? 'libc + libgcc' : (LAYER_OF[m.module] ?? 'fw_rt + device glue');
    linkedLayers[l] = add(linkedLayers[l], s);
    if (l !== 'board C' && l !== 'libc + libgcc') linkedStack = add(linkedStack, s);
  }
  log(`size linked lm3s6965evb: .text ${sz.sections.text} .data ${sz.sections.data} .bss ${sz.sections.bss}`);
  return {
    flags: '-mthumb -Os -std=c99 -ffreestanding -ffunction-sections -fdata-sections (objects, before linking)',
    perCpu,
    linked: {
      board: 'qemu-lm3s6965evb', cpu: 'cortex-m3', sections: sz.sections, flash: sz.flash, ram: sz.ram,
      modules: sz.modules, layers: linkedLayers, stack: linkedStack,
      /** RAM the stack holds for the user-sized packet (session rx message, RPC packet buffer). */
      userBuffers: { sessionRx: SESSION_MAX_MESSAGE, rpcPacket: RPC_PACKET_LIMIT },
    },
  };
}

// ---- 2. work per byte ----
async function callgrind(exe: string, args: string[], work: string): Promise<{ ir: number; bytes: number; wire: number }> {
  const out = path.join(work, `cg.${path.basename(exe)}.${args.join('_').replace(/[^\w]/g, '')}.out`);
  const { stdout } = await run('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, '--collect-atstart=no',
    '--toggle-collect=bench_region*', exe, ...args], { maxBuffer: 1 << 24 });
  const cg = fs.readFileSync(out, 'utf8');
  const m = /^(?:summary|totals): (\d+)/m.exec(cg);
  const b = /bytes (\d+) wire (\d+)/.exec(stdout);
  if (!m || !b) throw new Error(`callgrind ${args.join(' ')}: no totals (${stdout})`);
  return { ir: Number(m[1]), bytes: Number(b[1]), wire: Number(b[2]) };
}

/** Records the host->device bytes of a session that calls urpc.echo(1) twice; returns the
 * transcript and the byte range of the second CallFunc request. */
async function recordCall(firmware: string, work: string): Promise<{ file: string; from: number; to: number }> {
  const tap = path.join(work, 'call.tx');
  const wrap = path.join(work, 'tap.sh');
  fs.writeFileSync(wrap, '#!/bin/sh\n# records what the host sends (bench/run.ts)\ntee "$URPC_BENCH_TAP" | exec "$URPC_BENCH_FW"\n', { mode: 0o755 });
  fs.rmSync(tap, { force: true });
  const s = await connect(`native:${wrap}`, { env: { URPC_SEED: '1', URPC_BENCH_TAP: tap, URPC_BENCH_FW: firmware } });
  // tee forwards before it writes the file: wait until the file has stopped growing.
  const settled = async (): Promise<number> => {
    let n = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const m = fs.statSync(tap).size;
      if (m === n) return m;
      n = m;
    }
  };
  try {
    await s.functions.echo(1);
    const from = await settled();
    await s.functions.echo(1);
    const to = await settled();
    return { file: tap, from, to };
  } finally {
    await s.close();
  }
}

async function benchWorkPerByte(gen: string, work: string, firmware: string, quick: boolean, log: (s: string) => void) {
  const exe = path.join(work, 'wpb');
  const lto = path.join(work, 'wpb-lto');
  const srcs = [...fs.readdirSync(gen).filter((f) => f.endsWith('.c')).map((f) => path.join(gen, f)), path.join(REPO, 'bench/harness/wpb.c')];
  // The measured build (-O2, one object per module like the boards) and, for the notes, the same
  // code with -flto: the difference is what calls across modules (crc16Update, ...) cost.
  await Promise.all([run('gcc', ['-std=c99', '-O2', '-I', gen, ...srcs, '-o', exe]),
    run('gcc', ['-std=c99', '-O2', '-flto', '-I', gen, ...srcs, '-o', lto])]);
  const frames = quick ? '4' : '64';
  const cases: [string, string[]][] = [
    ['frame random', ['frame', 'random', frames, '1024']],
    ['frame ff', ['frame', 'ff', frames, '1024']],
    ['unframe random whole', ['unframe', 'random', frames, '1024', 'whole']],
    ['unframe random byte', ['unframe', 'random', frames, '1024', 'byte']],
    ['unframe ff whole', ['unframe', 'ff', frames, '1024', 'whole']],
    ['unframe ff byte', ['unframe', 'ff', frames, '1024', 'byte']],
  ];
  const runs: Record<string, { ir: number; payloadBytes: number; irPerByte: number; irPerByteLto: number; baseline?: number; goal?: number; ratio?: number; met?: boolean }> = {};
  for (const [name, args] of cases) {
    const r = await callgrind(exe, args, work);
    const rl = await callgrind(lto, args, work);
    const per = r2(r.ir / r.bytes);
    const t = TARGETS.irPerByte[name];
    runs[name] = { ir: r.ir, payloadBytes: r.bytes, irPerByte: per, irPerByteLto: r2(rl.ir / rl.bytes),
      ...(t ? { baseline: t.baseline, goal: t.goal, ratio: r2(per / t.baseline), met: per <= t.goal } : {}) };
    log(`callgrind ${name}: ${per} Ir/byte`);
  }
  const rec = await recordCall(firmware, work);
  const iters = quick ? 3 : 100;
  const c = await callgrind(exe, ['call', rec.file, String(rec.from), String(rec.to), String(iters)], work);
  const cl = await callgrind(lto, ['call', rec.file, String(rec.from), String(rec.to), String(iters)], work);
  const perCall = Math.round(c.ir / iters);
  log(`callgrind CallFunc urpc.echo(1): ${perCall} Ir`);
  return {
    compiler: 'gcc -O2 (host x86-64), generated C of firmware/device.ts, bench/harness/wpb.c',
    frames: Number(frames), payload: 1024, runs,
    call: {
      what: 'urpc.echo(1): one CallFunc request fed in one device_deviceFeed, reply framed into a null sink',
      requestWireBytes: rec.to - rec.from, replyWireBytes: Math.round(c.wire / iters), iters,
      irPerCall: perCall, irPerCallLto: Math.round(cl.ir / iters), baseline: TARGETS.callIr.baseline, goal: TARGETS.callIr.goal,
      ratio: r2(perCall / TARGETS.callIr.baseline), met: perCall <= TARGETS.callIr.goal,
    },
  };
}

// ---- 3. latency and goodput ----
/** A raw byte echo on a transport: bytes sent come back (as is, or +1 for the QEMU spike
 * firmware), nothing else in between. */
class RawEcho {
  private got = 0;
  private want = 0;
  private done: () => void = () => undefined;
  private t: Transport;
  constructor(t: Transport) {
    this.t = t;
    this.t.onData((d) => {
      this.got += d.length;
      if (this.want > 0 && this.got >= this.want) this.done();
    });
  }
  /** Drops whatever the echo sent by itself (a banner) until it has been quiet for `ms`. */
  async settle(ms: number): Promise<void> {
    let last = -1;
    while (last !== this.got) {
      last = this.got;
      await new Promise((r) => setTimeout(r, ms));
    }
  }
  /** Sends `data` and resolves when as many bytes came back. */
  roundTrip(data: Uint8Array): Promise<void> {
    this.got = 0;
    this.want = data.length;
    const p = new Promise<void>((res) => { this.done = res; });
    void this.t.write(data);
    return p;
  }
  close(): Promise<void> {
    return this.t.close();
  }
}

async function timeIt(f: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

interface LinkSpec {
  link: string;
  uri: string;
  raw: string;
  openRaw: () => Promise<Transport>;
  samples: number;
  warm: number;
  bulk: number;
  reps: number;
}

/** Payload bytes avoid 0x1B (the QEMU spike echo's escape) so one pattern serves every link. */
const pattern = (n: number, k: number): Uint8Array => new Uint8Array(n).map((_, i) => ((i * k) & 0x7f) | 0x20);

async function benchLatency(spec: LinkSpec, log: (s: string) => void) {
  const n = spec.samples;
  const s = await connect(spec.uri, { timeoutMs: 20_000 });
  const raw = new RawEcho(await spec.openRaw());
  try {
    await raw.settle(200);
    const maxPacket = await s.client.maxPacketSize();
    // The largest bytes argument urpc.echo takes in one packet (request and reply both fit).
    let limit = maxPacket;
    for (; limit > 0; limit -= 8) {
      try {
        await s.functions.echo(new Uint8Array(limit));
        break;
      } catch {
        // too big for one packet
      }
    }
    const sizes = [...new Set([0, 16, 64, 256, 1024, limit].filter((x) => x <= limit))];
    const echo = [];
    for (const size of sizes) {
      const payload = pattern(size, 131);
      const rawPayload = pattern(Math.max(1, size), 131);
      const e: number[] = [];
      const r: number[] = [];
      for (let i = 0; i < spec.warm; i++) {
        await s.functions.echo(payload);
        await raw.roundTrip(rawPayload);
      }
      for (let i = 0; i < n; i++) {
        e.push(await timeIt(() => s.functions.echo(payload)));
        r.push(await timeIt(() => raw.roundTrip(rawPayload)));
      }
      const row = {
        payload: size, echoP50Ms: r2x(pct(e, 50)), echoP99Ms: r2x(pct(e, 99)), rawP50Ms: r2x(pct(r, 50)), rawP99Ms: r2x(pct(r, 99)),
        ratioP50: r2(pct(e, 50) / pct(r, 50)), goal: TARGETS.latencyOfRaw, met: pct(e, 50) / pct(r, 50) <= TARGETS.latencyOfRaw,
      };
      echo.push(row);
      log(`${spec.link}: echo ${size} B: p50 ${row.echoP50Ms} ms p99 ${row.echoP99Ms} ms (raw p50 ${row.rawP50Ms} ms, x${row.ratioP50})`);
    }
    // Bulk: one tensor of `bulk` bytes (uint8), copyFrom (CopyToRemote) and copyTo (CopyFromRemote).
    const bulk = spec.bulk;
    const data = pattern(bulk, 7919);
    const t = await s.empty([bulk], DType.uint8);
    await t.copyFrom(data);
    const up: number[] = [];
    const down: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < spec.reps; i++) {
      up.push(await timeIt(() => t.copyFrom(data)));
      let back: Uint8Array = new Uint8Array(0);
      down.push(await timeIt(async () => { back = await t.copyTo(); }));
      if (back.length !== bulk || back[bulk - 1] !== data[bulk - 1]) throw new Error('copyTo returned other bytes');
      rawMs.push(await timeIt(() => raw.roundTrip(data)));
    }
    await t.free();
    // Best of the repeats for all three (the link's limit and ours, least disturbed by other load).
    const kib = (ms: number): number => r2(bulk / 1024 / (ms / 1000));
    const best = (xs: number[]): number => Math.min(...xs);
    const rawKiBs = kib(best(rawMs));
    const goodput = {
      bytes: bulk, reps: spec.reps, maxPacket, of: 'best of reps',
      copyFromKiBs: kib(best(up)), copyToKiBs: kib(best(down)), rawKiBs,
      copyFromMedianKiBs: kib(median(up)), copyToMedianKiBs: kib(median(down)), rawMedianKiBs: kib(median(rawMs)),
      copyFromOfRaw: sig(kib(best(up)) / rawKiBs), copyToOfRaw: sig(kib(best(down)) / rawKiBs), goal: TARGETS.goodputOfRaw,
      met: kib(best(up)) / rawKiBs >= TARGETS.goodputOfRaw && kib(best(down)) / rawKiBs >= TARGETS.goodputOfRaw,
    };
    log(`${spec.link}: bulk ${bulk} B: copyFrom ${goodput.copyFromKiBs} KiB/s, copyTo ${goodput.copyToKiBs} KiB/s, raw ${rawKiBs} KiB/s`);
    return { link: spec.link, raw: spec.raw, samples: n, echo, goodput };
  } finally {
    await raw.close();
    await s.close();
  }
}

/** The QEMU raw echo: the spike firmware of notes/qemu-reference (every byte back, +1), built
 * for lm3s6965evb with its own Makefile into the work directory. */
async function buildQemuEcho(work: string): Promise<string | undefined> {
  const src = path.resolve(REPO, '../shared/notes/qemu-reference/fw'); // shared/ sits beside the checkout
  if (!fs.existsSync(path.join(src, 'Makefile'))) return undefined;
  const dir = path.join(work, 'spike');
  fs.cpSync(src, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'build'), { recursive: true, force: true });
  await run('make', ['-C', dir, 'build/lm3s6965-irq.elf']);
  return path.join(dir, 'build/lm3s6965-irq.elf');
}
const r2x = (x: number): number => Math.round(x * 1000) / 1000;

// ---- 4. wire overhead ----
function benchWire() {
  class Count implements WriteStream {
    n = 0;
    write(data: Bytes): Err {
      this.n += data.length;
      return Err.Ok;
    }
  }
  const rows = [];
  for (const kind of ['random', 'ff'] as const) {
    for (const size of [16, 256, 1024, 2048]) {
      const sink = new Count();
      const f = new Framer(sink);
      let x = 0x12345678;
      const frames = 16;
      for (let i = 0; i < frames; i++) {
        const p = new Uint8Array(size).map(() => {
          x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
          return kind === 'ff' ? 0xff : x >>> 24;
        });
        if (f.writeFrame(asBytes(p)) !== Err.Ok) throw new Error('framer failed');
      }
      // The first frame carries the one-byte FE prefix; report the steady state.
      rows.push({ payload: kind, size, wireBytesPerPayloadByte: Math.round(((sink.n - 1) / (frames * size)) * 10000) / 10000 });
    }
  }
  return { what: 'FwTS Framer in Node: wire bytes (start, length, escaping, CRC) per payload byte, steady state', rows };
}

// ---- main ----
export async function runBench(o: BenchOptions): Promise<{ file: string; result: Record<string, unknown> }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-bench-'));
  const gen = path.join(work, 'gen');
  const log = o.log;
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO, encoding: 'utf8' }).trim() !== '';
  } catch {
    // not a checkout
  }
  const date = new Date().toISOString();
  const cpus = os.cpus();
  const meta = {
    date, commit, dirty, quick: o.quick,
    machine: { host: os.hostname(), cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memGiB: r2(os.totalmem() / 2 ** 30), loadAvg1m: r2(os.loadavg()[0]), os: `${os.type()} ${os.release()} ${os.arch()}` },
    versions: {
      node: process.version,
      gcc: await version('gcc', ['--version']),
      armGcc: await version('arm-none-eabi-gcc', ['--version']),
      valgrind: await version('valgrind', ['--version']),
      qemu: await version('qemu-system-arm', ['--version']),
    },
  };
  log(`bench: ${meta.machine.cpu} x${meta.machine.cores}, commit ${commit.slice(0, 10)}${dirty ? ' (dirty)' : ''}${o.quick ? ', quick' : ''}`);
  const tr = benchTranspile(gen, o.quick ? 1 : 5);
  log(`transpile: ${tr.medianMs} ms median, ${tr.cFiles} C files`);
  const size = await benchSize(gen, work, log);
  const native = await buildBoard('native', { outDir: path.join(work, 'native') });
  const workPerByte = await benchWorkPerByte(gen, work, native.output, o.quick, log);
  const latency = [await benchLatency({
    link: 'native (firmware process, stdin/stdout pipes)', uri: `native:${native.output}`,
    raw: '/bin/cat on the same kind of pipes', openRaw: async () => new ProcessTransport('/bin/cat', { name: 'cat' }),
    samples: o.quick ? 5 : 300, warm: o.quick ? 1 : 20, bulk: o.quick ? 16 * 1024 : 192 * 1024, reps: o.quick ? 1 : 7,
  }, log)];
  const spike = o.qemu && meta.versions.qemu !== 'not found' ? await buildQemuEcho(work) : undefined;
  if (spike !== undefined) {
    const elf = path.join(work, 'lm3s6965evb', 'firmware.elf');
    latency.push(await benchLatency({
      link: 'QEMU lm3s6965evb (PL011 UART on a socket)', uri: `qemu:lm3s6965evb?elf=${elf}`,
      raw: 'the byte-echo spike firmware (notes/qemu-reference) in the same QEMU board',
      openRaw: () => openQemu(`qemu:lm3s6965evb?elf=${spike}`),
      samples: o.quick ? 3 : 40, warm: o.quick ? 1 : 5, bulk: o.quick ? 4 * 1024 : 32 * 1024, reps: o.quick ? 1 : 5,
    }, log));
  } else {
    log('latency over QEMU skipped' + (o.qemu ? ' (no spike firmware)' : ' (--no-qemu)'));
  }
  const wire = benchWire();
  const result = { meta, size, workPerByte, latency, wire, transpile: { entry: 'firmware/device.ts', ...tr }, targets: TARGETS };
  const name = o.name ?? `${date.slice(0, 10)}-${commit.slice(0, 7)}${o.quick ? '-quick' : ''}`;
  fs.mkdirSync(o.out, { recursive: true });
  const file = path.join(o.out, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  log(`wrote ${path.relative(process.cwd(), file)}`);
  if (o.readme) {
    const readme = path.join(REPO, 'bench/README.md');
    fs.writeFileSync(readme, renderReadme(result, path.relative(path.join(REPO, 'bench'), file), fs.existsSync(readme) ? fs.readFileSync(readme, 'utf8') : ''));
    fs.writeFileSync(path.join(REPO, 'bench/sizes.svg'), renderSizeSvg(result));
    log(`refreshed ${path.relative(process.cwd(), readme)} and bench/sizes.svg`);
  }
  fs.rmSync(work, { recursive: true, force: true });
  return { file, result };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (k: string): string | undefined => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const quick = args.includes('--quick');
  try {
    await runBench({
      quick, out: path.resolve(opt('--out') ?? path.join(REPO, 'bench/results')), name: opt('--name'),
      readme: !args.includes('--no-readme'), qemu: !args.includes('--no-qemu'), log: (s) => console.log(s),
    });
  } catch (e) {
    console.error(`bench: ${(e as Error).stack ?? e}`);
    process.exit(1);
  }
}
