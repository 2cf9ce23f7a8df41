// difftest/outcome.ts: what one run of a module produces, in Node and in C, and how the two
// are compared byte for byte.
//
// README: an outcome is, per module, the init record (module top level / <prefix>_module_init)
// and per case {status 0=ok 1=panic 2=other Node error, value = return value or panic code,
// the whole outSize output buffer (writes made before a panic count), log lines}.

import { pathToFileURL } from 'node:url';
import type { Bytes, LogSink } from '../../../firmware/lib/prelude.ts';
import { hex } from './inputs.ts';
import { ensureTsLoader } from '../../../host/ts-loader.ts';

export interface Outcome {
  status: 0 | 1 | 2;
  value: number;
  /** Node only: the message of an exception that is not a FwPanic. */
  error?: string;
}
export interface CaseOutcome extends Outcome {
  output: Uint8Array;
  logs: string[];
}
export interface ModuleOutcome {
  init: Outcome;
  initLogs: string[];
  cases: CaseOutcome[];
  /** C only: sanitizer / runtime text on stderr attributed to this module. */
  reports: string[];
  /** C only: the process ended before all records of this module were written. */
  truncated: boolean;
}

export const logLine = (message: string, values: readonly number[]): string =>
  `${message}(${values.map((v) => v | 0).join(',')})`;

