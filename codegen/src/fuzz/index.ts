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

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpile } from '../index.ts';
import { buildConfigs, DEFAULT_COMPILERS, DEFAULT_OPTS, difftest, runDiffBatch, warningKinds, type Compiler, type Mismatch, type OptLevel } from '../difftest/index.ts';
import { makeInputs } from '../difftest/inputs.ts';
import { renderProgram, type Program } from './ast.ts';
import { Generator, type GenOptions } from './gen.ts';
import { shrink } from './shrink.ts';

export { generateProgram, generateAst } from './gen.ts';
export { shrink } from './shrink.ts';
export { renderProgram } from './ast.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface FuzzOptions {
  programs: number;
  seed?: number;
  /** Random inputs per program (edge inputs are added). Default 24. */
  casesPerProgram?: number;
  /** Programs linked into one binary. Default 25. */
  batch?: number;
  compilers?: readonly Compiler[];
  optLevels?: readonly OptLevel[];
  outSize?: number;
  /** Shrink and save mismatches (default true). */
  shrink?: boolean;
  shrinkMaxChecks?: number;
  shrinkMaxMs?: number;
  /** Where regressions go (default test/diff/regressions); null: do not save. */
  regressionsDir?: string | null;
  /** Work dir for the programs (default build/fuzz/<seed>); kept only with keep. */
  workDir?: string;
  keep?: boolean;
  gen?: GenOptions;
  /** Progress callback after each batch. */
  onBatch?: (done: number, result: FuzzResult) => void;
}

export interface Finding {
  seed: number;
  kind: 'mismatch' | 'sanitizer' | 'node_error';
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
  transpiler_crashes: number;
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
}

const prefixOf = (seed: number): string => `p_${seed}`;

/** Generate, transpile, build and compare `programs` random programs. */
export async function fuzzCodegen(options: FuzzOptions): Promise<FuzzResult> {
  const t0 = Date.now();
  const seed = options.seed ?? 1;
  const casesPer = options.casesPerProgram ?? 24;
  const batchSize = options.batch ?? 25;
  const outSize = options.outSize ?? 256;
  const configs = buildConfigs(options.compilers ?? DEFAULT_COMPILERS, options.optLevels ?? DEFAULT_OPTS);
  const work = options.workDir ?? path.join(REPO, 'build', 'fuzz', String(seed));
  const regDir = options.regressionsDir === undefined ? path.join(REPO, 'test', 'diff', 'regressions') : options.regressionsDir;
  const res: FuzzResult = {
    programs: 0,
    cases: 0,
    mismatches: 0,
    sanitizer_reports: 0,
    checker_rejections: 0,
    transpiler_crashes: 0,
    node_errors: 0,
    build_failures: 0,
    warnings: {},
    warning_examples: {},
    rejections: [],
    findings: [],
    ms: 0,
    programs_per_minute: 0,
    cases_per_second: 0,
  };
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });

  for (let b0 = 0; b0 < options.programs; b0 += batchSize) {
    const bdir = path.join(work, `b${b0}`);
    const cdir = path.join(bdir, 'c');
    mkdirSync(cdir, { recursive: true });
    const progs = new Map<string, { seed: number; ast: Program }>();
    for (let k = b0; k < Math.min(options.programs, b0 + batchSize); k++) {
      const s = (seed + k) >>> 0;
      const ast = new Generator(s, { ...options.gen, preludeImport: path.relative(bdir, path.join(REPO, 'firmware/lib/prelude.ts')).split(path.sep).join('/'), tag: String(s) }).generate();
      const file = path.join(bdir, `${prefixOf(s)}.ts`);
      writeFileSync(file, renderProgram(ast));
      progs.set(file, { seed: s, ast });
    }
    res.programs += progs.size;
    // One transpile() for the batch; isolate rejected programs and transpile the rest again.
    let entries = [...progs.keys()];
    let tr: ReturnType<typeof transpile> | null = null;
    for (let attempt = 0; attempt < 3 && entries.length; attempt++) {
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
            entries = entries.filter((x) => x !== f);
          }
        }
      }
      for (const f of bad) {
        if (!entries.includes(f)) continue;
        const one = transpile([f], {});
        res.checker_rejections++;
        res.rejections.push({ seed: progs.get(f)!.seed, codes: [...new Set(one.diagnostics.map((d) => d.code))], diagnostics: one.format(false).split('\n').slice(0, 20).join('\n') });
        entries = entries.filter((x) => x !== f);
      }
      tr = null;
    }
    if (!tr?.ok || !entries.length) {
      options.onBatch?.(res.programs, res);
      continue;
    }
    const mods = entries.map((f) => ({ tsPath: f, prefix: tr!.modules.get(f) ?? prefixOf(progs.get(f)!.seed) }));
    const inputs = makeInputs(casesPer, seed + b0);
    const batch = await runDiffBatch(cdir, mods, inputs, { outSize, configs, separateWarnings: true });
    res.cases += inputs.length * mods.length;
    // Strict-build failures, attributed to programs through the #line paths in the log.
    const failedSeeds = new Set<number>();
    const seen = new Set<string>();
    for (const bf of batch.buildFailures) {
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
    for (const m of batch.modules) {
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
      if (options.shrink !== false) await shrinkFinding(f, ast, inputs, `cases=${casesPer} seed=${seed + b0} outSize=${outSize}`, path.join(bdir, 'shrink'), regDir, options);
    }
    if (!options.keep) rmSync(cdir, { recursive: true, force: true });
    options.onBatch?.(res.programs, res);
  }
  if (!options.keep) rmSync(work, { recursive: true, force: true });
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
  const stillFails = async (src: string): Promise<boolean> => {
    const p = file();
    writeFileSync(p, src);
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
