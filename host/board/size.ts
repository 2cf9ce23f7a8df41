// Size of a cross-built firmware: .text/.data/.bss of the image (binutils `size`) and the
// flash/RAM each module keeps after --gc-sections (from the GNU ld map file).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SectionSizes {
  text: number;
  data: number;
  bss: number;
}

export interface ModuleSize {
  /** Generated module (crc16, session, ...), board_<file> for board C, or the library (libc, libgcc). */
  module: string;
  text: number;
  data: number;
  bss: number;
  /** text + data. */
  flash: number;
  /** data + bss. */
  ram: number;
}

export interface SizeReport {
  sections: SectionSizes;
  flash: number;
  ram: number;
  /** From board.json "memory", when given. */
  flashTotal?: number;
  ramTotal?: number;
  modules: ModuleSize[];
}

/** `size` (Berkeley format) of an ELF: text includes read-only data and the vector table. */
export async function sectionSizes(sizeTool: string, elf: string): Promise<SectionSizes> {
  const { stdout } = await run(sizeTool, [elf]);
  const line = stdout.trim().split('\n')[1]?.trim().split(/\s+/);
  if (line === undefined || line.length < 3) throw new Error(`${sizeTool} ${elf}: unexpected output ${stdout}`);
  return { text: Number(line[0]), data: Number(line[1]), bss: Number(line[2]) };
}

function moduleOf(file: string): string {
  const archive = /([^/]+)\.a\(([^)]+)\)$/.exec(file);
  if (archive) return archive[1].replace(/_nano$/, '').replace(/^libc$/, 'libc');
  return path.basename(file).replace(/\.o(bj)?$/, '');
}

/** Sums the input sections the linker kept, per object file, from a GNU ld map file.
 * Merged string sections (.rodata.*.str1.1) are listed with their size before merging and
 * overlap the next entry, so each piece counts only up to where the next one starts: the
 * modules then add up to at most the image (with a long build path, the file-name strings
 * of several objects merged and the sizes as listed overran .text). */
export function moduleSizes(mapText: string): ModuleSize[] {
  const start = mapText.indexOf('Linker script and memory map');
  const lines = (start >= 0 ? mapText.slice(start) : mapText).split('\n');
  const pieces: { out: string; file: string; addr: number; bytes: number }[] = [];
  let out = '';
  let pendingName: string | undefined;
  for (const line of lines) {
    const top = /^(\.[\w.]+)(\s|$)/.exec(line);
    if (top) {
      out = top[1];
      pendingName = undefined;
      continue;
    }
    const full = /^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    if (full && !full[1].startsWith('*')) {
      pieces.push({ out, file: full[4].trim(), addr: parseInt(full[2], 16), bytes: parseInt(full[3], 16) });
      pendingName = undefined;
      continue;
    }
    const cont = /^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$/.exec(line);
    if (cont && pendingName !== undefined) {
      pieces.push({ out, file: cont[3].trim(), addr: parseInt(cont[1], 16), bytes: parseInt(cont[2], 16) });
      pendingName = undefined;
      continue;
    }
    const name = /^ (\.\S+)\s*$/.exec(line);
    pendingName = name ? name[1] : undefined;
  }
  const sizes = new Map<string, ModuleSize>();
  pieces.forEach((p, i) => {
    const kind = p.out === '.data' ? 'data' : p.out === '.bss' ? 'bss' : ['.text', '.isr_vector', '.ARM.exidx', '.rodata'].includes(p.out) ? 'text' : undefined;
    const next = pieces[i + 1];
    const bytes = next !== undefined && next.out === p.out && next.addr >= p.addr ? Math.min(p.bytes, next.addr - p.addr) : p.bytes;
    if (kind === undefined || bytes === 0) return;
    const m = moduleOf(p.file);
    const s = sizes.get(m) ?? { module: m, text: 0, data: 0, bss: 0, flash: 0, ram: 0 };
    s[kind] += bytes;
    sizes.set(m, s);
  });
  return [...sizes.values()].map((s) => ({ ...s, flash: s.text + s.data, ram: s.data + s.bss }))
    .sort((a, b) => b.flash - a.flash || b.ram - a.ram);
}

export async function sizeReport(sizeTool: string, elf: string, map: string, memory?: { flash?: number; ram?: number }): Promise<SizeReport> {
  const sections = await sectionSizes(sizeTool, elf);
  const modules = fs.existsSync(map) ? moduleSizes(fs.readFileSync(map, 'utf8')) : [];
  return {
    sections, flash: sections.text + sections.data, ram: sections.data + sections.bss,
    flashTotal: memory?.flash, ramTotal: memory?.ram, modules,
  };
}

export function formatSizeReport(r: SizeReport): string[] {
  const pct = (n: number, of?: number): string => (of ? ` (${((100 * n) / of).toFixed(1)}% of ${of / 1024} KiB)` : '');
  const lines = [
    `size: .text ${r.sections.text}  .data ${r.sections.data}  .bss ${r.sections.bss}`,
    `      flash ${r.flash}${pct(r.flash, r.flashTotal)}, RAM ${r.ram}${pct(r.ram, r.ramTotal)} (the stack comes on top)`,
    `  ${'module'.padEnd(18)} ${'text'.padStart(7)} ${'data'.padStart(6)} ${'bss'.padStart(7)}`,
  ];
  for (const m of r.modules) {
    lines.push(`  ${m.module.padEnd(18)} ${String(m.text).padStart(7)} ${String(m.data).padStart(6)} ${String(m.bss).padStart(7)}`);
  }
  return lines;
}
