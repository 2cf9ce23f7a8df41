// difftest/qemu.ts: the third leg of difftest: the same driver and modules cross-compiled for a
// Cortex-M board and run under QEMU, compared with Node like the host builds.
//
// README: a target `qemu:<machine>` builds difftest_main.c with -DDIFFTEST_FILES and every module's C
// under the strict warning flags with arm-none-eabi-gcc and picolibc (crt0 and stdio over
// semihosting: no board code needed), then runs `qemu-system-arm -M <machine>` in a directory
// holding difftest.in. The guest reads the cases from that file one at a time, writes the binary
// records to difftest.out and the @@prog/@@log text to difftest.log (the same formats as the host
// driver's stdout and stderr), and exits through semihosting with main()'s status. A hard fault
// is printed by picolibc's crt0 on QEMU's stderr ("ARM fault: ...") and counted as a report of
// the module that was running, as a sanitizer report is on the host. No sanitizers exist here:
// the leg checks what the target's compiler, ABI (32-bit int, unsigned char, size_t = unsigned
// int) and libgcc do with the C, against Node.
//
// Targets: lm3s6965evb (Cortex-M3, soft-float: libgcc's __aeabi_f*/__aeabi_d*); mps2-an386
// (Cortex-M4F: -mfpu=fpv4-sp-d16 -mfloat-abi=hard, f32 arithmetic in FPU instructions, f64 still
// in libgcc as the M4's FPU is single precision; picolibc's crt0 for that multilib enables the
// FPU, CPACR CP10/CP11 full access, and clears FPSCR: round to nearest, no flush-to-zero, no
// default NaN); microbit (QEMU has no Cortex-M0+ machine: the image is built for the M0+,
// -mcpu=cortex-m0plus soft-float, and runs on the micro:bit's Cortex-M0, which executes the same
// ARMv6-M instruction set; 16 KiB RAM, so a 4 KiB stack). Every target links __aeabi_dadd/dsub
// from the v6-m libgcc's C soft-fp (host/board/softfp.ts): the v7-m assembler rounds some wrong.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { softfpLinkFlags } from '../../../host/board/softfp.ts';
import { run, WARN_FLAGS, type BuildConfig, type BuildResult, type RunOut } from './cdriver.ts';

export interface QemuTarget {
  /** QEMU machine (-M), also the target's name in `qemu:<machine>`. */
  machine: string;
  /** The CPU the image is built for (-mcpu). */
  cpu: string;
  /** Floating-point flags: soft-float by default. */
  fpu?: readonly string[];
  /** The CPU QEMU emulates, when not `cpu` (documentation). */
  runsOn?: string;
  /** Stack size (default 8K). */
  stack?: string;
  flash: { origin: string; size: string };
  ram: { origin: string; size: string };
  /** The repository's board of the same machine (documentation). */
  board: string;
}

export const QEMU_TARGETS: Readonly<Record<string, QemuTarget>> = {
  lm3s6965evb: {
    machine: 'lm3s6965evb',
    cpu: 'cortex-m3',
    flash: { origin: '0x00000000', size: '256K' },
    ram: { origin: '0x20000000', size: '64K' },
    board: 'boards/qemu-lm3s6965evb',
  },
  'mps2-an386': {
    machine: 'mps2-an386',
    cpu: 'cortex-m4',
    fpu: ['-mfpu=fpv4-sp-d16', '-mfloat-abi=hard'],
    // AN386's ZBT SSRAM1 (code) and SSRAM2/3 (data), 4 MiB each in QEMU.
    flash: { origin: '0x00000000', size: '4M' },
    ram: { origin: '0x20000000', size: '4M' },
    board: 'none (Cortex-M4F: the FPU leg of difftest)',
  },
  microbit: {
    machine: 'microbit',
    cpu: 'cortex-m0plus',
    fpu: ['-mfloat-abi=soft'],
    runsOn: 'cortex-m0',
    flash: { origin: '0x00000000', size: '256K' },
    ram: { origin: '0x20000000', size: '16K' },
    stack: '4K',
    board: 'none (Cortex-M0+ image, ARMv6-M soft-float)',
  },
};

export const QEMU_COMPILER = 'arm-none-eabi-gcc';
export const QEMU_BINARY = 'qemu-system-arm';
/** The only line QEMU 7.2 itself prints for these machines (the lm3s6965 watchdog model). */
const QEMU_NOISE = new Set(['Timer with period zero, disabling']);

