// libFuzzer builds of the FwTS fuzz harnesses (test/fuzz/targets/<target>_fuzz.ts): lowered to
// C by codegen's transpile(), compiled with test/fuzz/targets/entry.c by clang with
// -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all and the project's strict warning
// flags (codegen/src/difftest/cdriver.ts WARN_FLAGS). A build is reused while the generated C,
// entry.c and the flags are unchanged (build/fuzz/<target>/stamp).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transpile } from '../../codegen/src/index.ts';
import { WARN_FLAGS, pool, run } from '../../codegen/src/difftest/cdriver.ts';
import { REPO } from '../../host/repo.ts';

export const TARGETS = ['unframer', 'session', 'rpc'] as const;
export type Target = (typeof TARGETS)[number];

export const FUZZ_DIR = path.join(REPO, 'test', 'fuzz');
export const ENTRY_C = path.join(FUZZ_DIR, 'targets', 'entry.c');

export const harnessPath = (t: Target): string => path.join(FUZZ_DIR, 'targets', `${t}_fuzz.ts`);
/** Committed seed corpus and crash regressions of a target. */
export const corpusDir = (t: Target): string => path.join(FUZZ_DIR, 'corpus', t);
export const regressionDir = (t: Target): string => path.join(FUZZ_DIR, 'regressions', t);

const COMMON = ['-g', '-O1', '-fno-omit-frame-pointer', '-fno-sanitize-recover=all'];
/** The code under test (everything lowered from firmware/): coverage-guided and sanitized. */
export const FUZZ_FLAGS = [...COMMON, '-fsanitize=fuzzer-no-link,address,undefined'];
/** The harness itself (test/fuzz/targets: its CRC, encoder, parser and model): sanitized, but
 * without coverage and comparison tracing, which cost more than half the time of an input and
 * would steer the fuzzer towards the harness rather than the firmware. */
export const HARNESS_FLAGS = [...COMMON, '-fsanitize=address,undefined'];
export const LINK_FLAGS = [...COMMON, '-fsanitize=fuzzer,address,undefined'];

export interface FuzzBuild {
  target: Target;
  binary: string;
  genDir: string;
  /** The binary of an earlier build was reused. */
  cached: boolean;
  ms: number;
}

export class FuzzBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuzzBuildError';
  }
}

function listFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort() : [];
}

/** The committed inputs of a target: seed corpus files, then regressions (absolute paths). */
export function committedInputs(t: Target): string[] {
  return [
    ...listFiles(corpusDir(t)).map((f) => path.join(corpusDir(t), f)),
    ...listFiles(regressionDir(t)).map((f) => path.join(regressionDir(t), f)),
  ];
}

/** Is clang with the libFuzzer runtime there? (libclang-rt-14-dev, scripts/setup.sh) */
export async function haveLibFuzzer(cc = process.env.FUZZ_CC ?? 'clang'): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'urpc-fuzz-probe-'));
  try {
    const src = path.join(dir, 'p.c');
    fs.writeFileSync(src, '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n');
    const r = await run(cc, ['-fsanitize=fuzzer,address,undefined', src, '-o', path.join(dir, 'p')], null, 120_000);
    return r.code === 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Lowers the target's harness to C and builds the fuzzer (or reuses an identical build). */
export async function buildFuzzer(target: Target, opts: { outDir?: string; cc?: string; log?: (l: string) => void; coverage?: boolean } = {}): Promise<FuzzBuild> {
  const t0 = Date.now();
  const cc = opts.cc ?? process.env.FUZZ_CC ?? 'clang';
  const out = opts.outDir ?? path.join(REPO, 'build', 'fuzz', opts.coverage ? `${target}-coverage` : target);
  const gen = path.join(out, 'gen');
  const entry = harnessPath(target);
  fs.rmSync(gen, { recursive: true, force: true });
  const r = transpile([entry], { outDir: gen });
  if (!r.ok) throw new FuzzBuildError(`ts2c ${path.relative(REPO, entry)} failed:\n${r.format(false)}`);
  const prefix = r.modules.get(path.resolve(entry));
  if (prefix === undefined) throw new FuzzBuildError(`no C module for ${entry}`);
  const cFiles = [...r.files.keys()].filter((f) => f.endsWith('.c')).sort();
  const harnessDir = path.join(FUZZ_DIR, 'targets') + path.sep;
  const harnessC = new Set([...r.modules].filter(([src]) => src.startsWith(harnessDir)).map(([, p]) => `${p}.c`));
  const entryFlags = ['-include', `${prefix}.h`, `-DFUZZ_MAIN=${prefix}_main`, `-DFUZZ_INIT=${prefix}_module_init`];
  // --coverage: source-based coverage of the firmware's C (llvm-cov), no sanitizers.
  const cov = ['-g', '-O0', '-fsanitize=fuzzer-no-link', '-fprofile-instr-generate', '-fcoverage-mapping'];
  const flags = [...WARN_FLAGS, ...(opts.coverage ? cov : FUZZ_FLAGS)];
  const hflags = [...WARN_FLAGS, ...(opts.coverage ? ['-g', '-O0'] : HARNESS_FLAGS)];
  const linkFlags = opts.coverage ? ['-fsanitize=fuzzer', '-fprofile-instr-generate', '-fcoverage-mapping'] : LINK_FLAGS;

  const h = createHash('sha256');
  h.update(JSON.stringify([cc, flags, hflags, linkFlags, entryFlags, [...harnessC].sort()]));
  for (const f of [...r.files.keys()].sort()) h.update(f).update('\0').update(r.files.get(f)!).update('\0');
  h.update(fs.readFileSync(ENTRY_C));
  const stamp = h.digest('hex');
  const binary = path.join(out, `${target}_fuzzer`);
  const stampFile = path.join(out, 'stamp');
  if (fs.existsSync(binary) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
    return { target, binary, genDir: gen, cached: true, ms: Date.now() - t0 };
  }

  const obj = path.join(out, 'obj');
  fs.rmSync(obj, { recursive: true, force: true });
  fs.mkdirSync(obj, { recursive: true });
  const units = [
    ...cFiles.map((f) => ({ src: path.join(gen, f), o: path.join(obj, f.replace(/\.c$/, '.o')), flags: harnessC.has(f) ? hflags : flags })),
    { src: ENTRY_C, o: path.join(obj, 'fuzz_entry.o'), flags: [...hflags, ...entryFlags] },
  ];
  const results = await pool(units.map((u) => () => run(cc, [...u.flags, '-I', gen, '-c', u.src, '-o', u.o], null, 600_000)), 2);
  results.forEach((res, i) => {
    if (res.code !== 0 || res.stderr.trim() !== '') {
      throw new FuzzBuildError(`${cc} ${path.relative(REPO, units[i]!.src)}:\n${res.stderr}`);
    }
  });
  const link = await run(cc, [...linkFlags, ...units.map((u) => u.o), '-o', binary], null, 600_000);
  if (link.code !== 0) throw new FuzzBuildError(`link ${target}:\n${link.stderr}`);
  fs.writeFileSync(stampFile, stamp);
  opts.log?.(`${target}: ${units.length} C files -> ${path.relative(REPO, binary)} (${Date.now() - t0} ms)`);
  return { target, binary, genDir: gen, cached: false, ms: Date.now() - t0 };
}
