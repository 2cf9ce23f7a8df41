// difftest/corpus.ts: difftest many modules at once, on the host and on QEMU targets.
//
// README: difftestCorpus(files, {cases, seed, compilers, optLevels, targets}) transpiles the
// modules (together; a module the checker rejects is reported with its diagnostics and left
// out), links all accepted ones into ONE driver binary per build configuration (runDiffBatch:
// distinct C prefixes, every case of every module in one process), runs the same inputs through
// each module in Node, and reports per module: cases, Node outcomes (returns / panics / other
// errors), mismatching cases per configuration, sanitizer reports (on QEMU: faults), and the
// first mismatch in the format of `urpc difftest`. `targets` lists `host` (gcc/clang x opt
// levels with ASan+UBSan) and/or `qemu:<machine>` (qemu.ts, at `qemuOptLevels`).

import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { transpile } from '../index.ts';
import { pool, run, WARN_FLAGS, writeFiles, type BuildConfig, type OptLevel } from './cdriver.ts';
import { buildConfigs, DEFAULT_COMPILERS, DEFAULT_OPTS, runDiffBatch, type BatchModule, type ConfigReport, type Compiler } from './index.ts';
import { makeInputs } from './inputs.ts';
import type { Mismatch } from './outcome.ts';
import { parseQemuTarget, qemuConfigs, qemuCpuFlags, QEMU_COMPILER } from './qemu.ts';

export interface CorpusOptions {
  /** Random inputs per module (the edge inputs are added). Default 2000. */
  cases?: number;
  seed?: number;
  outSize?: number;
  /** `host` and/or `qemu:<machine>`. Default ['host']. */
  targets?: readonly string[];
  compilers?: readonly Compiler[];
  optLevels?: readonly OptLevel[];
  /** Optimisation levels of the QEMU targets. Default ['-O2']. */
  qemuOptLevels?: readonly OptLevel[];
  workDir?: string;
  keep?: boolean;
  parallel?: number;
  timeoutMs?: number;
  qemuTimeoutMs?: number;
}

export interface CorpusModuleReport {
  module: string;
  /** Lines of the .ts file. */
  lines: number;
  transpile_ok: boolean;
  diagnostics?: string;
  cases: number;
  /** Node outcomes: cases that returned, panicked (FwPanic), or threw anything else. */
  node: { returned: number; panicked: number; errors: number };
  /** Distinct cases (init = -1) where some configuration differs from Node. */
  mismatching_cases: number;
  /** Mismatching cases per configuration (every configuration is listed). */
  by_config: Record<string, number>;
  sanitizer: { config: string; text: string }[];
  /** The module's C does not compile (hard errors, not warnings): it was left out of the builds. */
  c_errors?: string;
  /** Configurations whose strict build failed on this module's warnings (-Werror=...). */
  strict_failures: string[];
  first_mismatch?: Mismatch;
  ok: boolean;
}

export interface CorpusResult {
  ok: boolean;
  cases: number;
  modules: CorpusModuleReport[];
  configs: ConfigReport[];
  build_failures: { config: string; log: string }[];
  transpile_ms: number;
  ms: number;
}

/** Build configurations for the targets (see CorpusOptions). */
export function corpusConfigs(o: Pick<CorpusOptions, 'targets' | 'compilers' | 'optLevels' | 'qemuOptLevels'>): BuildConfig[] {
  const out: BuildConfig[] = [];
  for (const t of o.targets ?? ['host']) {
    if (t === 'host') out.push(...buildConfigs(o.compilers ?? DEFAULT_COMPILERS, o.optLevels ?? DEFAULT_OPTS));
    else out.push(...qemuConfigs(parseQemuTarget(t), o.qemuOptLevels ?? ['-O2']));
  }
  return out;
}

const lineCount = (f: string): number => readFileSync(f, 'utf8').replace(/\n$/, '').split('\n').length;

