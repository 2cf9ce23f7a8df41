// difftest: Node vs C differential testing of FwTS modules.
//
// README
//   difftest(modulePath, {cases, seed, outSize, compilers, optLevels}) runs a FwTS module that
//   exports `main(input: Bytes, output: Bytes): u32` (a) in Node, importing the .ts (under tsx)
//   and calling main with asBytes() views, FwPanic recorded as status 1 + code, and (b) as C:
//   transpile() into a temp dir, a generated main.c driver (see cdriver.ts), built with each
//   compiler x opt level under -std=c99 -pedantic -Wall -Wextra -Wconversion -Wsign-conversion
//   -Werror -fsanitize=address,undefined -fno-sanitize-recover=all -g. All cases go through one
//   process per binary, in the same order as in Node, so module state persists across cases in
//   both worlds. Status, return value / panic code, the whole output buffer and log lines are
//   compared byte for byte; any stderr text that is not the driver's own is a sanitizer report.
//   The result is JSON-able (Uint8Arrays are reported as hex).
//
//   runDiffBatch() is the lower level used by fuzz: many modules linked into one binary (distinct
//   C prefixes) and run in one process per build configuration.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { transpile } from '../index.ts';
import {
  buildBinary,
  configName,
  driverSource,
  pool,
  run,
  SAN_ENV,
  writeFiles,
  WARN_FLAGS,
  type BuildConfig,
  type BuildResult,
  type Compiler,
  type OptLevel,
} from './cdriver.ts';
import { encodeInputs, hex, makeInputs } from './inputs.ts';
import { buildQemuBinary, runQemuBinary } from './qemu.ts';
import { compareOutcomes, parseC, runNode, type Mismatch, type ModuleOutcome } from './outcome.ts';

export type { Compiler, OptLevel } from './cdriver.ts';
export type { Mismatch } from './outcome.ts';
export { makeInputs, edgeInputs, Rng, hex } from './inputs.ts';

export interface DifftestOptions {
  /** Random inputs (the edge inputs are added on top). Default 200. */
  cases?: number;
  seed?: number;
  /** Size of the zero-filled output buffer. Default 256. */
  outSize?: number;
  compilers?: readonly Compiler[];
  optLevels?: readonly OptLevel[];
  /** Use exactly these inputs instead of cases/seed. */
  inputs?: readonly Uint8Array[];
  /** Build directory (default: a fresh temp dir, removed afterwards unless keep). */
  workDir?: string;
  keep?: boolean;
  /** Builds in flight at once (default 2: the machine has 2 cores). */
  parallel?: number;
  /** Per-binary run time limit. Default 60 s. */
  timeoutMs?: number;
  /** Skip transpile(): use these C files (`<prefix>.c`, `<prefix>.h`, fw_rt.h ...) for the module. */
  c?: { files: ReadonlyMap<string, string>; prefix: string };
  /** Also return every mismatch, not only counts and the first. */
  allMismatches?: boolean;
}

export interface ConfigReport {
  config: string;
  built: boolean;
  build_ms: number;
  run_ms: number;
  mismatches: number;
  sanitizer_reports: number;
  /** First lines of the compiler output when the strict build failed. */
  log?: string;
  /** The -W flags that failed the strict build (e.g. -Wunused-parameter). */
  warnings?: string[];
  /** The strict build failed on warnings only; this run used -Wno-error. */
  relaxed?: boolean;
  exit?: string;
}

export interface DifftestResult {
  module: string;
  ok: boolean;
  transpile_ok: boolean;
  diagnostics?: string;
  /** Number of test vectors run (random + edge). */
  cases: number;
  /** Cases (counting init as one) where some build configuration differs from Node. */
  mismatches: number;
  sanitizer_reports: number;
  build_failures: number;
  /** Node threw something other than FwPanic (a generator/checker soundness problem). */
  node_errors: number;
  configs: ConfigReport[];
  first_mismatch?: Mismatch;
  all_mismatches?: Mismatch[];
  sanitizer_excerpt?: string;
  ms: number;
}

export const DEFAULT_COMPILERS: readonly Compiler[] = ['gcc', 'clang'];
export const DEFAULT_OPTS: readonly OptLevel[] = ['-O0', '-O2'];

