// Board builds (host/board/build.ts): lower the device entry (and everything it imports) to C with the FwTS transpiler,
// then compile the generated C and the board's own sources with the board's compiler and flags.
// A board is described by boards/<name>/board.json; the QEMU boards reuse this with a cross
// compiler and a linker script in their ldflags.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { transpile } from '../../codegen/src/index.ts';
import { lowerApp } from '../app/lower.ts';
import { sizeReport, formatSizeReport, type SizeReport } from './size.ts';

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
  return { ...b, name: b.name ?? name, ldflags: b.ldflags ?? [] };
}

/** Lowers and compiles a board. Objects are compiled in parallel; any compiler output fails the build. */
export async function buildBoard(board: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const repo = opts.repo ?? REPO;
  const cfg = loadBoard(board, repo);
  const log = opts.log ?? (() => undefined);
  const out = opts.outDir ?? path.join(opts.repo === undefined ? BUILD_ROOT : path.join(repo, 'build'), board);
  const gen = path.join(out, 'gen');
  const obj = path.join(out, 'obj');
  const entries = (Array.isArray(cfg.entry) ? cfg.entry : [cfg.entry]).map((e) => path.join(repo, e));

  const t0 = Date.now();
  fs.rmSync(gen, { recursive: true, force: true });
  const r = transpile(entries, { outDir: gen });
  if (!r.ok) throw new BuildError(`urpc ts2c failed:\n${r.format(false)}`);
  const transpileMs = Date.now() - t0;
  const genC = [...r.files.keys()].filter((f) => f.endsWith('.c')).map((f) => path.join(gen, f));
  log(`ts2c: ${entries.map((e) => path.relative(repo, e)).join(' ')} -> ${genC.length} C files in ${path.relative(repo, gen)} (${transpileMs} ms)`);
  const app = opts.app === undefined ? undefined : lowerApp(opts.app, out, gen);
  if (app !== undefined) {
    genC.push(...app.addedC.map((f) => path.join(gen, f)));
    log(`app: ${app.functions.map((f) => f.name).join(', ')} from ${opts.app} -> ${path.relative(repo, app.registry)}, ${path.relative(repo, app.dts)} (${app.transpileMs} ms)`);
  }

  if (opts.noLineDirectives) {
    for (const f of fs.readdirSync(gen).filter((n) => /\.[ch]$/.test(n)).map((n) => path.join(gen, n))) {
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/^#line .*$/gm, ''));
    }
  }
  const cc = opts.cc ?? process.env.CC ?? cfg.cc;
  const cflags = [...cfg.cflags, ...(opts.extraCflags ?? [])];
  const t1 = Date.now();
  fs.rmSync(obj, { recursive: true, force: true });
  fs.mkdirSync(obj, { recursive: true });
  const boardC = cfg.sources.map((s) => path.join(repo, s));
  const units = [...genC.map((f) => ({ src: f, o: path.join(obj, path.basename(f, '.c') + '.o') })),
    ...boardC.map((f) => ({ src: f, o: path.join(obj, `board_${path.basename(f, '.c')}.o`) }))];
  await Promise.all(units.map(async (u) => {
    try {
      const { stderr } = await run(cc, [...cflags, '-I', gen, '-c', u.src, '-o', u.o], { cwd: repo });
      if (stderr.trim() !== '') throw new BuildError(`${cc} ${path.relative(repo, u.src)}:\n${stderr}`);
    } catch (e) {
      if (e instanceof BuildError) throw e;
      const err = e as { stderr?: string; message: string };
      throw new BuildError(`${cc} failed on ${path.relative(repo, u.src)}:\n${err.stderr || err.message}`);
    }
  }));
  const output = path.join(out, cfg.output);
  try {
    const map = cfg.size ? [`-Wl,-Map=${output}.map`] : [];
    await run(cc, [...cflags, ...units.map((u) => u.o), ...cfg.ldflags, ...map, '-o', output], { cwd: repo });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new BuildError(`link failed:\n${err.stderr || err.message}`);
  }
  const compileMs = Date.now() - t1;
  log(`${cc} ${cflags.join(' ')}: ${units.length} files -> ${path.relative(repo, output)} (${compileMs} ms)`);
  const sizes = cfg.size ? await sizeReport(cfg.size, output, `${output}.map`, cfg.memory) : undefined;
  if (sizes) formatSizeReport(sizes).forEach((l) => log(l));
  return { board, output, genDir: gen, cFiles: units.length, transpileMs, compileMs, sizes, units };
}
