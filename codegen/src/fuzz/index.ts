// fuzz: Csmith-style random FwTS programs through transpile() and difftest.
//
// README
//   fuzzCodegen({programs, seed, casesPerProgram}) generates `programs` modules (program k has
//   seed `seed + k`, so any one is reproducible with generateProgram(seed + k)), writes them
//   under build/fuzz/<run>/ (inside the repo, so the relative prelude import works), and runs
//   them in batches: one transpile() of the whole batch, one C build per configuration linking
//   every program of the batch (distinct prefixes p_<seed>, class names carry the seed too),
//   one process run per build, and Node in-process. Every program must pass the checker: a
//   rejection is a checker_rejection (a generator or checker bug; the diagnostic is reported).
//   A mismatch or sanitizer report is shrunk (shrink.ts) while it persists and the checker
//   still accepts, and saved as test/diff/regressions/<seed>.ts (checked by
//   test/diff/regressions.test.ts). Strict-build failures (-Werror) are counted per warning
//   flag and the batch is rebuilt with -Wno-error so semantics are still compared.
//   The result is JSON-able; programs_per_minute is measured wall-clock.

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { transpile } from '../index.ts';
import { difftest, runDiffBatch, warningKinds, type Compiler, type Mismatch, type OptLevel } from '../difftest/index.ts';
import { corpusConfigs, difftestCorpus } from '../difftest/corpus.ts';
import { makeInputs } from '../difftest/inputs.ts';
import { renderProgram, type Program } from './ast.ts';
import { Coverage, featureNames, featuresOf, type CoverageReport } from './coverage.ts';
import { allowList } from './allowlist.ts';
import { failureSignatures, strictCheck, type StrictCheck } from './buildcheck.ts';
import { Generator, type GenOptions } from './gen.ts';
import { shrink } from './shrink.ts';
import { REPO_ROOT as REPO } from '../program.ts';

export { generateProgram, generateAst } from './gen.ts';
export { shrink } from './shrink.ts';
export { renderProgram } from './ast.ts';
export { Coverage, formatCoverage, FEATURES, type CoverageReport } from './coverage.ts';
export { allowList } from './allowlist.ts';


export interface FuzzOptions {
  programs: number;
  seed?: number;
  /** Random inputs per program (edge inputs are added). Default 24. */
  casesPerProgram?: number;
  /** Programs linked into one binary. Default 25. */
  batch?: number;
  compilers?: readonly Compiler[];
  optLevels?: readonly OptLevel[];
  /** `host` (the compilers x optLevels above, with sanitizers) and/or `qemu:<machine>` (cross-built
   * at -O2 and run in QEMU: difftest/qemu.ts). Default ['host']. */
  targets?: readonly string[];
  outSize?: number;
  /** Shrink and save mismatches (default true). */
  shrink?: boolean;
  shrinkMaxChecks?: number;
  shrinkMaxMs?: number;
  /** Where regressions go (default test/diff/regressions); null: do not save. */
  regressionsDir?: string | null;
  /** Where shrunk build failures, rejections and internal errors go (fuzz-<seed>-<kind>.ts); null: not saved. */
  findingsDir?: string | null;
  /** At most this many findings are shrunk per run (default 10; one per build-failure signature). */
  maxShrinks?: number;
  /** Work dir for the programs (default build/fuzz/<seed>); kept only with keep. */
  workDir?: string;
  keep?: boolean;
  gen?: GenOptions;
  /** Keep only programs that have all these features (FEATURES tags): seeds are skipped until one does. */
  only?: readonly string[];
  /** Only generate the programs and count coverage (no transpile, build or run). */
  generateOnly?: boolean;
  /** Host builds' sanitizers (default address,undefined): e.g. `undefined,float-cast-overflow`
   * for a float run, whose memory shapes are the integer runs' (ASan doubles the compile time). */
  sanitizers?: string;
  /** Start no batch after this many milliseconds, the first excepted (a time-boxed run: `programs` is at most
   * the count; the result says how many ran). */
  budgetMs?: number;
  /** Progress callback after each batch. */
  onBatch?: (done: number, result: FuzzResult) => void;
}

