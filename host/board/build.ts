// Board builds (host/board/build.ts): lower the device entry (and everything it imports) to C with the FwTS transpiler,
// then compile the generated C and the board's own sources with the board's compiler and flags.
// A board is described by boards/<name>/board.json; the QEMU boards reuse this with a cross
// compiler and a linker script in their ldflags.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { appModules } from '../app/modules.ts';
import { appGenDir, mergeApp } from '../app/merge.ts';
import { readRecord, writeRecord, upToDate, hashText, hashFiles, hashTree, depFiles, syncDir, type BuildRecord } from './incremental.ts';
import { sizeReport, formatSizeReport, type SizeReport } from './size.ts';
import { softfpLinkFlags, usesSoftfp } from './softfp.ts';
import { selectBuiltins, linkBuiltins, BuiltinsError, type BuiltinLink } from './builtins.ts';
import type { BuiltinFunction } from '../app/rpc-tables.ts';

const run = promisify(execFile);

import { REPO, BUILD_ROOT } from '../repo.ts';

export interface BoardConfig {
  name: string;
  description?: string;
  /** FwTS entry module(s), relative to the repository. */
  entry: string | string[];
  /** Hand-written C of the board (main loop, platform hooks), relative to the repository. */
  sources: string[];
  cc: string;
  cflags: string[];
  ldflags: string[];
  /** Executable name inside build/<board>/. */
  output: string;
  /** Cross boards: binutils `size`; when set, the link writes a map and the build reports sizes. */
  size?: string;
  cpu?: string;
  memory?: { flash?: number; ram?: number };
  uart?: { model: string; base?: string; irq?: number };
  /** Stack bytes the firmware gets, for `urpc stack` (default: STACK_SIZE of the -T linker script). */
  stack?: number;
  /** For `urpc stack`, which parses no C: the indirect calls of the board's hand-written C (`type`:
   * the function-pointer typedef of the generated C it calls through; `line`: none means every
   * indirect call in that file) and the functions called from outside the analysed code (a signal
   * handler). The generated C's own are recorded by the lowering. */
  indirect?: {
    sites?: { file: string; line?: number; caller: string; via: string; type?: string; slot?: string }[];
    handlers?: string[];
  };
  /** The built-in device functions linked (wire names; host/board/builtins.ts); the system
   * functions a TVM session needs are always linked. Default: all. */
  builtins?: string[];
  /** QEMU boards (urpc qemu, connect('qemu:<machine>')). */
  qemu?: { binary: string; machine: string; args?: string[]; startTimeoutMs?: number };
}

export interface BuildOptions {
  /** Repository root (default: this checkout). */
  repo?: string;
  /** Output directory (default build/<board>). */
  outDir?: string;
  /** Overrides the board's compiler (also $CC). */
  cc?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** An app folder: its exported FwTS functions become device functions (host/app/lower.ts). */
  app?: string;
  /** Flags appended to the board's cflags (compile and link), e.g. -fstack-usage (host/board/stack.ts). */
  extraCflags?: string[];
  /** The built-in device functions to link, in place of the board's "builtins" (default: the
   * board's, else all): wire names such as 'urpc.echo' (host/board/builtins.ts). */
  builtins?: string[];
  /** Blank the generated C's `#line` directives so compiler locations point into gen/ (stack.ts). */
  noLineDirectives?: boolean;
}

export interface BuildResult {
  board: string;
  /** Absolute path of the executable / image. */
  output: string;
  genDir: string;
  cFiles: number;
  transpileMs: number;
  compileMs: number;
  /** Cross boards: .text/.data/.bss and flash/RAM per module. */
  sizes?: SizeReport;
  /** Each compiled C file (absolute, as passed to the compiler) and its object. */
  units: { src: string; o: string }[];
  /** Wire names of the built-in device functions linked, in registry order. */
  builtins: string[];
  /** What was lowered again: 'firmware' and/or 'app' (empty: nothing they depend on changed). */
  lowered: string[];
  /** How many of the units were compiled again. */
  compiled: number;
}

