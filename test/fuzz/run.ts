// `npm run fuzz`: libFuzzer (clang, ASan+UBSan) on the generated C of each fuzz target, and
// optionally the same harnesses in Node under fast-check. Prints a table and writes JSON
// (build/fuzz/report.json, or stdout with --json).
//
//   tsx test/fuzz/run.ts [--seconds 300] [--runs N] [--target unframer,session,rpc] [--timeout 10]
//                        [--parallel 1] [--node-seconds S] [--merge] [--seeds] [--replay] [--json]
//
//   --seconds N     libFuzzer -max_total_time per target (default 300)
//   --runs N        libFuzzer -runs instead (a bounded number of inputs)
//   --timeout S     an input running longer is a timeout, a finding (default 10)
//   --parallel K    targets fuzzed at once (default 1: the machine's 2 cores are shared)
//   --node-seconds  also fuzz each target in Node with fast-check for this long
//   --merge         afterwards, merge inputs with new coverage into test/fuzz/corpus/<target>
//   --seeds         regenerate the named seed inputs (seeds.ts) first
//   --replay        only replay the committed corpus and regressions (C and Node), no fuzzing
//   --coverage      line coverage of the firmware's C by the working and committed corpus
//                   (a clang -fprofile-instr-generate build, llvm-cov), no fuzzing
//
// The working corpus is build/fuzz/<target>/corpus (kept between runs); the committed seed corpus
// and test/fuzz/regressions/<target> are read-only inputs. Crash, timeout and leak inputs land in
// build/fuzz/<target>/artifacts/; copy them to test/fuzz/regressions/<target>/ once fixed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { buildFuzzer, committedInputs, corpusDir, regressionDir, TARGETS, type FuzzBuild, type Target } from './build.ts';
import { REPO } from '../../host/repo.ts';
import { Inv } from './targets/fuzz_lib.ts';

export interface LibFuzzerStats {
  target: Target;
  executions: number;
  execPerSec: number;
  seconds: number;
  newUnits: number;
  corpusFiles: number;
  peakRssMb: number;
  crashes: number;
  /** ASan/UBSan/LeakSanitizer reports among the crashes. */
  sanitizerReports: number;
  /** Broken harness invariants and firmware panics among the crashes. */
  invariantFailures: number;
  timeouts: number;
  ooms: number;
  /** First lines describing the finding, and the saved input. */
  finding?: string;
  artifact?: string;
  exitCode: number | null;
}

export const INV_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Inv).map(([k, v]) => [v, k]));

export interface LibFuzzerOptions {
  seconds?: number;
  runs?: number;
  timeout?: number;
  maxLen?: number;
  /** Working corpus (written); default build/fuzz/<target>/corpus. */
  corpus?: string;
  artifacts?: string;
  extraArgs?: string[];
}

const countFiles = (dir: string): number => (fs.existsSync(dir) ? fs.readdirSync(dir).length : 0);

function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, killAfterMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const err: Buffer[] = [];
    child.stdout.on('data', () => {});
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

const SAN_RE = /ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|runtime error:/;

/** Classifies libFuzzer's stderr. */
export function parseLibFuzzer(target: Target, stderr: string, code: number | null): LibFuzzerStats {
  const stat = (k: string): number => Number(new RegExp(`stat::${k}:\\s*(\\d+)`).exec(stderr)?.[1] ?? 0);
  const timeout = /ERROR: libFuzzer: timeout/.test(stderr);
  const oom = /ERROR: libFuzzer: out-of-memory/.test(stderr);
  const san = SAN_RE.test(stderr);
  const inv = /urpc-fuzz: (invariant|firmware panic)/.test(stderr);
  const deadly = /ERROR: libFuzzer: (deadly signal|crash)/.test(stderr);
  const crashes = san || inv || deadly ? 1 : 0;
  const s: LibFuzzerStats = {
    target,
    executions: stat('number_of_executed_units'),
    execPerSec: stat('average_exec_per_sec'),
    seconds: 0,
    newUnits: stat('new_units_added'),
    corpusFiles: 0,
    peakRssMb: stat('peak_rss_mb'),
    crashes,
    sanitizerReports: san ? 1 : 0,
    invariantFailures: inv ? 1 : 0,
    timeouts: timeout ? 1 : 0,
    ooms: oom ? 1 : 0,
    exitCode: code,
  };
  const m = /urpc-fuzz: invariant (\d+) failed[^\n]*/.exec(stderr);
  if (m) s.finding = `invariant ${INV_NAMES[Number(m[1])] ?? m[1]}: ${m[0]}`;
  else {
    const line = stderr.split('\n').find((l) => /urpc-fuzz: firmware panic|ERROR: |runtime error:/.test(l));
    if (line !== undefined) s.finding = line.trim();
  }
  const a = /(?:Test unit written to|artifact_prefix='[^']*'; Test unit written to) (\S+)/.exec(stderr);
  if (a) s.artifact = a[1];
  if (code !== 0 && crashes + s.timeouts + s.ooms === 0) {
    s.finding = s.finding ?? `libFuzzer exited with ${code}: ${stderr.split('\n').filter((l) => l.trim()).slice(-3).join(' | ')}`;
    s.crashes = 1;
  }
  return s;
}

