// The flash cost of float support (issue 17): the qemu-lm3s6965evb (Cortex-M3, soft-float) image
// without floats (the default firmware, which the size section builds anyway) and with an app
// that uses them (examples/kernels: float32 dense + ReLU and a biquad, and the int8 layer), and
// in each the bytes of the float runtime: the soft-float and libm routines the linker kept
// (libgcc's __aeabi_f*/__aeabi_d* and their GNU names, sqrt/floor/...). FwTS's float helpers are
// static inline and land in their callers, so an image whose code uses no float links none of
// these: its float runtime is 0 bytes.
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildBoard } from '../host/board/build.ts';
import { REPO } from '../host/repo.ts';

const run = promisify(execFile);

/** Soft-float (libgcc, ARM EABI and GNU names) and libm routines. */
const FLOAT_RUNTIME = new RegExp([
  // (__wrap_: the f64 add/sub urpc's Cortex-M links take from the v6-m C soft-fp, host/board/softfp.ts)
  '^(?:__wrap_)?__aeabi_(?:[fd]|c[fd]|u?[il]2[fd])', // __aeabi_fadd, __aeabi_ddiv, __aeabi_cdcmple, __aeabi_ui2d, ...
  '^__\\w+[sd]f[23]$', // __addsf3, __divdf3, __eqdf2, __unorddf2, ...
  '^__(?:float|fix|extend|trunc)\\w*[sd]f\\w*$', // __floatunsidf, __fixdfsi, __extendsfdf2, __truncdfsf2
  '^(?:sqrt|floor|ceil|trunc|round|fabs|copysign|fmin|fmax|nearbyint|rint)f?$',
].join('|'));

export interface FloatImage {
  app: string;
  /** .text + .data of the whole image. */
  flash: number;
  /** Bytes of the float runtime routines in it: the union of their address ranges (EABI and GNU
   * names alias, and libgcc's __aeabi_frsub runs on into __aeabi_fsub and __aeabi_fadd). */
  floatRuntime: number;
  /** Those routines (one name per address, the EABI one when there is one), by address. */
  routines: { name: string; size: number }[];
}

export interface FloatCost {
  board: string;
  noFloat: FloatImage;
  withFloat: FloatImage;
}

/** The float runtime routines of an ELF (arm-none-eabi-nm: global, local and weak code symbols)
 * and the bytes they cover. */
export async function floatRoutines(elf: string): Promise<{ routines: { name: string; size: number }[]; bytes: number }> {
  const { stdout } = await run('arm-none-eabi-nm', ['-S', '-t', 'd', elf], { maxBuffer: 1 << 24 });
  const byAddr = new Map<number, { name: string; size: number }>();
  for (const line of stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 4 || !/^[tTwW]$/.test(f[2]) || !FLOAT_RUNTIME.test(f[3])) continue;
    const at = Number(f[0]);
    const prev = byAddr.get(at);
    if (prev === undefined || (f[3].startsWith('__aeabi_') && !prev.name.startsWith('__aeabi_'))) byAddr.set(at, { name: f[3], size: Number(f[1]) });
  }
  const starts = [...byAddr.keys()].sort((a, b) => a - b);
  let bytes = 0;
  let end = 0;
  for (const at of starts) {
    const stop = at + byAddr.get(at)!.size;
    bytes += Math.max(0, stop - Math.max(at, end));
    end = Math.max(end, stop);
  }
  return { routines: starts.map((a) => byAddr.get(a)!), bytes };
}

async function measure(app: string, elf: string, flash: number): Promise<FloatImage> {
  const { routines, bytes } = await floatRoutines(elf);
  return { app, flash, floatRuntime: bytes, routines };
}

/** The float app the cost is measured with. */
export const FLOAT_APP = 'examples/kernels/app';

/** Measures the image without floats (built by the caller) and builds and measures the one with
 * the float app. */
export async function benchFloatCost(log: (s: string) => void, noFloatImage: { elf: string; flash: number }): Promise<FloatCost> {
  const noFloat = await measure('none (the default firmware)', noFloatImage.elf, noFloatImage.flash);
  // Under the repository's build/ (not the bench's work dir): the generated app registry imports
  // the firmware as ES modules, which needs the package's "type": "module" above it.
  const b = await buildBoard('qemu-lm3s6965evb', { outDir: path.join(REPO, 'build', 'bench-lm3s6965evb-float-app'), app: path.join(REPO, FLOAT_APP) });
  const withFloat = await measure(FLOAT_APP, b.output, b.sizes!.flash);
  log(`float cost (M3): no floats: flash ${noFloat.flash} B, float runtime ${noFloat.floatRuntime} B; ` +
    `${FLOAT_APP}: flash ${withFloat.flash} B, float runtime ${withFloat.floatRuntime} B (${withFloat.routines.map((r) => r.name).join(' ')})`);
  return { board: 'qemu-lm3s6965evb', noFloat, withFloat };
}