export interface Finding {
  seed: number;
  /** build: a checker rejection, an internal error or C failing the strict build (detail: its signature). */
  kind: 'mismatch' | 'sanitizer' | 'node_error' | 'build';
  config: string;
  detail: Mismatch | string;
  /** The shrunk program, when shrinking ran. */
  minimal?: string;
  regression?: string;
  shrink?: { checks: number; ms: number; lines_before: number; lines_after: number };
}

export interface FuzzResult {
  programs: number;
  cases: number;
  mismatches: number;
  sanitizer_reports: number;
  checker_rejections: number;
  /** Rejections that are FW9001 (an internal codegen error, never the program's fault). */
  internal_errors: number;
  transpiler_crashes: number;
  /** Programs whose C does not compile at all (not even with -Wno-error). */
  c_compile_errors: number;
  /** Programs not compared because their batch's binary could not be built. */
  unrun: number;
  /** Failure signature (failureSignature()) -> programs, first seeds. */
  signatures: Record<string, { programs: number; seeds: number[] }>;
  node_errors: number;
  /** Programs whose generated C failed the strict -Werror build, by warning flag. */
  build_failures: number;
  warnings: Record<string, number>;
  /** Examples: the first program seeds per warning flag, with the first compiler lines. */
  warning_examples: Record<string, { seed: number; excerpt: string }>;
  rejections: { seed: number; codes: number[]; diagnostics: string }[];
  findings: Finding[];
  ms: number;
  programs_per_minute: number;
  cases_per_second: number;
  /** Accepted kind x context -> programs containing it, and the generator's features. */
  coverage: CoverageReport;
}

const prefixOf = (seed: number): string => `p_${seed}`;