export const SANITIZER_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  ASAN_OPTIONS: 'detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
};

/** Fuzzes one target with libFuzzer (bounded by seconds or runs). */
export async function runLibFuzzer(build: FuzzBuild, opts: LibFuzzerOptions = {}): Promise<LibFuzzerStats> {
  const t = build.target;
  const work = path.join(REPO, 'build', 'fuzz', t);
  const corpus = opts.corpus ?? path.join(work, 'corpus');
  const artifacts = opts.artifacts ?? path.join(work, 'artifacts');
  fs.mkdirSync(corpus, { recursive: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const seeds = [corpusDir(t), regressionDir(t)].filter((d) => fs.existsSync(d));
  const args = [
    `-timeout=${opts.timeout ?? 10}`,
    `-max_len=${opts.maxLen ?? (t === 'unframer' ? 4096 : 8192)}`,
    `-artifact_prefix=${artifacts}${path.sep}`,
    '-print_final_stats=1',
    '-rss_limit_mb=2048',
    ...(opts.runs !== undefined ? [`-runs=${opts.runs}`] : [`-max_total_time=${opts.seconds ?? 300}`]),
    ...(opts.extraArgs ?? []),
    corpus,
    ...seeds,
  ];
  const t0 = Date.now();
  const limitMs = ((opts.seconds ?? 600) + 300) * 1000;
  const r = await runProcess(build.binary, args, SANITIZER_ENV, limitMs);
  const s = parseLibFuzzer(t, r.stderr, r.code);
  s.seconds = Math.round((Date.now() - t0) / 100) / 10;
  s.corpusFiles = countFiles(corpus);
  if (s.crashes + s.timeouts + s.ooms > 0) {
    fs.writeFileSync(path.join(artifacts, 'last-run.log'), r.stderr);
  }
  return s;
}

/** Runs each file once through the fuzzer binary; returns failures (file and finding). */
export async function replayC(build: FuzzBuild, files: readonly string[], timeout = 10): Promise<{ file: string; finding: string }[]> {
  const bad: { file: string; finding: string }[] = [];
  // One process for all: libFuzzer runs each file argument once. On a crash, find the file and
  // go on with the rest.
  let rest = [...files];
  while (rest.length > 0) {
    const r = await runProcess(build.binary, [`-timeout=${timeout}`, '-rss_limit_mb=2048', ...rest], SANITIZER_ENV, 600_000);
    if (r.code === 0) break;
    const s = parseLibFuzzer(build.target, r.stderr, r.code);
    const running = [...r.stderr.matchAll(/Running: (\S+)/g)].map((m) => m[1]!);
    const last = running[running.length - 1];
    const idx = last === undefined ? 0 : rest.indexOf(last);
    bad.push({ file: rest[Math.max(0, idx)]!, finding: s.finding ?? 'failed' });
    rest = rest.slice(Math.max(0, idx) + 1);
  }
  return bad;
}

/** Merges inputs with new coverage from the working corpus into the committed corpus. */
export async function mergeCorpus(build: FuzzBuild): Promise<number> {
  const t = build.target;
  const before = countFiles(corpusDir(t));
  const work = path.join(REPO, 'build', 'fuzz', t, 'corpus');
  await runProcess(build.binary, ['-merge=1', `-max_len=${t === 'unframer' ? 4096 : 8192}`, corpusDir(t), work], SANITIZER_ENV, 1_800_000);
  return countFiles(corpusDir(t)) - before;
}

/** Line coverage of the firmware's C (the code under test, not the harness) by a corpus. */
export async function coverage(t: Target, dirs: readonly string[]): Promise<{ lines: number; covered: number; files: { file: string; lines: number; covered: number }[] }> {
  const b = await buildFuzzer(t, { coverage: true });
  const work = path.dirname(b.binary);
  const raw = path.join(work, 'cov.profraw');
  const data = path.join(work, 'cov.profdata');
  fs.rmSync(raw, { force: true });
  await runProcess(b.binary, ['-runs=0', ...dirs.filter((d) => fs.existsSync(d))], { ...process.env, LLVM_PROFILE_FILE: raw }, 1_800_000);
  const merge = await runProcess('llvm-profdata', ['merge', '-sparse', raw, '-o', data], process.env, 600_000);
  if (merge.code !== 0) throw new Error(`llvm-profdata: ${merge.stderr}`);
  const harness = new Set(['fuzz_lib.c', 'peer.c', `${t}_fuzz.c`]);
  const sources = fs.readdirSync(b.genDir).filter((f) => f.endsWith('.c') && !harness.has(f)).map((f) => path.join(b.genDir, f));
  const json = await new Promise<string>((resolve) => {
    const child = spawn('llvm-cov', ['export', '-summary-only', `-instr-profile=${data}`, b.binary, ...sources], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.on('close', () => resolve(Buffer.concat(out).toString('utf8')));
  });
  const rep = JSON.parse(json) as { data: { files: { filename: string; summary: { lines: { count: number; covered: number } } }[] }[] };
  const files = rep.data[0]!.files
    .filter((f) => sources.includes(f.filename))
    .map((f) => ({ file: path.basename(f.filename), lines: f.summary.lines.count, covered: f.summary.lines.covered }));
  return { lines: files.reduce((a, f) => a + f.lines, 0), covered: files.reduce((a, f) => a + f.covered, 0), files };
}

export function formatTable(rows: readonly LibFuzzerStats[], node?: readonly { target: Target; runs: number; ms: number; failed: boolean }[]): string[] {
  const head = ['target', 'executions', 'exec/s', 'seconds', 'corpus', 'new', 'crashes', 'sanitizer', 'timeouts', 'ooms'];
  if (node) head.push('node runs', 'node fails');
  const body = rows.map((r) => {
    const row = [r.target, String(r.executions), String(r.execPerSec), String(r.seconds), String(r.corpusFiles), String(r.newUnits),
      String(r.crashes), String(r.sanitizerReports), String(r.timeouts), String(r.ooms)];
    if (node) {
      const n = node.find((x) => x.target === r.target);
      row.push(n ? String(n.runs) : '-', n ? (n.failed ? '1' : '0') : '-');
    }
    return row;
  });
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), ...body.map(line)];
}

function parseArgs(argv: string[]): Map<string, string | true> {
  const m = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (v !== undefined) m.set(k, v);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) m.set(k, argv[++i]!);
    else m.set(k, true);
  }
  return m;
}