/** Transpile `files` together into dir; rejected modules are isolated one by one. */
function transpileAll(files: readonly string[], dir: string): { mods: BatchModule[]; rejected: Map<string, string> } {
  const rejected = new Map<string, string>();
  const attempt = (fs: readonly string[]): ReturnType<typeof transpile> | string => {
    try {
      return transpile([...fs], { outDir: dir });
    } catch (e) {
      return `transpile() threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    }
  };
  let accepted = [...files];
  let tr = attempt(accepted);
  if (typeof tr === 'string' || !tr.ok) {
    for (const f of files) {
      const one = attempt([f]);
      if (typeof one === 'string') rejected.set(f, one);
      else if (!one.ok) rejected.set(f, one.format(false));
    }
    accepted = files.filter((f) => !rejected.has(f));
    tr = accepted.length ? attempt(accepted) : 'no module left';
    // Together they still fail (e.g. two modules export the same class name): report it on all.
    if (typeof tr === 'string' || !tr.ok) {
      const why = typeof tr === 'string' ? tr : tr.format(false);
      for (const f of accepted) rejected.set(f, `rejected when transpiled with the others:\n${why}`);
      return { mods: [], rejected };
    }
  }
  writeFiles(dir, tr.files);
  const okTr = tr;
  return { mods: accepted.map((f) => ({ tsPath: f, prefix: okTr.modules.get(f) ?? path.basename(f, '.ts') })), rejected };
}

/**
 * Modules whose C has hard errors (not warnings) under the first configuration's compiler: one
 * such module would fail every batch build, so it is reported on its own and left out.
 */
async function cErrors(dir: string, mods: readonly BatchModule[], cfg: BuildConfig | undefined, parallel: number): Promise<Map<string, string>> {
  const bad = new Map<string, string>();
  if (!cfg) return bad;
  const cpu = cfg.target ? [...qemuCpuFlags(parseQemuTarget(cfg.target)), '--specs=picolibc.specs'] : [];
  const cc = cfg.target ? QEMU_COMPILER : cfg.compiler;
  const logs = await pool(
    mods.map((m) => () => run(cc, [...WARN_FLAGS, '-Wno-error', ...cpu, '-fsyntax-only', '-I', dir, path.join(dir, `${m.prefix}.c`)], null, 120_000)),
    parallel,
  );
  mods.forEach((m, k) => {
    if (logs[k]!.code !== 0) bad.set(m.tsPath, `${cc} -fsyntax-only ${m.prefix}.c\n${logs[k]!.stderr}`);
  });
  return bad;
}

/** Differential test of a set of modules (see the README at the top of this file). */
export async function difftestCorpus(files: readonly string[], options: CorpusOptions = {}): Promise<CorpusResult> {
  const t0 = Date.now();
  const abs = files.map((f) => path.resolve(f));
  const inputs = makeInputs(options.cases ?? 2000, options.seed ?? 1);
  const configs = corpusConfigs(options);
  const dir = options.workDir ?? mkdtempSync(path.join(os.tmpdir(), 'urpc-difftest-corpus-'));
  const res: CorpusResult = { ok: false, cases: inputs.length, modules: [], configs: [], build_failures: [], transpile_ms: 0, ms: 0 };
  try {
    const transpiled = transpileAll(abs, dir);
    const rejected = transpiled.rejected;
    res.transpile_ms = Date.now() - t0;
    const broken = await cErrors(dir, transpiled.mods, configs[0], options.parallel ?? 2);
    for (const m of transpiled.mods) if (broken.has(m.tsPath)) renameSync(path.join(dir, `${m.prefix}.c`), path.join(dir, `${m.prefix}.c.broken`));
    const mods = transpiled.mods.filter((m) => !broken.has(m.tsPath));
    const batch = mods.length
      ? await runDiffBatch(dir, mods, inputs, {
          outSize: options.outSize ?? 256,
          configs,
          parallel: options.parallel ?? 2,
          timeoutMs: options.timeoutMs ?? 120_000,
          qemuTimeoutMs: options.qemuTimeoutMs,
        })
      : { modules: [], configs: [], buildFailures: [] };
    res.configs = batch.configs;
    res.build_failures = batch.buildFailures;
    const names = batch.configs.map((c) => c.config);
    for (const f of abs) {
      const rep: CorpusModuleReport = {
        module: f,
        lines: lineCount(f),
        transpile_ok: !rejected.has(f),
        cases: inputs.length,
        node: { returned: 0, panicked: 0, errors: 0 },
        mismatching_cases: 0,
        by_config: Object.fromEntries(names.map((n) => [n, 0])),
        sanitizer: [],
        strict_failures: [],
        ok: false,
      };
      res.modules.push(rep);
      if (rejected.has(f)) {
        rep.diagnostics = rejected.get(f);
        continue;
      }
      if (broken.has(f)) {
        rep.c_errors = broken.get(f);
        continue;
      }
      const m = batch.modules.find((x) => x.tsPath === f)!;
      rep.node = {
        returned: m.node.cases.filter((c) => c.status === 0).length,
        panicked: m.node.cases.filter((c) => c.status === 1).length,
        errors: m.nodeErrors,
      };
      rep.mismatching_cases = m.mismatchCases.length;
      for (const n of names) rep.by_config[n] = new Set(m.mismatches.filter((x) => x.config === n).map((x) => x.case)).size;
      rep.sanitizer = m.sanitizer;
      if (m.mismatches.length) rep.first_mismatch = m.mismatches[0];
      // A strict build's log names the module's .ts (the C has #line directives) or its .c.
      const prefixC = `${mods.find((x) => x.tsPath === f)!.prefix}.c`;
      const tsName = `${path.basename(f)}:`;
      rep.strict_failures = batch.buildFailures.filter((b) => b.log.split('\n').some((l) => / (error|warning): /.test(l) && (l.includes(tsName) || l.includes(prefixC)))).map((b) => b.config);
      rep.ok =
        rep.mismatching_cases === 0 && rep.sanitizer.length === 0 && rep.node.errors === 0 && rep.strict_failures.length === 0 && batch.configs.every((c) => c.built);
    }
    res.ok = res.modules.every((m) => m.ok) && res.build_failures.length === 0;
    return res;
  } finally {
    res.ms = Date.now() - t0;
    if (!options.keep && !options.workDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** A human summary: one line per module, then the first mismatch / report of each failing one. */
export function formatCorpus(r: CorpusResult): string {
  const cfgs = r.configs.map((c) => c.config);
  const lines = [
    `${r.ok ? 'OK' : 'FAIL'} ${r.modules.length} modules x ${r.cases} cases x ${cfgs.length} builds (${cfgs.join(', ')}) in ${(r.ms / 1000).toFixed(1)} s`,
  ];
  for (const c of r.configs) {
    lines.push(`  ${c.config}: ${c.built ? `built in ${c.build_ms} ms, ran in ${c.run_ms} ms` : 'build FAILED'}${c.relaxed ? ` (strict build failed: ${c.warnings?.join(' ')})` : ''}${c.exit ? `, ${c.exit}` : ''}`);
  }
  for (const m of r.modules) {
    const name = path.basename(m.module);
    if (!m.transpile_ok) {
      lines.push(`REJECTED ${name}\n${m.diagnostics ?? ''}`);
      continue;
    }
    if (m.c_errors) {
      lines.push(`C ERRORS ${name} (left out of the builds)\n${m.c_errors.split('\n').slice(0, 12).join('\n')}`);
      continue;
    }
    const per = cfgs.map((c) => `${c}:${m.by_config[c]}`).join(' ');
    lines.push(
      `${m.ok ? 'ok  ' : 'FAIL'} ${name.padEnd(16)} ${String(m.lines).padStart(4)} lines  node ${m.node.returned} returned / ${m.node.panicked} panicked` +
        `${m.node.errors ? ` / ${m.node.errors} ERRORS` : ''}  mismatching cases ${m.mismatching_cases} (${per})${m.sanitizer.length ? `  ${m.sanitizer.length} reports` : ''}` +
        `${m.strict_failures.length ? `  strict build failed on ${m.strict_failures.join(' ')}` : ''}`,
    );
    const mm = m.first_mismatch;
    if (mm) {
      lines.push(`     first mismatch [${mm.config}] case ${mm.case === -1 ? 'init' : mm.case} (${mm.differs.join(', ')}) input ${mm.input_hex || '(empty)'}`);
      lines.push(`       node status=${mm.node.status} value=0x${mm.node.value.toString(16)} out ${mm.node.output_hex} logs=${JSON.stringify(mm.node.logs)}`);
      lines.push(mm.c ? `       c    status=${mm.c.status} value=0x${mm.c.value.toString(16)} out ${mm.c.output_hex} logs=${JSON.stringify(mm.c.logs)}` : '       c    (no record: the process died)');
    }
    if (m.sanitizer.length) lines.push(`     [${m.sanitizer[0]!.config}] ${m.sanitizer[0]!.text.split('\n').slice(0, 8).join('\n       ')}`);
  }
  for (const b of r.build_failures) lines.push(`build ${b.config}:\n${b.log.split('\n').slice(0, 30).join('\n')}`);
  return lines.join('\n');
}