export interface BatchModule {
  tsPath: string;
  prefix: string;
}
export interface BatchModuleResult {
  tsPath: string;
  mismatches: Mismatch[];
  /** Distinct case indices (-1 = init) with a mismatch in some configuration. */
  mismatchCases: number[];
  sanitizer: { config: string; text: string }[];
  node: ModuleOutcome;
  nodeErrors: number;
}
export interface BatchResult {
  modules: BatchModuleResult[];
  configs: ConfigReport[];
  buildFailures: { config: string; log: string }[];
}

const excerpt = (s: string, lines = 40): string => s.split('\n').slice(0, lines).join('\n');

/** Did the compiler fail only because of -Werror=... warnings? */
export function isWarningOnly(log: string): boolean {
  const errs = log.split('\n').filter((l) => /\berror\b/.test(l) && !/^\S*(gcc|clang) /.test(l));
  const hard = errs.filter((l) => /: error: /.test(l) && !/\[-Werror[=,]/.test(l) && !/-Werror/.test(l));
  return errs.length > 0 && hard.length === 0 && !/undefined reference|ld returned|linker command failed/.test(log);
}

/** The warning flags named in a compiler log, e.g. ['-Wunused-parameter']. */
export function warningKinds(log: string): string[] {
  const out = new Set<string>();
  for (const m of log.matchAll(/\[-Werror=([\w-]+)\]|\[-Werror,-W([\w-]+)\]/g)) out.add(`-W${m[1] ?? m[2]}`);
  return [...out].sort();
}

/**
 * Link all `mods` (already transpiled into `dir`, with fw_rt.h) into one driver binary per build
 * configuration, run `inputs` through every module in Node and in each binary, and compare.
 */
export async function runDiffBatch(
  dir: string,
  mods: readonly BatchModule[],
  inputs: readonly Uint8Array[],
  opts: {
    outSize: number;
    configs: readonly BuildConfig[];
    parallel?: number;
    timeoutMs?: number;
    /** Rebuild with -Wno-error when the strict build fails on warnings only (default true). */
    relaxWarnings?: boolean;
    /** Check the strict warning flags with -fsyntax-only and build with -Wno-error (faster). */
    separateWarnings?: boolean;
    /** Run time limit of a QEMU target's binary (default 600 s: all cases of every module). */
    qemuTimeoutMs?: number;
    /** Build without debug info (-g0): fuzz batches compile ~12% faster; reports lose line numbers only. */
    noDebugInfo?: boolean;
    /** The host builds' sanitizers (-fsanitize=<list>), instead of SAN_FLAGS' address,undefined. */
    sanitizers?: string;
  },
): Promise<BatchResult> {
  writeFileSync(path.join(dir, 'difftest_main.c'), driverSource(mods.map((m) => m.prefix), opts.outSize));
  const cFiles = readdirSync(dir).filter((f) => f.endsWith('.c'));
  const stdin = encodeInputs(inputs);
  const configs: ConfigReport[] = [];
  const buildFailures: { config: string; log: string }[] = [];
  const results: BatchModuleResult[] = mods.map((m) => ({
    tsPath: m.tsPath,
    mismatches: [],
    mismatchCases: [],
    sanitizer: [],
    node: { init: { status: 0, value: 0 }, initLogs: [], cases: [], reports: [], truncated: false },
    nodeErrors: 0,
  }));

  // Builds go to the pool (the CPU-heavy part); Node runs meanwhile on this thread.
  // separateWarnings: check the strict flags once per compiler with -fsyntax-only and build the
  // sanitizer binaries with -Wno-error (fuzz: nearly every failing strict build would otherwise be
  // built twice).
  const separate = opts.separateWarnings === true;
  const compilers = [...new Set(opts.configs.filter((c) => !c.target).map((c) => c.compiler))];
  // Host builds carry sanitizers; a `qemu:` target is cross-built and run in QEMU (qemu.ts).
  const debug = opts.noDebugInfo ? ['-g0'] : [];
  const san = opts.sanitizers === undefined ? [] : ['-fno-sanitize=all', `-fsanitize=${opts.sanitizers}`];
  const build = (cfg: BuildConfig, extra: readonly string[]): Promise<BuildResult> =>
    cfg.target ? buildQemuBinary(dir, cFiles, cfg, [...debug, ...extra]) : buildBinary(dir, cFiles, cfg, [...debug, ...san, ...extra]);
  const builds = pool<BuildResult | { syntax: true; compiler: Compiler; ok: boolean; log: string }>(
    [
      ...(separate
        ? compilers.map((compiler) => async () => {
            const r = await run(compiler, [...WARN_FLAGS, '-fsyntax-only', '-I', dir, ...cFiles.map((f) => path.join(dir, f))], null, 600_000);
            return { syntax: true as const, compiler, ok: r.code === 0, log: `${compiler} -fsyntax-only (strict flags)\n${r.stderr}` };
          })
        : []),
      ...opts.configs.map((cfg) => () => build(cfg, separate && !cfg.target ? ['-Wno-error'] : [])),
    ],
    opts.parallel ?? 2,
  );
  for (let i = 0; i < mods.length; i++) {
    const node = await runNode(mods[i]!.tsPath, inputs, opts.outSize);
    results[i]!.node = node;
    results[i]!.nodeErrors = node.cases.filter((c) => c.status === 2).length + (node.init.status === 2 ? 1 : 0);
  }
  const all = await builds;
  const syntax = all.filter((b): b is { syntax: true; compiler: Compiler; ok: boolean; log: string } => 'syntax' in b);
  let built = all.filter((b): b is BuildResult => !('syntax' in b));
  for (const sx of syntax) if (!sx.ok) buildFailures.push({ config: `${sx.compiler}-strict`, log: sx.log });
  // A build that failed only on -Werror= warnings is a finding of its own (the generated C must
  // be warning-free), but rebuild it with -Wno-error so the semantics are still compared.
  const relaxed = await pool(
    built.map((b) => async () => (!b.ok && (!separate || b.config.target) && opts.relaxWarnings !== false && isWarningOnly(b.log) ? await build(b.config, ['-Wno-error']) : null)),
    opts.parallel ?? 2,
  );
  const strictLogs = built.map((b) => (b.ok ? null : b.log));
  built = built.map((b, k) => relaxed[k] ?? b);
  const runs = await pool(
    built.map((b) => async () =>
      !b.ok ? null : b.config.target ? await runQemuBinary(b.binary, b.config, stdin, opts.qemuTimeoutMs ?? 600_000) : await run(b.binary, [], stdin, opts.timeoutMs ?? 60_000, SAN_ENV),
    ),
    opts.parallel ?? 2,
  );
  for (let k = 0; k < built.length; k++) {
    const b = built[k]!;
    const name = configName(b.config);
    const rep: ConfigReport = { config: name, built: b.ok, build_ms: b.ms, run_ms: 0, mismatches: 0, sanitizer_reports: 0 };
    configs.push(rep);
    const strict = strictLogs[k];
    if (strict) {
      rep.log = excerpt(strict);
      rep.warnings = warningKinds(strict);
      buildFailures.push({ config: name, log: strict });
      if (b.ok) rep.relaxed = true;
    }
    if (!b.ok) continue;
    const r = runs[k]!;
    rep.run_ms = r.ms;
    if (r.code !== 0) rep.exit = r.timedOut ? 'timeout' : r.signal ? `signal ${r.signal}` : `exit ${r.code}`;
    const cOut = parseC(r.stdout, r.stderr, mods.length, inputs.length, opts.outSize);
    for (let i = 0; i < mods.length; i++) {
      const res = results[i]!;
      const co = cOut[i]!;
      if (co.reports.length) {
        rep.sanitizer_reports++;
        res.sanitizer.push({ config: name, text: excerpt(co.reports.join('\n'), 60) });
      } else if (co.truncated && r.code !== 0 && (i === 0 || !cOut[i - 1]!.truncated)) {
        // The process died inside this module without printing anything: report it as such.
        res.sanitizer.push({ config: name, text: `process ${rep.exit} with no report` });
        rep.sanitizer_reports++;
      }
      const mm = compareOutcomes(name, res.node, co, inputs);
      rep.mismatches += mm.length;
      res.mismatches.push(...mm);
      for (const m of mm) if (!res.mismatchCases.includes(m.case)) res.mismatchCases.push(m.case);
    }
  }
  return { modules: results, configs, buildFailures };
}

/** Configurations for compilers x optLevels. */
export const buildConfigs = (compilers: readonly Compiler[], optLevels: readonly OptLevel[]): BuildConfig[] =>
  compilers.flatMap((compiler) => optLevels.map((opt) => ({ compiler, opt })));

/** Differential test of one FwTS module (see the README at the top of this file). */
export async function difftest(modulePath: string, options: DifftestOptions = {}): Promise<DifftestResult> {
  const t0 = Date.now();
  const abs = path.resolve(modulePath);
  const outSize = options.outSize ?? 256;
  const inputs = options.inputs ?? makeInputs(options.cases ?? 200, options.seed ?? 1);
  const dir = options.workDir ?? mkdtempSync(path.join(os.tmpdir(), 'urpc-difftest-'));
  const result: DifftestResult = {
    module: abs,
    ok: false,
    transpile_ok: false,
    cases: inputs.length,
    mismatches: 0,
    sanitizer_reports: 0,
    build_failures: 0,
    node_errors: 0,
    configs: [],
    ms: 0,
  };
  try {
    let prefix: string;
    if (options.c) {
      writeFiles(dir, options.c.files);
      prefix = options.c.prefix;
    } else {
      let tr;
      try {
        tr = transpile([abs], { outDir: dir });
      } catch (e) {
        result.diagnostics = `transpile() threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
        return result;
      }
      if (!tr.ok) {
        result.diagnostics = tr.format(false);
        return result;
      }
      writeFiles(dir, tr.files);
      const p = tr.modules.get(abs);
      if (p === undefined) {
        result.diagnostics = `transpile() reported no C prefix for ${abs}`;
        return result;
      }
      prefix = p;
    }
    result.transpile_ok = true;
    const batch = await runDiffBatch(dir, [{ tsPath: abs, prefix }], inputs, {
      outSize,
      configs: buildConfigs(options.compilers ?? DEFAULT_COMPILERS, options.optLevels ?? DEFAULT_OPTS),
      parallel: options.parallel ?? 2,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
    const m = batch.modules[0]!;
    result.configs = batch.configs;
    result.build_failures = batch.buildFailures.length;
    result.mismatches = m.mismatchCases.length;
    result.sanitizer_reports = m.sanitizer.length;
    result.node_errors = m.nodeErrors;
    if (m.mismatches.length) result.first_mismatch = m.mismatches[0];
    if (options.allMismatches) result.all_mismatches = m.mismatches;
    if (m.sanitizer.length) result.sanitizer_excerpt = `[${m.sanitizer[0]!.config}]\n${m.sanitizer[0]!.text}`;
    result.ok = result.mismatches === 0 && result.sanitizer_reports === 0 && result.build_failures === 0 && result.node_errors === 0;
    return result;
  } finally {
    result.ms = Date.now() - t0;
    if (!options.keep && !options.workDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** A human summary of a difftest result (the CLI prints this without --json). */
export function formatDifftest(r: DifftestResult): string {
  const lines = [
    `${r.ok ? 'OK' : 'FAIL'} ${r.module}: ${r.cases} cases x ${r.configs.length} builds, ${r.mismatches} mismatching cases, ` +
      `${r.sanitizer_reports} sanitizer reports, ${r.build_failures} build failures, ${r.node_errors} Node errors (${r.ms} ms)`,
  ];
  if (!r.transpile_ok) lines.push(r.diagnostics ?? 'transpile failed');
  for (const c of r.configs) if (!c.built) lines.push(`build ${c.config} failed:\n${c.log ?? ''}`);
  const m = r.first_mismatch;
  if (m) {
    lines.push(`first mismatch [${m.config}] case ${m.case === -1 ? 'init' : m.case} (${m.differs.join(', ')})`);
    if (m.case >= 0) lines.push(`  input  ${m.input_hex || '(empty)'}`);
    lines.push(`  node   status=${m.node.status} value=0x${m.node.value.toString(16)}${m.node.error ? ' error=' + m.node.error : ''} logs=${JSON.stringify(m.node.logs)}`);
    lines.push(`         out ${m.node.output_hex}`);
    if (m.c) {
      lines.push(`  c      status=${m.c.status} value=0x${m.c.value.toString(16)} logs=${JSON.stringify(m.c.logs)}`);
      lines.push(`         out ${m.c.output_hex}`);
    } else lines.push('  c      (no record: the process died)');
  }
  if (r.sanitizer_excerpt) lines.push(`sanitizer:\n${r.sanitizer_excerpt}`);
  return lines.join('\n');
}
export { hex as toHex };
