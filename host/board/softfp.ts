// f64 add/sub for Cortex-M links (host/board/softfp.ts): arm-none-eabi-gcc 12.2's libgcc for
// v7-m/v7e-m/v8-m.main implements __aeabi_dadd/__aeabi_dsub in assembler (ieee754-df.S,
// _arm_addsubdf3.o), which rounds some differences one ulp wrong
// (test/diff/toolchain/libgcc-dsub-m3.c: -2^63 - -(2^31 - 1) gives c3dfffffffe00001); the v6-m
// multilib of the same libgcc has them in C soft-fp (adddf3.o, subdf3.o), correctly rounded like
// Node and x86. Those objects are Thumb-1, so they run on every Cortex-M.
//
// softfpArchive() takes them from the toolchain's own v6-m libgcc (found with
// -print-libgcc-file-name), renames their __aeabi_dadd/__aeabi_dsub to __wrap___aeabi_dadd/dsub
// and puts them in build/softfp/<key>/libfw_softfp.a, once per toolchain (the key hashes the
// compiler and that libgcc's content). softfpLinkFlags() links with `--wrap`, so every call of
// __aeabi_dadd/dsub (in our objects, libc and libm) goes to them, while libgcc's assembler object
// may still be linked for the other helpers it holds (__aeabi_i2d, __aeabi_f2d ...) without a
// clash. An archive, not objects: an image that never adds or subtracts doubles links none of it.
//
// Their .ARM.attributes section (v6S-M, soft-float) is removed, so they also link into
// -mfloat-abi=hard images: sound, because the AEABI run-time helpers use the base procedure call
// standard (arguments and results in core registers) under every float ABI (RTABI 4.1.2).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { BUILD_ROOT } from '../repo.ts';
import { hashFile, hashText } from './incremental.ts';

const exec = promisify(execFile);

export const SOFTFP_ARCHIVE = 'libfw_softfp.a';
/** The helpers replaced, each from its own v6-m libgcc object. */
const HELPERS: readonly { sym: string; member: string }[] = [
  { sym: '__aeabi_dadd', member: 'adddf3.o' },
  { sym: '__aeabi_dsub', member: 'subdf3.o' },
];

async function out(cmd: string, args: readonly string[], cwd?: string): Promise<string> {
  try {
    return (await exec(cmd, args, { cwd })).stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`softfp: ${cmd} ${args.join(' ')} failed:\n${err.stderr || err.message}`);
  }
}

/** Links that get the archive: arm-none-eabi-gcc's (harmless on v6-m, where libgcc has the same C). */
export const usesSoftfp = (cc: string): boolean => /^arm-none-eabi-gcc(-[0-9.]+)?$/.test(path.basename(cc));

const made = new Map<string, Promise<string>>();

/** The path of libfw_softfp.a for this arm-none-eabi compiler, made on first use. */
export function softfpArchive(cc: string, buildRoot = BUILD_ROOT): Promise<string> {
  const id = `${cc}\0${buildRoot}`;
  let p = made.get(id);
  if (!p) {
    p = makeArchive(cc, buildRoot);
    p.catch(() => made.delete(id)); // a failure is reported, and tried again next time
    made.set(id, p);
  }
  return p;
}

async function makeArchive(cc: string, buildRoot: string): Promise<string> {
  const libgcc = await out(cc, ['-mcpu=cortex-m0plus', '-mthumb', '-mfloat-abi=soft', '-print-libgcc-file-name']);
  if (!fs.existsSync(libgcc)) throw new Error(`softfp: ${cc} has no v6-m libgcc (${libgcc})`);
  const dir = path.join(buildRoot, 'softfp', hashText('softfp-1', cc, libgcc, hashFile(libgcc)).slice(0, 16));
  const archive = path.join(dir, SOFTFP_ARCHIVE);
  if (fs.existsSync(archive)) return archive;
  // The toolchain's own binutils.
  const [ar, objcopy, nm] = await Promise.all(['ar', 'objcopy', 'nm'].map((p) => out(cc, [`-print-prog-name=${p}`])));
  // Made in a private folder and renamed into place: parallel builds never see half an archive.
  fs.mkdirSync(dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(dir, 'tmp-'));
  try {
    await out(ar!, ['x', libgcc, ...HELPERS.map((h) => h.member)], tmp);
    const wrapped: string[] = [];
    for (const h of HELPERS) {
      const src = path.join(tmp, h.member);
      if (!fs.existsSync(src)) throw new Error(`softfp: ${libgcc} has no ${h.member}`);
      const syms = await out(nm!, ['--defined-only', src]);
      if (!syms.split('\n').some((l) => l.endsWith(` ${h.sym}`))) throw new Error(`softfp: ${h.member} of ${libgcc} does not define ${h.sym}`);
      const w = `w-${h.member}`;
      await out(objcopy!, ['--redefine-sym', `${h.sym}=__wrap_${h.sym}`, '--remove-section', '.ARM.attributes', h.member, w], tmp);
      wrapped.push(w);
    }
    await out(ar!, ['rcs', SOFTFP_ARCHIVE, ...wrapped], tmp);
    fs.renameSync(path.join(tmp, SOFTFP_ARCHIVE), archive);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return archive;
}

/**
 * Link flags that route f64 add/sub to the archive: the archive sits in a group with libc, libm
 * and libgcc so that a call first pulled in from one of them (printf, sin) still finds it.
 * Goes after the objects and the link's own libraries.
 */
export async function softfpLinkFlags(cc: string, buildRoot = BUILD_ROOT): Promise<string[]> {
  const archive = await softfpArchive(cc, buildRoot);
  return [...HELPERS.map((h) => `-Wl,--wrap=${h.sym}`), '-Wl,--start-group', archive, '-lc', '-lm', '-lgcc', '-Wl,--end-group'];
}