/** Generate, transpile, build and compare `programs` random programs. */
export async function fuzzCodegen(options: FuzzOptions): Promise<FuzzResult> {
  const t0 = Date.now();
  const seed = options.seed ?? 1;
  const casesPer = options.casesPerProgram ?? 24;
  const batchSize = options.batch ?? 25;
  const outSize = options.outSize ?? 256;
  const configs = corpusConfigs({ targets: options.targets, compilers: options.compilers, optLevels: options.optLevels });
  const work = options.workDir ?? path.join(REPO, 'build', 'fuzz', String(seed));
  const regDir = options.regressionsDir === undefined ? path.join(REPO, 'test', 'diff', 'regressions') : options.regressionsDir;
  const res: FuzzResult = {
    programs: 0,
    cases: 0,
    mismatches: 0,
    sanitizer_reports: 0,
    checker_rejections: 0,
    internal_errors: 0,
    transpiler_crashes: 0,
    c_compile_errors: 0,
    unrun: 0,
    signatures: {},
    node_errors: 0,
    build_failures: 0,
    warnings: {},
    warning_examples: {},
    rejections: [],
    findings: [],
    ms: 0,
    programs_per_minute: 0,
    cases_per_second: 0,
    coverage: { programs: 0, syntax: [], features: {}, zero: [] },
  };
  const coverage = new Coverage(allowList(), featureNames(options.gen));
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  let shrunk = 0;
  let nextSeed = seed;

  for (let b0 = 0; b0 < options.programs; b0 += batchSize) {
    if (b0 > 0 && options.budgetMs !== undefined && Date.now() - t0 >= options.budgetMs) break;
    const bdir = path.join(work, `b${b0}`);
    const cdir = path.join(bdir, 'c');
    mkdirSync(cdir, { recursive: true });
    const progs = new Map<string, { seed: number; ast: Program }>();
    // Checker rejections, internal errors and C that fails the strict build, by signature.
    const failures: { file: string; check: StrictCheck; compiler: Compiler }[] = [];
    const this_reportFailures = async (): Promise<void> => {
      for (const x of failures.splice(0)) {
        const { seed: s, ast } = progs.get(x.file)!;
        for (const sig of failureSignatures(x.check)) {
          const entry = (res.signatures[sig] ??= { programs: 0, seeds: [] });
          entry.programs++;
          if (entry.seeds.length < 5) entry.seeds.push(s);
          if (entry.programs > 1) continue;
          const f: Finding = { seed: s, kind: 'build', config: `${x.compiler}-strict`, detail: sig };
          res.findings.push(f);
          if (options.shrink !== false && shrunk < (options.maxShrinks ?? 10)) {
            shrunk++;
            await shrinkBuildFailure(f, ast, sig, x.compiler, path.join(bdir, 'shrink'), options);
          }
        }
      }
    };
    for (let k = b0; k < Math.min(options.programs, b0 + batchSize); k++) {
      // With `only`, program k is the next seed whose program has all of those features.
      let s = (seed + k) >>> 0;
      let ast: Program;
      for (;;) {
        if (options.only?.length) s = nextSeed++;
        ast = new Generator(s, { ...options.gen, preludeImport: path.relative(bdir, path.join(REPO, 'firmware/lib/prelude.ts')).split(path.sep).join('/'), tag: String(s) }).generate();
        if (!options.only?.length) break;
        const has = featuresOf(ast);
        if (options.only.every((t) => has.has(t))) break;
        if (nextSeed - seed > 1000 * options.programs) throw new Error(`fuzz-codegen --only ${options.only.join(',')}: no program with these features in ${nextSeed - seed} seeds`);
      }
      const file = path.join(bdir, `${prefixOf(s)}.ts`);
      const text = renderProgram(ast);
      coverage.add(text, ast);
      if (options.generateOnly) continue;
      writeFileSync(file, text);
      progs.set(file, { seed: s, ast });
    }
    if (options.generateOnly) {
      res.programs = Math.min(options.programs, b0 + batchSize);
      options.onBatch?.(res.programs, res);
      continue;
    }
    res.programs += progs.size;
    // One transpile() for the batch; isolate rejected programs and transpile the rest again.
    let entries = [...progs.keys()];
    let tr: ReturnType<typeof transpile> | null = null;
    // (Lowering stops at the first module it cannot lower, so a batch may need one pass per bad
    // program: bounded by the batch size.)
    for (let attempt = 0; attempt <= batchSize && entries.length; attempt++) {
      try {
        tr = transpile(entries, { outDir: cdir });
      } catch {
        tr = null;
      }
      if (tr?.ok) break;
      const bad = new Set<string>();
      if (tr) {
        for (const d of tr.diagnostics) if (d.file) bad.add(path.resolve(d.file.fileName));
      }
      if (!tr || bad.size === 0) {
        // A crash or a diagnostic without a file: go one by one.
        for (const f of entries) {
          try {
            const one = transpile([f], {});
            if (!one.ok) bad.add(f);
          } catch (e) {
            res.transpiler_crashes++;
            res.rejections.push({ seed: progs.get(f)!.seed, codes: [], diagnostics: `transpile() threw: ${e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 6).join('\n') : String(e)}` });
            failures.push({ file: f, check: { crash: e instanceof Error ? e.message : String(e), codes: [], diagnostics: '', log: '' }, compiler: 'gcc' });
            entries = entries.filter((x) => x !== f);
          }
        }
      }
      for (const f of bad) {
        if (!entries.includes(f)) continue;
        const one = transpile([f], {});
        const codes = [...new Set(one.diagnostics.map((d) => d.code))];
        res.checker_rejections++;
        if (/FW9001/.test(one.format(false))) res.internal_errors++;
        res.rejections.push({ seed: progs.get(f)!.seed, codes, diagnostics: one.format(false).split('\n').slice(0, 20).join('\n') });
        failures.push({ file: f, check: { codes, diagnostics: one.format(false), log: '' }, compiler: 'gcc' });
        entries = entries.filter((x) => x !== f);
      }
      tr = null;
    }
    if (!tr?.ok || !entries.length) {
      if (entries.length) res.unrun += entries.length;
      await this_reportFailures();
      options.onBatch?.(res.programs, res);
      continue;
    }
    let mods = entries.map((f) => ({ tsPath: f, prefix: tr!.modules.get(f) ?? prefixOf(progs.get(f)!.seed) }));
    const inputs = makeInputs(casesPer, seed + b0);
    let batch = await runDiffBatch(cdir, mods, inputs, { outSize, configs, separateWarnings: true, noDebugInfo: true, sanitizers: options.sanitizers });
    // C that does not compile even without -Werror stops the whole batch's binary: drop the
    // programs the errors point at (their .c/.h) and run the rest again.
    for (let attempt = 0; attempt < 3 && batch.configs.some((c) => !c.built); attempt++) {
      const broken = new Set<number>();
      for (const bf of batch.buildFailures) {
        if (bf.config.endsWith('-strict')) continue;
        for (const m of bf.log.matchAll(/p_(\d+)\.(?:ts|c|h):\d+:\d+: error: (?!.*\[-Werror)/g)) broken.add(Number(m[1]));
      }
      const drop = mods.filter((m) => broken.has(progs.get(m.tsPath)!.seed));
      if (!drop.length) break;
      for (const m of drop) {
        for (const ext of ['.c', '.h']) rmSync(path.join(cdir, m.prefix + ext), { force: true });
        res.c_compile_errors++;
      }
      mods = mods.filter((m) => !drop.includes(m));
      if (!mods.length) break;
      const again = await runDiffBatch(cdir, mods, inputs, { outSize, configs, separateWarnings: true, noDebugInfo: true, sanitizers: options.sanitizers });
      // Keep the strict-build logs of the first run: they name the dropped programs.
      batch = { ...again, buildFailures: [...batch.buildFailures.filter((b) => b.config.endsWith('-strict')), ...again.buildFailures.filter((b) => !b.config.endsWith('-strict'))] };
    }
    if (!mods.length || batch.configs.some((c) => !c.built)) {
      res.unrun += mods.length;
      mods = [];
    }
    res.cases += inputs.length * mods.length;
    // Strict-build failures, attributed to programs through the #line paths in the log.
    const failedSeeds = new Set<number>();
    const seen = new Set<string>();
    for (const bf of batch.buildFailures) {
      // One failure per program and signature (the first message of that program in this log).
      const compiler: Compiler = bf.config.startsWith('clang') ? 'clang' : 'gcc';
      // (Lines of the C files themselves, without a #line, name p_<seed>.c or .h.)
      for (const m of new Set([...bf.log.matchAll(/p_(\d+)\.(?:ts|c|h):\d+:\d+: error: /g)].map((x) => Number(x[1])))) {
        const file = [...progs].find(([, v]) => v.seed === m)?.[0];
        const mine = (l: string): boolean => new RegExp(`p_${m}\\.(ts|c|h):`).test(l);
        if (file && !failures.some((f) => f.file === file)) failures.push({ file, check: { codes: [], diagnostics: '', log: bf.log.split('\n').filter(mine).join('\n') }, compiler });
        failedSeeds.add(m);
      }
      for (const line of bf.log.split('\n')) {
        const m = /p_(\d+)\.ts:\d+:\d+: (?:error|warning): .*\[(-Werror[=,][\w-]+(?:,-W[\w-]+)?)\]/.exec(line);
        if (!m) continue;
        const s = Number(m[1]);
        for (const w of warningKinds(`[${m[2]}]`)) {
          if (!seen.has(`${w} ${s}`)) res.warnings[w] = (res.warnings[w] ?? 0) + 1;
          seen.add(`${w} ${s}`);
          if (!res.warning_examples[w]) {
            const i = bf.log.indexOf(line);
            res.warning_examples[w] = { seed: s, excerpt: bf.log.slice(i, i + 600).split('\n').slice(0, 4).join('\n') };
          }
        }
        failedSeeds.add(s);
      }
    }
    res.build_failures += failedSeeds.size;
    await this_reportFailures();
    for (const m of batch.modules.filter((x) => mods.some((y) => y.tsPath === x.tsPath))) {
      const { seed: s, ast } = progs.get(m.tsPath)!;
      res.node_errors += m.nodeErrors;
      if (m.nodeErrors) {
        const c = m.node.cases.find((x) => x.status === 2);
        res.findings.push({ seed: s, kind: 'node_error', config: 'node', detail: c?.error ?? m.node.init.error ?? '' });
      }
      if (m.sanitizer.length) res.sanitizer_reports++;
      if (m.mismatches.length) res.mismatches++;
      if (!m.mismatches.length && !m.sanitizer.length) continue;
      const kind = m.mismatches.length ? 'mismatch' : 'sanitizer';
      const config = m.mismatches.length ? m.mismatches[0]!.config : m.sanitizer[0]!.config;
      const f: Finding = { seed: s, kind, config, detail: m.mismatches.length ? m.mismatches[0]! : m.sanitizer[0]!.text };
      res.findings.push(f);
      if (options.shrink !== false && shrunk < (options.maxShrinks ?? 10)) {
        shrunk++;
        await shrinkFinding(f, ast, inputs, `cases=${casesPer} seed=${seed + b0} outSize=${outSize}`, path.join(bdir, 'shrink'), regDir, options);
      }
    }
    if (!options.keep) rmSync(cdir, { recursive: true, force: true });
    options.onBatch?.(res.programs, res);
  }
  if (!options.keep) rmSync(work, { recursive: true, force: true });
  res.coverage = coverage.report();
  res.ms = Date.now() - t0;
  res.programs_per_minute = Math.round((res.programs / Math.max(1, res.ms)) * 60_000 * 10) / 10;
  res.cases_per_second = Math.round((res.cases / Math.max(1, res.ms)) * 1000);
  return res;
}

async function shrinkFinding(
  f: Finding,
  ast: Program,
  inputs: readonly Uint8Array[],
  spec: string,
  dir: string,
  regDir: string | null,
  options: FuzzOptions,
): Promise<void> {
  const outSize = Number(/outSize=(\d+)/.exec(spec)![1]);
  const [compiler, opt] = [f.config.startsWith('clang') ? 'clang' : 'gcc', f.config.replace(/^(gcc|clang)/, '')] as [Compiler, OptLevel];
  let n = 0;
  // Candidates sit beside the original program (same relative prelude import).
  const file = (): string => path.join(path.dirname(dir), `${prefixOf(f.seed)}_s${n++}.ts`);
  const before = renderProgram(ast);
  // A finding on a QEMU target (config qemu:<machine>-O2) is shrunk on that target.
  const qemu = /^(qemu:.+)(-O\d)$/.exec(f.config);
  const [cases, seed] = [/cases=(\d+)/, /seed=(\d+)/].map((re) => Number(re.exec(spec)![1])) as [number, number];
  const stillFails = async (src: string): Promise<boolean> => {
    const p = file();
    writeFileSync(p, src);
    if (qemu) {
      const q = await difftestCorpus([p], { cases, seed, outSize, targets: [qemu[1]!], qemuOptLevels: [qemu[2] as OptLevel], workDir: path.join(dir, 'q') });
      const m = q.modules[0];
      return !!m?.transpile_ok && (f.kind === 'mismatch' ? m.mismatching_cases > 0 : m.sanitizer.length > 0);
    }
    const r = await difftest(p, { inputs, outSize, compilers: [compiler], optLevels: [opt] });
    if (!r.transpile_ok) return false;
    return f.kind === 'mismatch' ? r.mismatches > 0 : r.sanitizer_reports > 0;
  };
  const { program, stats } = await shrink(ast, stillFails, { maxChecks: options.shrinkMaxChecks ?? 300, maxMs: options.shrinkMaxMs ?? 180_000 });
  // Re-run the minimal program for the report.
  const minimal = renderProgram(program);
  const p = file();
  writeFileSync(p, minimal);
  const r = await difftest(p, { inputs, outSize, compilers: [compiler], optLevels: [opt] });
  if (r.first_mismatch) f.detail = r.first_mismatch;
  else if (r.sanitizer_excerpt) f.detail = r.sanitizer_excerpt;
  f.minimal = minimal;
  f.shrink = { checks: stats.checks, ms: stats.ms, lines_before: before.split('\n').length, lines_after: minimal.split('\n').length };
  if (options.findingsDir) {
    const d = f.detail;
    const what = typeof d === 'string' ? `${f.kind} (${f.config}): ${d.split('\n').find((l) => /ERROR|runtime error/.test(l))?.trim() ?? d.split('\n')[0]}` : `Node vs C mismatch (${d.config}): ${d.differs.join(', ')} differ`;
    const det = typeof d === 'string' ? d.split('\n').slice(0, 6).map((l) => `// ${l}`).join('\n') : `// case input ${d.input_hex || '(empty)'}\n// node: status ${d.node.status} value 0x${d.node.value.toString(16)} out ${d.node.output_hex.slice(0, 100)}\n// c:    ${d.c ? `status ${d.c.status} value 0x${d.c.value.toString(16)} out ${d.c.output_hex.slice(0, 100)}` : '(died)'}\n// @difftest ${spec}`;
    f.regression = saveFinding(options.findingsDir, `fuzz-${f.seed}-${f.kind}`, what, f, det, minimal);
  }
  if (regDir) {
    mkdirSync(regDir, { recursive: true });
    const target = path.join(regDir, `${f.seed}.ts`);
    const rel = path.relative(regDir, path.join(REPO, 'firmware/lib/prelude.ts')).split(path.sep).join('/');
    const text = minimal.replace(/from '[^']*prelude\.ts'/, `from '${rel}'`);
    const d = f.detail;
    const note =
      typeof d === 'string'
        ? d.split('\n').slice(0, 4).map((l) => `// ${l}`).join('\n')
        : `// [${d.config}] case ${d.case} differs in ${d.differs.join(', ')}; input ${d.input_hex || '(empty)'}\n` +
          `// node: status ${d.node.status} value 0x${d.node.value.toString(16)} out ${d.node.output_hex.slice(0, 120)}\n` +
          `// c:    ${d.c ? `status ${d.c.status} value 0x${d.c.value.toString(16)} out ${d.c.output_hex.slice(0, 120)}` : '(died)'}`;
    writeFileSync(target, `// Regression from fuzz-codegen (program seed ${f.seed}, ${f.kind}).\n// @difftest ${spec} config=${f.config}\n${note}\n${text}`);
    f.regression = path.relative(REPO, target);
  }
}

/** Shrink a program while it fails the same way (same failureSignature()), and save it. */
async function shrinkBuildFailure(f: Finding, ast: Program, sig: string, compiler: Compiler, dir: string, options: FuzzOptions): Promise<void> {
  mkdirSync(path.dirname(dir), { recursive: true });
  let n = 0;
  const before = renderProgram(ast);
  const stillFails = async (src: string): Promise<boolean> => {
    const p = path.join(path.dirname(dir), `${prefixOf(f.seed)}_b${n++ % 4}.ts`);
    writeFileSync(p, src);
    return failureSignatures(await strictCheck(p, compiler)).includes(sig);
  };
  const { program, stats } = await shrink(ast, stillFails, { maxChecks: options.shrinkMaxChecks ?? 300, maxMs: options.shrinkMaxMs ?? 180_000 });
  const minimal = renderProgram(program);
  f.minimal = minimal;
  f.shrink = { checks: stats.checks, ms: stats.ms, lines_before: before.split('\n').length, lines_after: minimal.split('\n').length };
  if (options.findingsDir) {
    const p = path.join(path.dirname(dir), `${prefixOf(f.seed)}_min.ts`);
    writeFileSync(p, minimal);
    const c = await strictCheck(p, compiler);
    const excerpt = (c.crash ?? (c.diagnostics || c.log)).split('\n').filter((l) => l.trim()).slice(0, 6).map((l) => `// ${l}`).join('\n');
    const kind = sig.split(':')[0]!.replace(/\W+/g, '-');
    const what = sig.startsWith('internal') ? 'internal error' : sig.startsWith('rejected') ? 'checker rejection' : sig.startsWith('crash') ? 'transpiler crash' : 'strict-build error';
    f.regression = saveFinding(options.findingsDir, `fuzz-${f.seed}-${kind}`, `${what}: ${sig} (${compiler}, strict flags)`, f, excerpt, minimal);
  }
}

/** Write a shrunk program to `dir/name.ts`: a first line saying what differs, then the details. */
function saveFinding(dir: string, name: string, what: string, f: Finding, details: string, program: string): string {
  mkdirSync(dir, { recursive: true });
  let target = path.join(dir, `${name}.ts`);
  for (let k = 2; existsSync(target); k++) target = path.join(dir, `${name}-${k}.ts`);
  const rel = path.relative(dir, path.join(REPO, 'firmware/lib/prelude.ts')).split(path.sep).join('/');
  const text = program.replace(/from '[^']*prelude\.ts'/, `from '${rel}'`).replace(/^\/\/ Generated by codegen\/src\/fuzz.*\n/, '');
  const sh = f.shrink ? `, shrunk ${f.shrink.lines_before} -> ${f.shrink.lines_after} lines` : '';
  writeFileSync(target, `// ${what}\n// fuzz-codegen program seed ${f.seed}${sh}.\n${details}\n${text}`);
  return target;
}