async function main(): Promise<number> {
  const a = parseArgs(process.argv.slice(2));
  const num = (k: string): number | undefined => (typeof a.get(k) === 'string' ? Number(a.get(k)) : undefined);
  const targets = (typeof a.get('target') === 'string' ? (a.get('target') as string).split(',') : [...TARGETS]) as Target[];
  for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t} (${TARGETS.join(', ')})`);
  const json = a.has('json');
  const log = (l: string): void => { (json ? process.stderr : process.stdout).write(l + '\n'); };

  if (a.has('seeds')) {
    const { writeSeeds } = await import('./seeds.ts');
    log(`seeds: ${writeSeeds(targets)} files in test/fuzz/corpus`);
  }
  if (a.has('coverage')) {
    for (const t of targets) {
      const c = await coverage(t, [path.join(REPO, 'build', 'fuzz', t, 'corpus'), corpusDir(t), regressionDir(t)]);
      log(`${t}: firmware C lines covered ${c.covered}/${c.lines} (${((100 * c.covered) / Math.max(1, c.lines)).toFixed(1)}%)`);
      for (const f of c.files.sort((x, y) => x.covered / Math.max(1, x.lines) - y.covered / Math.max(1, y.lines))) {
        log(`  ${f.file.padEnd(22)} ${String(f.covered).padStart(5)}/${String(f.lines).padEnd(5)} ${((100 * f.covered) / Math.max(1, f.lines)).toFixed(1)}%`);
      }
    }
    return 0;
  }
  const builds: FuzzBuild[] = [];
  for (const t of targets) builds.push(await buildFuzzer(t, { log: (l) => log(`build ${l}`) }));

  if (a.has('replay')) {
    const { runOne } = await import('./node.ts');
    let bad = 0;
    for (const b of builds) {
      const files = committedInputs(b.target);
      const c = await replayC(b, files);
      let n = 0;
      for (const f of files) {
        const why = await runOne(b.target, new Uint8Array(fs.readFileSync(f)));
        if (why !== undefined) { n++; log(`node ${b.target} ${path.relative(REPO, f)}: ${why}`); }
      }
      for (const x of c) log(`C ${b.target} ${path.relative(REPO, x.file)}: ${x.finding}`);
      log(`${b.target}: ${files.length} inputs replayed, C failures ${c.length}, Node failures ${n}`);
      bad += c.length + n;
    }
    return bad === 0 ? 0 : 1;
  }

  const parallel = num('parallel') ?? 1;
  const stats: LibFuzzerStats[] = [];
  const queue = [...builds];
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, async () => {
    for (let b = queue.shift(); b !== undefined; b = queue.shift()) {
      log(`fuzz ${b.target}: ${num('runs') !== undefined ? `${num('runs')} runs` : `${num('seconds') ?? 300} s`}`);
      const s = await runLibFuzzer(b, { seconds: num('seconds'), runs: num('runs'), timeout: num('timeout') });
      stats.push(s);
      log(`  ${s.target}: ${s.executions} executions (${s.execPerSec}/s), corpus ${s.corpusFiles}, crashes ${s.crashes}, timeouts ${s.timeouts}${s.finding ? `\n  finding: ${s.finding}\n  input: ${s.artifact}` : ''}`);
    }
  }));
  stats.sort((x, y) => TARGETS.indexOf(x.target) - TARGETS.indexOf(y.target));

  let node: { target: Target; runs: number; ms: number; failed: boolean; failure?: string; counterexampleHex?: string }[] | undefined;
  if (num('node-seconds') !== undefined) {
    const { nodeFuzz } = await import('./node.ts');
    node = [];
    for (const t of targets) {
      const r = await nodeFuzz(t, { ms: num('node-seconds')! * 1000 });
      node.push({ target: t, runs: r.runs, ms: r.ms, failed: r.failed, failure: r.failure,
        counterexampleHex: r.counterexample ? Buffer.from(r.counterexample).toString('hex') : undefined });
      log(`node ${t}: ${r.runs} runs in ${r.ms} ms${r.failed ? `, FAILED: ${r.failure} (seed ${r.seed})` : ''}`);
    }
  }
  if (a.has('merge')) {
    for (const b of builds) log(`merge ${b.target}: ${await mergeCorpus(b)} inputs added to ${path.relative(REPO, corpusDir(b.target))}`);
  }

  for (const l of formatTable(stats, node)) log(l);
  const report = { date: new Date().toISOString(), targets: stats, node };
  fs.mkdirSync(path.join(REPO, 'build', 'fuzz'), { recursive: true });
  fs.writeFileSync(path.join(REPO, 'build', 'fuzz', 'report.json'), JSON.stringify(report, null, 2) + '\n');
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else log(`JSON: ${path.relative(REPO, path.join(REPO, 'build', 'fuzz', 'report.json'))}`);
  const bad = stats.some((s) => s.crashes + s.timeouts + s.ooms > 0) || (node?.some((n) => n.failed) ?? false);
  return bad ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then((c) => process.exit(c), (e: unknown) => {
    process.stderr.write(`fuzz: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  });
}
