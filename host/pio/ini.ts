// platformio.ini, read the way PlatformIO reads it (sections, `key = value` with indented
// continuation lines, `;` and `#` comment lines, ` ;` inline comments) and the facts urpc needs:
// the envs, their boards and flags, and the CPU each ARM env cross-builds for in CI. Not the `ini`
// package: it reads an indented continuation line (the usual multi-line build_flags) as a key of
// its own, so the flags after the first line would be lost (docs/cli.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, FROM_SOURCES, projectDir } from '../repo.ts';

/** The PlatformIO project: the checkout, or the user's project (`urpc init` writes its platformio.ini). */
export const PIO_PROJECT = FROM_SOURCES ? REPO : projectDir();
export const PLATFORMIO_INI = path.join(PIO_PROJECT, 'platformio.ini');

export type Ini = Map<string, Map<string, string>>;

export function parseIni(text: string): Ini {
  const ini: Ini = new Map();
  let section: Map<string, string> | undefined;
  let key: string | undefined;
  for (const raw of text.split('\n')) {
    if (/^\s*[#;]/.test(raw)) continue; // a comment line, also inside a multi-line value (as configparser)
    const line = raw.replace(/(^|\s);.*$/, '').trimEnd();
    if (line.trim() === '') continue;
    const sec = /^\[([^\]]+)\]$/.exec(line.trim());
    if (sec && !/^\s/.test(line)) {
      section = new Map();
      ini.set(sec[1], section);
      key = undefined;
      continue;
    }
    if (/^\s/.test(line) && key !== undefined && section !== undefined) {
      section.set(key, `${section.get(key)}\n${line.trim()}`);
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv && section !== undefined) {
      key = kv[1].trim();
      section.set(key, kv[2]);
    }
  }
  return ini;
}

export interface PioEnv {
  name: string;
  platform: string;
  board: string;
  framework: string;
  /** build_flags with ${env.build_flags} expanded. */
  buildFlags: string[];
  extraScripts: string[];
}

function words(s: string): string[] {
  return (s.match(/(?:[^\s"\\]|\\.|"[^"]*")+/g) ?? []).map((w) => w.replace(/\\"/g, '"'));
}

export function readEnvs(file = PLATFORMIO_INI): { ini: Ini; envs: PioEnv[] } {
  const ini = parseIni(fs.readFileSync(file, 'utf8'));
  const base = ini.get('env') ?? new Map<string, string>();
  const envs: PioEnv[] = [];
  for (const [name, sec] of ini) {
    if (!name.startsWith('env:')) continue;
    const get = (k: string): string => sec.get(k) ?? base.get(k) ?? '';
    const flags = get('build_flags').replace(/\$\{env\.build_flags\}/g, base.get('build_flags') ?? '');
    envs.push({
      name: name.slice(4), platform: get('platform'), board: get('board'), framework: get('framework'),
      buildFlags: words(flags.replace(/\n/g, ' ')),
      extraScripts: get('extra_scripts').split(/[\n,]/).map((s) => s.trim().replace(/^(pre|post):/, '')).filter((s) => s !== ''),
    });
  }
  return { ini, envs };
}

/** The CPU of each PlatformIO board urpc lists, for the CI cross-build (undefined: not ARM). */
export const BOARD_CPUS: Record<string, { cflags: string[]; ram: number; flash: number } | undefined> = {
  nucleo_f401re: { cflags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=soft'], ram: 96 * 1024, flash: 512 * 1024 },
  nrf52840_dk_adafruit: { cflags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=soft'], ram: 256 * 1024, flash: 1024 * 1024 },
  pico: { cflags: ['-mcpu=cortex-m0plus', '-mthumb'], ram: 264 * 1024, flash: 2048 * 1024 },
  esp32dev: undefined, // Xtensa LX6: no compiler in Debian
};