/** Parse `qemu:<machine>`; throws a clear error for anything else. */
export function parseQemuTarget(spec: string): QemuTarget {
  const m = /^qemu:(.+)$/.exec(spec);
  const t = m ? QEMU_TARGETS[m[1]!] : undefined;
  if (!t) throw new Error(`unknown difftest target '${spec}': use host or ${Object.keys(QEMU_TARGETS).map((k) => `qemu:${k}`).join(', ')}`);
  return t;
}

/** Build configurations for a QEMU target at these optimisation levels. */
export const qemuConfigs = (t: QemuTarget, optLevels: readonly BuildConfig['opt'][]): BuildConfig[] =>
  optLevels.map((opt) => ({ compiler: QEMU_COMPILER, opt, target: `qemu:${t.machine}` }));

/** The CPU and floating-point flags of a target (also what corpus.ts's syntax check uses). */
export const qemuCpuFlags = (t: QemuTarget): string[] => [`-mcpu=${t.cpu}`, '-mthumb', ...(t.fpu ?? [])];

export function qemuFlags(t: QemuTarget): string[] {
  return [
    ...qemuCpuFlags(t),
    '-DDIFFTEST_FILES',
    '--specs=picolibc.specs',
    '--oslib=semihost',
    '--crt0=semihost',
    `-Wl,--defsym=__flash=${t.flash.origin}`,
    `-Wl,--defsym=__flash_size=${t.flash.size}`,
    `-Wl,--defsym=__ram=${t.ram.origin}`,
    `-Wl,--defsym=__ram_size=${t.ram.size}`,
    `-Wl,--defsym=__stack_size=${t.stack ?? '8K'}`,
  ];
}

/** Cross-compile every .c in cFiles (with the driver) for the target, strict warning flags on. */
export async function buildQemuBinary(dir: string, cFiles: readonly string[], config: BuildConfig, extraFlags: readonly string[] = []): Promise<BuildResult> {
  const t = parseQemuTarget(config.target ?? '');
  const binary = path.join(dir, `difftest_qemu_${t.machine}${config.opt.replace('-', '_')}.elf`);
  // f64 add/sub from libgcc's C soft-fp, as the board builds link them (host/board/softfp.ts).
  const softfp = await softfpLinkFlags(QEMU_COMPILER);
  const args = [...WARN_FLAGS, ...qemuFlags(t), config.opt, '-g', ...extraFlags, '-I', dir, ...cFiles.map((f) => path.join(dir, f)), '-lm', ...softfp, '-o', binary];
  const r = await run(QEMU_COMPILER, args, null, 600_000);
  return { config, ok: r.code === 0, binary, log: `${QEMU_COMPILER} ${args.join(' ')}\n${r.stderr}`, ms: r.ms };
}

/**
 * Run a built ELF under QEMU on the encoded cases. The result looks like a host run: `stdout` is
 * difftest.out (the records), `stderr` is difftest.log followed by what QEMU printed (a fault).
 */
export async function runQemuBinary(binary: string, config: BuildConfig, input: Buffer, timeoutMs: number): Promise<RunOut> {
  const t = parseQemuTarget(config.target ?? '');
  const rdir = `${binary}.run`;
  mkdirSync(rdir, { recursive: true });
  writeFileSync(path.join(rdir, 'difftest.in'), input);
  for (const f of ['difftest.out', 'difftest.log']) writeFileSync(path.join(rdir, f), '');
  // -serial null: the UART is unused; semihosting paths are relative to QEMU's cwd.
  const args = ['-M', t.machine, '-display', 'none', '-monitor', 'none', '-serial', 'null', '-semihosting-config', 'enable=on,target=native', '-kernel', binary];
  const r = await run(QEMU_BINARY, args, null, timeoutMs, undefined, rdir);
  const read = (f: string): Buffer => (existsSync(path.join(rdir, f)) ? readFileSync(path.join(rdir, f)) : Buffer.alloc(0));
  const qemuText = r.stderr
    .split('\n')
    .filter((l) => l !== '' && !QEMU_NOISE.has(l))
    .join('\n');
  const log = read('difftest.log').toString('utf8');
  return { ...r, stdout: read('difftest.out'), stderr: qemuText ? `${log}${log.endsWith('\n') || log === '' ? '' : '\n'}${qemuText}\n` : log };
}