export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

export function boardNames(repo = REPO): string[] {
  const dir = path.join(repo, 'boards');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'board.json'))).sort();
}

export function loadBoard(name: string, repo = REPO): BoardConfig {
  const file = path.join(repo, 'boards', name, 'board.json');
  if (!fs.existsSync(file)) {
    throw new BuildError(`unknown board '${name}' (no ${path.relative(process.cwd(), file)}); boards: ${boardNames(repo).join(', ') || 'none'}`);
  }
  const b = JSON.parse(fs.readFileSync(file, 'utf8')) as BoardConfig;
  for (const k of ['entry', 'sources', 'cc', 'cflags', 'output'] as const) {
    if (b[k] === undefined) throw new BuildError(`${file}: missing "${k}"`);
  }
  if (b.builtins !== undefined) checkBuiltins(b.builtins, `${path.relative(process.cwd(), file)} "builtins"`);
  return { ...b, name: b.name ?? name, ldflags: b.ldflags ?? [] };
}

/** The built-ins `listed` selects (all when undefined); a BuildError when it names something
 * that is not a built-in device function (builtins.ts). */
function checkBuiltins(listed: readonly string[] | undefined, where: string): BuiltinFunction[] {
  try {
    return selectBuiltins(listed, where);
  } catch (e) {
    if (e instanceof BuiltinsError) throw new BuildError(e.message);
    throw e;
  }
}