function classify(e: unknown): Outcome {
  const o = e as { code?: unknown; constructor?: { name?: string } } | null;
  if (o && o.constructor?.name === 'FwPanic' && typeof o.code === 'number') return { status: 1, value: o.code >>> 0 };
  return { status: 2, value: 0, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

let importCounter = 0;

const asBytes = (a: Uint8Array): Bytes => a as unknown as Bytes;

// The prelude as the ESM loader sees it (the instance FwTS modules imported with import() share).
// A static import could be a second, CommonJS instance when the harness itself is require()d
// (mocha does that under tsx), and log() would then write to a sink nobody installed.
let preludeSetSink: ((s: LogSink | null) => void) | undefined;
async function setLogSink(s: LogSink | null): Promise<void> {
  if (!preludeSetSink) {
    const ext = import.meta.url.endsWith('.js') ? 'js' : 'ts'; // the package's dist/, or the sources
    const p = (await import(new URL(`../../../firmware/lib/prelude.${ext}`, import.meta.url).href)) as { setLogSink: (s: LogSink | null) => void };
    preludeSetSink = p.setLogSink;
  }
  preludeSetSink(s);
}

/** Import a FwTS module afresh (a cache-busting query, so its top-level state is new; modules it
 * imports are shared with earlier imports) and run every input through its main(). */
export async function runNode(tsPath: string, inputs: readonly Uint8Array[], outSize: number): Promise<ModuleOutcome> {
  let logs: string[] = [];
  await setLogSink((m, v) => logs.push(logLine(m, v)));
  const res: ModuleOutcome = { init: { status: 0, value: 0 }, initLogs: [], cases: [], reports: [], truncated: false };
  try {
    let mod: Record<string, unknown>;
    try {
      ensureTsLoader(); // the package has no tsx
      mod = (await import(`${pathToFileURL(tsPath).href}?difftest=${++importCounter}`)) as Record<string, unknown>;
    } catch (e) {
      res.init = classify(e);
      res.initLogs = logs;
      return res;
    }
    res.initLogs = logs;
    const main = mod['main'];
    if (typeof main !== 'function') {
      res.init = { status: 2, value: 0, error: `${tsPath} does not export a function main` };
      return res;
    }
    for (const input of inputs) {
      logs = [];
      const inp = new Uint8Array(input);
      const out = new Uint8Array(outSize);
      let o: Outcome;
      try {
        const r: unknown = (main as (a: unknown, b: unknown) => unknown)(asBytes(inp), asBytes(out));
        if (typeof r === 'number' && Number.isInteger(r) && r >= 0 && r <= 0xffffffff) o = { status: 0, value: r };
        else o = { status: 2, value: 0, error: `main returned ${String(r)}, not a u32` };
      } catch (e) {
        o = classify(e);
      }
      res.cases.push({ ...o, output: out, logs });
    }
  } finally {
    await setLogSink(null);
  }
  return res;
}

/** Parse the C driver's stdout/stderr for `n` modules. */
export function parseC(stdout: Buffer, stderr: string, nModules: number, nCases: number, outSize: number): ModuleOutcome[] {
  const res: ModuleOutcome[] = [];
  for (let m = 0; m < nModules; m++)
    res.push({ init: { status: 2, value: 0, error: 'no record' }, initLogs: [], cases: [], reports: [], truncated: true });
  let pos = 0;
  const rec = outSize + 5;
  for (let m = 0; m < nModules; m++) {
    const r = res[m]!;
    if (pos + 5 > stdout.length) break;
    r.init = { status: stdout[pos]! as 0 | 1, value: stdout.readUInt32LE(pos + 1) };
    pos += 5;
    if (r.init.status !== 0) {
      r.truncated = false;
      continue;
    }
    let c = 0;
    for (; c < nCases && pos + rec <= stdout.length; c++, pos += rec) {
      r.cases.push({
        status: stdout[pos]! as 0 | 1,
        value: stdout.readUInt32LE(pos + 1),
        output: new Uint8Array(stdout.subarray(pos + 5, pos + rec)),
        logs: [],
      });
    }
    r.truncated = c < nCases;
    if (r.truncated) break;
  }
  let cur = -1;
  for (const line of stderr.split('\n')) {
    if (line === '') continue;
    let mm: RegExpMatchArray | null;
    if ((mm = /^@@prog (\d+)$/.exec(line))) {
      cur = Number(mm[1]);
      continue;
    }
    if ((mm = /^@@log (\d+) (\d+) (\d+)((?: -?\d+)*) :(.*)$/.exec(line))) {
      const m = res[Number(mm[1])];
      const cs = Number(mm[2]);
      const vals = mm[4]!.trim() === '' ? [] : mm[4]!.trim().split(' ').map(Number);
      const l = logLine(mm[5]!, vals);
      if (!m) continue;
      if (cs === 0xffffffff) m.initLogs.push(l);
      else m.cases[cs]?.logs.push(l); // a case whose record never came (crash) loses its logs
      continue;
    }
    const target = res[cur] ?? res[0];
    if (target) target.reports.push(line);
  }
  return res;
}

/** Output bytes as hex with the trailing zero bytes elided. */
export function outHex(b: Uint8Array): string {
  let n = b.length;
  while (n > 0 && b[n - 1] === 0) n--;
  const h = hex(b.subarray(0, n), 1024);
  return n < b.length ? `${h}${h ? ' ' : ''}+${b.length - n}x00` : h;
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

export interface Mismatch {
  config: string;
  /** -1: the module's initialisation. */
  case: number;
  input_hex: string;
  node: { status: number; value: number; error?: string; output_hex: string; logs: string[] };
  c: { status: number; value: number; output_hex: string; logs: string[] } | null;
  /** Which parts differ: status, value, output, logs, missing. */
  differs: string[];
  /** Offset of the first differing output byte, when the outputs differ. */
  first_diff_byte?: number;
}

const sameLogs = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function eqBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every case where C differs from Node (init first). */
export function compareOutcomes(config: string, node: ModuleOutcome, c: ModuleOutcome, inputs: readonly Uint8Array[]): Mismatch[] {
  const out: Mismatch[] = [];
  const initDiff: string[] = [];
  if (node.init.status !== c.init.status) initDiff.push('status');
  if (node.init.value !== c.init.value) initDiff.push('value');
  if (!sameLogs(node.initLogs, c.initLogs)) initDiff.push('logs');
  if (initDiff.length) {
    out.push({
      config,
      case: -1,
      input_hex: '',
      node: { status: node.init.status, value: node.init.value, ...(node.init.error ? { error: node.init.error } : {}), output_hex: '', logs: node.initLogs },
      c: { status: c.init.status, value: c.init.value, output_hex: '', logs: c.initLogs },
      differs: initDiff,
    });
    return out;
  }
  for (let i = 0; i < node.cases.length; i++) {
    const n = node.cases[i]!;
    const k = c.cases[i];
    const d: string[] = [];
    if (!k) d.push('missing');
    else {
      if (n.status !== k.status) d.push('status');
      if (n.value !== k.value) d.push('value');
      if (!eqBytes(n.output, k.output)) d.push('output');
      if (!sameLogs(n.logs, k.logs)) d.push('logs');
    }
    if (d.length)
      out.push({
        config,
        case: i,
        input_hex: hex(inputs[i]!),
        node: { status: n.status, value: n.value, ...(n.error ? { error: n.error } : {}), output_hex: outHex(n.output), logs: n.logs },
        c: k ? { status: k.status, value: k.value, output_hex: outHex(k.output), logs: k.logs } : null,
        differs: d,
        ...(k && d.includes('output') ? { first_diff_byte: firstDiff(n.output, k.output) } : {}),
      });
  }
  return out;
}
