// The CI cross-build of a PlatformIO env without PlatformIO (its registry is unreachable here):
// the generated C and the portable platform core (firmware/platform/arduino/urpc_port.c) compiled
// with Debian's arm-none-eabi-gcc for the env's CPU (strict warnings, the env's -D flags), with
// test/pio/ci_main.c standing in for the framework's main, linked with newlib-nano and
// --gc-sections. Used by test/pio (it compiles, links and fits) and by `npm run bench` (linked
// sizes per layer for Cortex-M0+ and M4).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../repo.ts';
import { BOARD_CPUS, type PioEnv } from './ini.ts';
import { sizeReport, type SizeReport } from '../board/size.ts';

const run = promisify(execFile);

export const CI_STRICT = ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Wconversion', '-Wsign-conversion', '-Wdouble-promotion', '-Werror', '-Os',
  '-ffp-contract=off', '-ffreestanding', '-ffunction-sections', '-fdata-sections'];

export interface CiBuild {
  env: string;
  cpu: string;
  cflags: string[];
  elf: string;
  map: string;
  /** Compiler output per C file (empty when clean). */
  stderr: Record<string, string>;
  /** .text/.data/.bss of the image and what each object kept (from the map). */
  size: SizeReport;
  flashTotal: number;
  ramTotal: number;
}

/** Cross-builds `env` from the generated C in `gen` into `outDir`. Throws if the env is not ARM. */
export async function ciBuild(env: PioEnv, gen: string, outDir: string): Promise<CiBuild> {
  const cpu = BOARD_CPUS[env.board];
  if (cpu === undefined) throw new Error(`${env.name} (${env.board}): not ARM, no cross compiler here`);
  const src = path.join(REPO, 'firmware/platform/arduino');
  const defines = env.buildFlags.filter((f) => f.startsWith('-D'));
  const cfiles = [...fs.readdirSync(gen).filter((f) => f.endsWith('.c')).sort().map((f) => path.join(gen, f)),
    path.join(src, 'urpc_port.c'), path.join(REPO, 'test/pio/ci_main.c')];
  fs.mkdirSync(outDir, { recursive: true });
  const flags = [...cpu.cflags, ...CI_STRICT, ...defines, '-I', gen, '-I', src];
  const obj = (c: string): string => path.join(outDir, path.basename(c, '.c') + '.o');
  const stderr: Record<string, string> = {};
  await Promise.all(cfiles.map(async (c) => {
    const r = await run('arm-none-eabi-gcc', [...flags, '-c', c, '-o', obj(c)]);
    stderr[path.basename(c)] = r.stderr.trim();
  }));
  const elf = path.join(outDir, 'firmware.elf');
  const map = elf + '.map';
  await run('arm-none-eabi-gcc', [...cpu.cflags, ...cfiles.map(obj), '--specs=nano.specs', '--specs=nosys.specs',
    '-Wl,--gc-sections', `-Wl,-Map=${map}`, '-o', elf]);
  const size = await sizeReport('arm-none-eabi-size', elf, map, { flash: cpu.flash, ram: cpu.ram });
  return { env: env.name, cpu: cpu.cflags[0].replace(/^-mcpu=/, ''), cflags: flags, elf, map, stderr, size, flashTotal: cpu.flash, ramTotal: cpu.ram };
}