/** The files of a folder by name (the C a step lowered and kept). */
function readDir(dir: string): Map<string, string> {
  return new Map(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** The transpiler's own code and runtime: a new urpc may lower the same FwTS differently. */
let toolsHash: string | undefined;
function transpilerHash(): string {
  const code = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'); // the checkout, or dist/
  toolsHash ??= hashTree([path.join(code, 'codegen/src'), path.join(code, 'host/app'), path.join(REPO, 'codegen/runtime')]);
  return toolsHash;
}

/** The built-ins this build links: the option's list, else the board's (checked by loadBoard),
 * else all (builtins.ts). */
function builtinLink(cfg: BoardConfig, opts: BuildOptions, repo: string, out: string): BuiltinLink {
  const listed = opts.builtins ?? cfg.builtins;
  return linkBuiltins(checkBuiltins(listed, opts.builtins !== undefined ? 'the builtins option' : 'builtins'), repo, out);
}

/**
 * Lowers and compiles a board, incrementally (incremental.ts): the FwTS is lowered again only when
 * an input changed, and only the C files whose text, headers or flags changed are compiled again;
 * objects are compiled in parallel; any compiler output fails the build.
 */
export async function buildBoard(board: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const repo = opts.repo ?? REPO;
  const cfg = loadBoard(board, repo);
  const log = opts.log ?? (() => undefined);
  const out = opts.outDir ?? path.join(opts.repo === undefined ? BUILD_ROOT : path.join(repo, 'build'), board);
  const gen = path.join(out, 'gen');
  const obj = path.join(out, 'obj');
  const entries = (Array.isArray(cfg.entry) ? cfg.entry : [cfg.entry]).map((e) => path.join(repo, e));
  const shown = (f: string): string => path.relative(process.cwd(), f) || '.';
  fs.mkdirSync(out, { recursive: true });
  const link = builtinLink(cfg, opts, repo, out);
  const { substitutes } = link;
  const record = readRecord(out);
  const next: BuildRecord = { version: 2, steps: {} };

  // 1. FwTS -> C: the firmware's (kept in gen-fw/), the app's (kept in gen-app/), each lowered
  // again only when something it depends on changed; then merged into gen/ file by file.
  const t0 = Date.now();
  const fwDir = `${gen}-fw`; // next to gen/ (same depth: same #line paths)
  const lowered: string[] = [];
  // The selection and the modules standing in for others: a new selection lowers everything again.
  const substituted = [...link.functions.map((f) => f[1]), ...[...substitutes].flat()];
  const fwKey = hashText('lower-firmware', transpilerHash(), ...entries, ...substituted);
  let files: Map<string, string>;
  if (upToDate(record.steps.firmware, fwKey)) {
    next.steps.firmware = record.steps.firmware!;
    files = readDir(fwDir);
  } else {
    // The transpiler (TypeScript) is loaded only now: a build with nothing to lower needs none of it.
    const { transpile } = await import('../../codegen/src/index.ts');
    const { PRELUDE, PRELUDE_FLOAT, FW_LIB } = await import('../../codegen/src/program.ts');
    fs.rmSync(fwDir, { recursive: true, force: true });
    const r = transpile(entries, { outDir: fwDir, substitutes });
    if (!r.ok) throw new BuildError(`urpc ts2c failed:\n${r.format(false)}`);
    files = new Map(r.files);
    next.steps.firmware = { key: fwKey, files: hashFiles([...r.modules.keys(), PRELUDE, PRELUDE_FLOAT, FW_LIB, ...[...files.keys()].map((f) => path.join(fwDir, f))]) };
    lowered.push('firmware');
    if (substitutes.size > 0) log(`builtins: ${link.functions.map((f) => f[1]).join(', ')} (${shown(path.join(out, 'builtins'))})`);
    log(`ts2c: ${entries.map((e) => path.relative(repo, e)).join(' ')} -> ${[...files.keys()].filter((f) => f.endsWith('.c')).length} C files in ${shown(gen)} (${Date.now() - t0} ms)`);
  }
  const appDir = opts.app === undefined ? undefined : path.resolve(opts.app);
  if (appDir !== undefined) {
    const appKey = hashText('lower-app', transpilerHash(), appDir, ...appModules(appDir), ...substituted);
    let appFiles: Map<string, string>;
    if (upToDate(record.steps.app, appKey)) {
      next.steps.app = record.steps.app!;
      appFiles = readDir(appGenDir(gen));
    } else {
      const { lowerApp } = await import('../app/lower.ts');
      const app = lowerApp(appDir, out, gen, substitutes);
      appFiles = app.files;
      const appGen = appGenDir(gen);
      next.steps.app = { key: appKey, files: hashFiles([...app.inputs, app.dts, ...[...appFiles.keys()].map((f) => path.join(appGen, f))]) };
      lowered.push('app');
      log(`app: ${app.functions.map((f) => f.name).join(', ')} from ${opts.app} -> ${shown(app.registry)}, ${shown(app.dts)} (${app.transpileMs} ms)`);
    }
    mergeApp(files, appFiles);
  }
  if (lowered.length === 0) log(`ts2c: ${shown(gen)} is up to date`);
  if (opts.noLineDirectives) {
    for (const [name, text] of files) if (/\.[ch]$/.test(name)) files.set(name, text.replace(/^#line .*$/gm, ''));
  }
  syncDir(gen, files);
  const genFiles = [...files.keys()].sort();
  const transpileMs = Date.now() - t0;

  // 2. C -> objects, each compiled again only when its text, a header it includes or the flags changed.
  const cc = opts.cc ?? process.env.CC ?? cfg.cc;
  // __FILE__ under the generated #line directives is a .ts path relative to gen/
  // ("../../../firmware/rpc/wire.ts"); panics only ever show it repository-relative (trap.h and
  // panic_report.h drop leading ../), so the compiler drops gen/'s way back to the repository
  // from the strings it keeps in flash (about 20 B per module with a panic site).
  const cflags = [...cfg.cflags, `-fmacro-prefix-map=${path.relative(gen, repo)}/=`, ...(opts.extraCflags ?? [])];
  const t1 = Date.now();
  fs.mkdirSync(obj, { recursive: true });
  const genC = genFiles.filter((f) => f.endsWith('.c')).map((f) => path.join(gen, f));
  const boardC = cfg.sources.map((s) => path.join(repo, s));
  const units = [...genC.map((f) => ({ src: f, o: path.join(obj, path.basename(f, '.c') + '.o') })),
    ...boardC.map((f) => ({ src: f, o: path.join(obj, `board_${path.basename(f, '.c')}.o`) }))];
  let compiled = 0;
  await Promise.all(units.map(async (u) => {
    const key = hashText('cc', cc, ...cflags, '-I', gen, u.src, u.o);
    const step = `cc ${path.basename(u.o)}`;
    if (upToDate(record.steps[step], key) && fs.existsSync(u.o)) {
      next.steps[step] = record.steps[step]!;
      return;
    }
    const dep = `${u.o}.d`;
    try {
      const { stderr } = await run(cc, [...cflags, '-I', gen, '-MMD', '-MF', dep, '-c', u.src, '-o', u.o], { cwd: repo });
      if (stderr.trim() !== '') throw new BuildError(`${cc} ${path.relative(repo, u.src)}:\n${stderr}`);
    } catch (e) {
      fs.rmSync(u.o, { force: true });
      if (e instanceof BuildError) throw e;
      const err = e as { stderr?: string; message: string };
      throw new BuildError(`${cc} failed on ${path.relative(repo, u.src)}:\n${err.stderr || err.message}`);
    }
    compiled++;
    // Its side outputs (-fstack-usage .su, -fcallgraph-info .ci: urpc stack reads them) are outputs too.
    const stem = path.basename(u.o, '.o');
    const side = fs.readdirSync(obj).filter((f) => f.startsWith(`${stem}.`) && f !== path.basename(u.o) && f !== path.basename(dep)).map((f) => path.join(obj, f));
    next.steps[step] = { key, files: hashFiles([u.o, ...side, ...depFiles(fs.readFileSync(dep, 'utf8'), repo)]) };
  }));
  // What a unit no longer built left (x.o, x.o.d and side outputs such as x.su, x.ci of -fstack-usage).
  const stems = new Set(units.map((u) => path.basename(u.o, '.o')));
  for (const f of fs.readdirSync(obj)) if (!stems.has(f.slice(0, f.indexOf('.')))) fs.rmSync(path.join(obj, f), { force: true });

  // 3. Link, when an object or the link line changed.
  const output = path.join(out, cfg.output);
  const map = cfg.size ? [`-Wl,-Map=${output}.map`] : [];
  // arm-none-eabi-gcc: f64 add/sub from libgcc's C soft-fp, not its v7-m assembler (softfp.ts).
  // Cached in build/softfp/, or inside a caller's own outDir.
  const softfp = usesSoftfp(cc) ? await softfpLinkFlags(cc, opts.outDir === undefined ? path.dirname(out) : out) : [];
  const linkArgs = [...cflags, ...units.map((u) => u.o), ...cfg.ldflags, ...softfp, ...map, '-o', output];
  const linkKey = hashText('link', cc, ...linkArgs);
  if (upToDate(record.steps.link, linkKey) && fs.existsSync(output)) {
    next.steps.link = record.steps.link!;
  } else {
    try {
      await run(cc, linkArgs, { cwd: repo });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new BuildError(`link failed:\n${err.stderr || err.message}`);
    }
    next.steps.link = { key: linkKey, files: hashFiles([...units.map((u) => u.o), output]) };
  }
  writeRecord(out, next);
  const compileMs = Date.now() - t1;
  log(`${cc} ${cflags.join(' ')}: ${compiled} of ${units.length} files compiled -> ${shown(output)} (${compileMs} ms)`);
  const sizes = cfg.size ? await sizeReport(cfg.size, output, `${output}.map`, cfg.memory) : undefined;
  if (sizes) formatSizeReport(sizes).forEach((l) => log(l));
  return { board, output, genDir: gen, cFiles: units.length, transpileMs, compileMs, sizes, units, lowered, compiled,
    builtins: link.functions.map((f) => f[1]) };
}
