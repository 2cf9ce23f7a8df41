// Stack use of a board's firmware (host/board/stack.ts): compile the board's C with gcc's
// `-fstack-usage -fcallgraph-info=su` at the board's own flags, read the per-function frames and
// the call graph (.ci, VCG), resolve indirect calls, and give the deepest path from each entry.
//
//   frames     gcc's own figure per function (.su / the .ci node label): saved registers, locals,
//              spills, outgoing arguments. `dynamic` frames (alloca, VLAs) are errors;
//              `dynamic,bounded` ones are counted at gcc's bound and listed.
//   calls      every call gcc emitted (after inlining, including calls to clones and library
//              functions); an `__indirect_call` site is the call the lowering recorded at that line
//              of the generated C (compiled without its `#line`s so locations point into it), or the
//              board's table for its hand-written C (board.json "indirect"): a call through an
//              interface method reaches the thunks of that method's vtables; a call through a
//              function pointer every function the generated C stores as a pointer of that C
//              signature; a site recorded nowhere every function in any slot. No C is parsed.
//   library    functions not compiled here (newlib's memmove/memset on Cortex-M) are measured from
//              the linked image's disassembly (push/stmdb/vpush/sub sp); where the code is not in
//              the image (glibc on the native board) the frame is unknown, counted as 0 and listed.
//   recursion  any cycle in the resolved graph is an error that names the cycle.
//   entries    `main`, or on Cortex-M the reset handler from the vector table; every other handler
//              of the vector table is an interrupt, counted once on top of the worst path with the
//              hardware exception frame (8 words + 4 bytes of alignment), priorities not modelled.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO, BUILD_ROOT } from '../repo.ts';
import { buildBoard, loadBoard, type BoardConfig } from './build.ts';
import { selectBuiltins, linkBuiltins } from './builtins.ts';
import type { ModuleReport } from '../../codegen/src/api.ts';

const run = promisify(execFile);

export const STACK_FLAGS = ['-fstack-usage', '-fcallgraph-info=su'];
/** Cortex-M: 8 stacked words, plus 4 bytes when the stack is realigned to 8 (STKALIGN). */
export const CORTEX_M_EXCEPTION_FRAME = 36;
const EXCEPTION_FRAME_NAME = '(exception entry: hardware-stacked frame)';

export type Qualifier = 'static' | 'dynamic' | 'dynamic,bounded' | 'library' | 'unknown';

export interface FunctionFrame {
  /** Unique name: the C symbol (clones keep gcc's suffix, e.g. .constprop.0); `file.c:name` when two statics share it. */
  name: string;
  file?: string;
  bytes: number;
  qualifier: Qualifier;
  /** Resolved callees (unique names), direct and indirect. */
  calls: string[];
}

export interface Frame { name: string; bytes: number }

export interface StackPath {
  entry: string;
  kind: 'entry' | 'interrupt';
  frames: Frame[];
  /** Sum of the frames. */
  total: number;
}

export interface IndirectSite {
  caller: string;
  location: string;
  /** The callee expression as written, e.g. `self->out.vt->write`. */
  via: string;
  /** Through an interface method slot, a function pointer of a signature, or not recorded. */
  how: 'slot' | 'type' | 'any';
  targets: string[];
}

export interface StackReport {
  board?: string;
  compiler?: string;
  flags?: string[];
  functions: FunctionFrame[];
  /** Worst path of each entry point and interrupt handler. */
  paths: StackPath[];
  /** Worst entry path plus every interrupt path (each handler once). */
  total: number;
  worst: StackPath | undefined;
  stack?: { bytes: number; source: string };
  fits?: boolean;
  /** Every call cycle found (each an error). */
  recursion: string[][];
  /** Functions with a dynamic frame: 'dynamic' is an error, 'dynamic,bounded' counted at its bound. */
  dynamic: { name: string; bytes: number; qualifier: Qualifier }[];
  /** Called functions with no frame figure (counted as 0). */
  unknown: string[];
  /** Library functions measured from the disassembly. */
  library: { name: string; bytes: number }[];
  indirect: IndirectSite[];
  method: string[];
  /** Problems that make the analysis fail (recursion, unbounded frames, does not fit). */
  errors: string[];
}

// ---------------------------------------------------------------------------------------------
// .ci parsing

interface CiNode { title: string; name: string; file?: string; loc: string; bytes?: number; qualifier?: Qualifier }
interface CiEdge { from: string; to: string; loc: string }

function unquote(s: string): string {
  return s.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
}

/** Parses one gcc -fcallgraph-info=su file (VCG). */
export function parseCallgraphInfo(text: string): { source: string; nodes: CiNode[]; edges: CiEdge[] } {
  const source = /graph:\s*\{\s*title:\s*"((?:[^"\\]|\\.)*)"/.exec(text)?.[1] ?? '';
  const nodes: CiNode[] = [];
  const edges: CiEdge[] = [];
  for (const line of text.split('\n')) {
    const n = /^node:\s*\{\s*title:\s*"((?:[^"\\]|\\.)*)"\s*label:\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (n) {
      const title = unquote(n[1]);
      const parts = unquote(n[2]).split('\\n');
      const su = parts[2] === undefined ? undefined : /^(\d+) bytes \(([a-z,]+)\)$/.exec(parts[2]);
      const colon = title.lastIndexOf(':');
      const isStatic = colon > 0 && !title.startsWith('__');
      nodes.push({
        title,
        name: isStatic ? title.slice(colon + 1) : title,
        file: isStatic ? title.slice(0, colon) : undefined,
        loc: parts[1] ?? '',
        bytes: su ? Number(su[1]) : undefined,
        qualifier: su ? (su[2] as Qualifier) : undefined,
      });
      continue;
    }
    const e = /^edge:\s*\{\s*sourcename:\s*"((?:[^"\\]|\\.)*)"\s*targetname:\s*"((?:[^"\\]|\\.)*)"\s*label:\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (e) edges.push({ from: unquote(e[1]), to: unquote(e[2]), loc: unquote(e[3]) });
  }
  return { source, nodes, edges };
}

/** Parses a .su file: `file:line:col:name<TAB>bytes<TAB>qualifier` per function. */
export function parseStackUsage(text: string): { name: string; bytes: number; qualifier: Qualifier }[] {
  const out: { name: string; bytes: number; qualifier: Qualifier }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.*):(\d+):(\d+):([^\t]+)\t(\d+)\t(\S+)$/.exec(line);
    if (m) out.push({ name: m[4], bytes: Number(m[5]), qualifier: m[6] as Qualifier });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The analysis

export interface AnalyzeInput {
  /** The .ci files (one per compiled C file). */
  ciFiles: string[];
  /** The indirect calls of the compiled C and what may be called through each (no C is parsed). */
  calls: CallTable;
  /** Entry points (C names). */
  entries: string[];
  /** Interrupt handlers, counted once each on top of the worst entry path. */
  interrupts?: string[];
  /** Bytes the hardware pushes on exception entry (counted once per interrupt path). */
  exceptionFrame?: number;

  /** Frames of functions not compiled here (from a disassembly). */
  library?: Map<string, { bytes: number; calls: string[] }>;
  /** The stack the firmware gets, to compare the total with. */
  stack?: { bytes: number; source: string };
  /** Paths in the report are relative to this folder. */
  root?: string;
}

/**
 * What is known about the indirect calls of the compiled C: for the generated C, what the lowering
 * recorded (transpile()'s reports, see callTableOf); for a board's hand-written C, the table in its
 * board.json ("indirect"). A call goes through a slot: an interface method (`Iface.method`, filled
 * by the thunks of the vtables) or a function pointer of a signature (`fn:ret(params)`, filled by
 * every function stored as such a pointer).
 */
export interface CallTable {
  /** Indirect call sites: the file (as compiled; relative paths are to `root`) and line (none:
   * every indirect call gcc reports in that file), the function, the callee as written, the slot. */
  sites: { file: string; line?: number; caller: string; via: string; slot: string }[];
  /** What fills each slot; `file`: where the function is defined, for a static one. */
  fills: { slot: string; fn: string; file?: string }[];
  /** Functions called from outside any analysed code (a signal handler): counted like interrupts. */
  handlers?: string[];
}

/** The call table of generated C from transpile()'s reports; `dir` is where the C was written. */
export function callTableOf(reports: readonly ModuleReport[], dir: string): CallTable {
  return {
    sites: reports.flatMap((r) => r.calls.sites.map((s) => ({ file: path.join(dir, s.file), line: s.line, caller: s.caller, via: s.via, slot: s.slot }))),
    fills: reports.flatMap((r) => r.calls.fills.map((f) => ({ ...f, file: path.join(dir, `${r.module}.c`) }))),
  };
}

export function analyzeCallGraph(input: AnalyzeInput): StackReport {
  const root = input.root ?? process.cwd();
  const rel = (p: string): string => (path.isAbsolute(p) ? path.relative(root, p) : p);
  const parsed = input.ciFiles.map((f) => parseCallgraphInfo(fs.readFileSync(f, 'utf8')));
  // Cross-check the .ci node labels with the .su files beside them.
  const suCount = input.ciFiles.reduce((n, f) => {
    const su = f.replace(/\.ci$/, '.su');
    return n + (fs.existsSync(su) ? parseStackUsage(fs.readFileSync(su, 'utf8')).length : 0);
  }, 0);

  // Nodes: defined ones (with a frame) win over external mentions.
  const nodes = new Map<string, CiNode>();
  const edges = new Map<string, CiEdge[]>();
  for (const p of parsed) {
    for (const n of p.nodes) {
      const old = nodes.get(n.title);
      if (old === undefined || (old.bytes === undefined && n.bytes !== undefined)) nodes.set(n.title, n);
    }
    for (const e of p.edges) edges.set(e.from, [...(edges.get(e.from) ?? []), e]);
  }
  const defined = [...nodes.values()].filter((n) => n.bytes !== undefined);
  const suDefined = defined.length;
  // Display names: the symbol, or file:symbol where two statics share a symbol.
  const byName = new Map<string, number>();
  for (const n of defined) byName.set(n.name, (byName.get(n.name) ?? 0) + 1);
  const display = (title: string): string => {
    const n = nodes.get(title);
    if (n === undefined) return title;
    return n.file !== undefined && (byName.get(n.name) ?? 0) > 1 ? `${path.basename(n.file)}:${n.name}` : n.name;
  };
  // A C name in a given file -> its node title.
  const titleOf = (name: string, file?: string): string | undefined => {
    if (file !== undefined && nodes.get(`${file}:${name}`)?.bytes !== undefined) return `${file}:${name}`;
    if (nodes.get(name)?.bytes !== undefined) return name;
    const statics = defined.filter((n) => n.name === name);
    return statics.length === 1 ? statics[0].title : undefined;
  };

  const takenTitles = (fills: readonly { fn: string; file?: string }[]): string[] => {
    const out: string[] = [];
    for (const f of fills) {
      const t = titleOf(f.fn, f.file);
      if (t !== undefined && !out.includes(t)) out.push(t);
    }
    return out;
  };
  const same = (a: string, b: string): boolean => path.resolve(root, a) === path.resolve(root, b);
  const indirect: IndirectSite[] = [];
  // A site gcc reports at file:line:col is the recorded call on that line of that file; one with
  // no record may reach any function stored in a slot (conservative, and reported as 'any').
  const resolveSite = (from: string, loc: string): IndirectSite => {
    const colon = /^(.*):(\d+):(\d+)$/.exec(loc);
    const recorded = colon === null ? [] : input.calls.sites.filter((s) => same(s.file, colon[1]) && (s.line === undefined || s.line === Number(colon[2])));
    if (recorded.length === 0) return { caller: display(from), location: rel(loc), via: '(no recorded call site here)', how: 'any', targets: takenTitles(input.calls.fills) };
    const slots = new Set(recorded.map((s) => s.slot));
    const targets = takenTitles(input.calls.fills.filter((f) => slots.has(f.slot)));
    const how = recorded.every((s) => s.slot.startsWith('fn:')) ? 'type' : 'slot';
    return { caller: display(from), location: rel(loc), via: [...new Set(recorded.map((s) => s.via))].join(' | '), how, targets };
  };

  // Resolve every edge to node titles.
  const callees = new Map<string, Set<string>>();
  for (const [from, es] of edges) {
    const set = new Set<string>();
    for (const e of es) {
      if (e.to === '__indirect_call') {
        const site = resolveSite(from, e.loc);
        site.targets.forEach((t) => set.add(t));
        indirect.push({ ...site, targets: site.targets.map(display) });
      } else set.add(nodes.get(e.to)?.bytes !== undefined ? e.to : (titleOf(e.to) ?? e.to));
    }
    callees.set(from, set);
  }
  // Library functions (measured from a disassembly) and their own calls.
  const library: { name: string; bytes: number }[] = [];
  const frameOf = (title: string): { bytes: number; qualifier: Qualifier } => {
    const n = nodes.get(title);
    if (n?.bytes !== undefined) return { bytes: n.bytes, qualifier: n.qualifier! };
    const lib = input.library?.get(title);
    if (lib !== undefined) return { bytes: lib.bytes, qualifier: 'library' };
    return { bytes: 0, qualifier: 'unknown' };
  };
  const libSeen = new Set<string>();
  const addLibrary = (title: string): void => {
    if (libSeen.has(title) || nodes.get(title)?.bytes !== undefined) return;
    libSeen.add(title);
    const lib = input.library?.get(title);
    if (lib === undefined) return;
    library.push({ name: title, bytes: lib.bytes });
    callees.set(title, new Set(lib.calls));
    lib.calls.forEach(addLibrary);
  };
  for (const set of [...callees.values()]) for (const t of set) addLibrary(t);
  for (const e of [...input.entries, ...(input.interrupts ?? [])]) {
    if (titleOf(e) === undefined) addLibrary(e);
  }

  // Recursion: strongly connected components (Tarjan, iterative) with more than one node or a self-call.
  const allTitles = new Set<string>([...defined.map((n) => n.title), ...callees.keys()]);
  for (const s of callees.values()) s.forEach((t) => allTitles.add(t));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sccOf = new Map<string, number>();
  const recursion: string[][] = [];
  let counter = 0;
  let sccCount = 0;
  for (const start of allTitles) {
    if (index.has(start)) continue;
    const work: { v: string; it: Iterator<string> }[] = [];
    const push = (v: string): void => {
      index.set(v, counter);
      low.set(v, counter++);
      stack.push(v);
      onStack.add(v);
      work.push({ v, it: (callees.get(v) ?? new Set<string>()).values() });
    };
    push(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const nx = top.it.next();
      if (!nx.done) {
        const w = nx.value;
        if (!index.has(w)) push(w);
        else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
          sccOf.set(w, sccCount);
        } while (w !== top.v);
        sccCount++;
        if (comp.length > 1 || callees.get(top.v)?.has(top.v)) recursion.push(cycleIn(comp, callees).map(display));
      }
    }
  }

  // Deepest path from each function, ignoring calls inside a cycle (those are reported above).
  const memo = new Map<string, { total: number; next?: string }>();
  const deepest = (v: string): number => {
    const hit = memo.get(v);
    if (hit !== undefined) return hit.total;
    // Iterative post-order so deep graphs do not overflow the JS stack.
    const todo: { v: string; expanded: boolean }[] = [{ v, expanded: false }];
    while (todo.length > 0) {
      const t = todo[todo.length - 1];
      if (memo.has(t.v)) {
        todo.pop();
        continue;
      }
      const cs = [...(callees.get(t.v) ?? [])].filter((c) => sccOf.get(c) !== sccOf.get(t.v));
      if (!t.expanded) {
        t.expanded = true;
        for (const c of cs) if (!memo.has(c)) todo.push({ v: c, expanded: false });
        continue;
      }
      todo.pop();
      let best: { total: number; next?: string } = { total: 0 };
      for (const c of cs) {
        const d = memo.get(c)!.total;
        if (d > best.total || (d === best.total && best.next !== undefined && c < best.next)) best = { total: d, next: c };
      }
      memo.set(t.v, { total: frameOf(t.v).bytes + best.total, next: best.next });
    }
    return memo.get(v)!.total;
  };
  const pathFrom = (entry: string, kind: 'entry' | 'interrupt'): StackPath => {
    const title = titleOf(entry) ?? entry;
    deepest(title);
    const frames: Frame[] = [];
    if (kind === 'interrupt' && (input.exceptionFrame ?? 0) > 0) frames.push({ name: EXCEPTION_FRAME_NAME, bytes: input.exceptionFrame! });
    for (let v: string | undefined = title; v !== undefined; v = memo.get(v)?.next) frames.push({ name: display(v), bytes: frameOf(v).bytes });
    return { entry: display(title), kind, frames, total: frames.reduce((s, f) => s + f.bytes, 0) };
  };
  const errors: string[] = [];
  for (const e of [...input.entries, ...(input.interrupts ?? [])]) {
    if (titleOf(e) === undefined && input.library?.get(e) === undefined) errors.push(`entry point ${e} is not among the compiled functions`);
  }
  // Handlers called from outside the analysed code (the board's table: a signal handler).
  const handlers = (input.calls.handlers ?? []).filter((h) => titleOf(h) !== undefined);
  const interrupts = [...(input.interrupts ?? []), ...handlers];
  const entryPaths = input.entries.filter((e) => titleOf(e) !== undefined).map((e) => pathFrom(e, 'entry'));
  const irqPaths = interrupts.filter((e) => titleOf(e) !== undefined).map((e) => pathFrom(e, 'interrupt'));
  const worst = entryPaths.reduce<StackPath | undefined>((w, p) => (w === undefined || p.total > w.total ? p : w), undefined);
  const total = (worst?.total ?? 0) + irqPaths.reduce((s, p) => s + p.total, 0);

  const functions: FunctionFrame[] = defined.map((n) => ({
    name: display(n.title), file: n.file === undefined ? rel(n.loc.replace(/:\d+:\d+$/, '')) : rel(n.file),
    bytes: n.bytes!, qualifier: n.qualifier!, calls: [...(callees.get(n.title) ?? [])].map(display),
  }));
  for (const l of library) functions.push({ name: l.name, bytes: l.bytes, qualifier: 'library', calls: [...(callees.get(l.name) ?? [])].map(display) });
  functions.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
  const dynamic = functions.filter((f) => f.qualifier === 'dynamic' || f.qualifier === 'dynamic,bounded').map((f) => ({ name: f.name, bytes: f.bytes, qualifier: f.qualifier }));
  const reachable = new Set<string>();
  const mark = (v: string): void => {
    const todo = [v];
    while (todo.length > 0) {
      const x = todo.pop()!;
      if (reachable.has(x)) continue;
      reachable.add(x);
      (callees.get(x) ?? new Set()).forEach((c) => todo.push(c));
    }
  };
  [...input.entries, ...interrupts].forEach((e) => mark(titleOf(e) ?? e));
  const unknown = [...allTitles].filter((t) => frameOf(t).qualifier === 'unknown' && reachable.has(t)).map(display).sort();

  for (const c of recursion) errors.push(`recursion: ${[...c, c[0]].join(' -> ')}`);
  for (const d of dynamic) if (d.qualifier === 'dynamic') errors.push(`unbounded dynamic frame (alloca or a variable-length array): ${d.name}`);
  const fits = input.stack === undefined ? undefined : total <= input.stack.bytes;
  if (fits === false) errors.push(`worst case ${total} bytes does not fit the ${input.stack!.bytes}-byte stack (${input.stack!.source})`);

  const counts = { slot: 0, type: 0, any: 0 };
  indirect.forEach((s) => counts[s.how]++);
  const method = [
    `frames: gcc -fstack-usage / -fcallgraph-info=su, ${suDefined} functions (${suCount} .su lines)`,
    `indirect calls: ${indirect.length} sites; ${counts.slot} through an interface slot (the vtables' functions for that method), ` +
      `${counts.type} through a function pointer (every function stored as a pointer of that signature), ${counts.any} not recorded (every function stored in any slot)`,
    library.length > 0 ? `library frames from the disassembly of the linked image: ${library.map((l) => `${l.name} ${l.bytes} B`).join(', ')}` : 'library frames: none measured',
    unknown.length > 0 ? `no frame figure (counted 0): ${unknown.join(', ')}` : 'every reachable function has a frame figure',
    interrupts.length > 0
      ? `interrupts: ${interrupts.join(', ')}, each counted once on top of the worst entry path` +
        ((input.exceptionFrame ?? 0) > 0 ? ` with ${input.exceptionFrame} bytes of hardware frame (priorities not modelled)` : ' (the kernel\'s signal frame is not counted)') +
        (handlers.length > 0 ? `; ${handlers.join(', ')}: called from outside the analysed code (board.json "indirect".handlers: a signal handler)` : '')
      : 'interrupts: none',
  ];
  return {
    functions, paths: [...entryPaths, ...irqPaths], total, worst, stack: input.stack, fits,
    recursion, dynamic, unknown, library, indirect, method, errors,
  };
}

/** One cycle through the nodes of a strongly connected component, in call order. */
function cycleIn(comp: string[], callees: Map<string, Set<string>>): string[] {
  const inComp = new Set(comp);
  const start = [...comp].sort()[0];
  if (callees.get(start)?.has(start) && comp.length === 1) return [start];
  // BFS from start back to start inside the component.
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of callees.get(v) ?? []) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        const cyc = [v];
        for (let x = v; x !== start; x = prev.get(x)!) cyc.unshift(prev.get(x)!);
        return cyc;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return comp;
}

// ---------------------------------------------------------------------------------------------
// Library frames from a disassembly (Arm/Thumb): the sum of every push/stmdb sp!/vpush/sub sp.

export async function disassemblyFrames(objdump: string, image: string, names: Set<string>): Promise<Map<string, { bytes: number; calls: string[] }>> {
  const { stdout } = await run(objdump, ['-d', '--no-show-raw-insn', image], { maxBuffer: 256 * 1024 * 1024 });
  const out = new Map<string, { bytes: number; calls: string[] }>();
  const all = new Map<string, { bytes: number; calls: Set<string> }>();
  let cur: { bytes: number; calls: Set<string> } | undefined;
  for (const line of stdout.split('\n')) {
    const head = /^[0-9a-f]+ <([^>]+)>:$/.exec(line);
    if (head) {
      cur = { bytes: 0, calls: new Set() };
      all.set(head[1], cur);
      continue;
    }
    if (cur === undefined) continue;
    const ins = /^\s*[0-9a-f]+:\s+(\S+)\s*(.*)$/.exec(line);
    if (!ins) continue;
    const [op, args] = [ins[1].replace(/\.[nw]$/, ''), ins[2]];
    const regs = (s: string): number => {
      const list = /\{([^}]*)\}/.exec(s)?.[1] ?? '';
      return list.split(',').reduce((n, r) => {
        const range = /([rd])(\d+)-[rd](\d+)/.exec(r.trim());
        return n + (range ? Number(range[3]) - Number(range[2]) + 1 : r.trim() === '' ? 0 : 1);
      }, 0);
    };
    if (op === 'push' || (op === 'stmdb' && /^sp!/.test(args))) cur.bytes += 4 * regs(args);
    else if (op === 'vpush') cur.bytes += 8 * regs(args);
    else if (op === 'sub' && /^sp,\s*(sp,\s*)?#(\d+)/.test(args)) cur.bytes += Number(/#(\d+)/.exec(args)![1]);
    else if (op === 'bl' || op === 'blx') {
      const t = /<([^>+]+)>/.exec(args)?.[1];
      if (t !== undefined) cur.calls.add(t);
    }
  }
  const want = [...names];
  const seen = new Set<string>();
  while (want.length > 0) {
    const n = want.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    const f = all.get(n);
    if (f === undefined) continue;
    out.set(n, { bytes: f.bytes, calls: [...f.calls] });
    want.push(...f.calls);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A board

export interface BoardStackOptions {
  /** Compare with this many bytes instead of the board's declared stack. */
  stackBytes?: number;
  repo?: string;
  outDir?: string;
  cc?: string;
  app?: string;
  log?: (line: string) => void;
}

/** The stack a board declares: board.json "stack" (bytes), else STACK_SIZE in its -T linker script. */
export function boardStackSize(cfg: BoardConfig, repo = REPO): { bytes: number; source: string } | undefined {
  if (typeof cfg.stack === 'number') return { bytes: cfg.stack, source: `boards/${cfg.name}/board.json "stack"` };
  const t = cfg.ldflags.indexOf('-T');
  const script = t >= 0 ? cfg.ldflags[t + 1] : cfg.ldflags.find((f) => f.startsWith('-T'))?.slice(2);
  if (script === undefined) return undefined;
  const file = path.join(repo, script);
  if (!fs.existsSync(file)) return undefined;
  const m = /\bSTACK_SIZE\s*=\s*(0x[0-9a-fA-F]+|\d+)\s*([KM]?)\s*;/.exec(fs.readFileSync(file, 'utf8'));
  if (!m) return undefined;
  const bytes = Number(m[1]) * (m[2] === 'K' ? 1024 : m[2] === 'M' ? 1024 * 1024 : 1);
  return { bytes, source: `STACK_SIZE in ${script}` };
}

/** The Cortex-M vector table of a linked image: [reset, ...other handlers], by symbol. */
async function vectorTable(tool: (name: string) => string, image: string): Promise<{ reset?: string; handlers: string[] }> {
  const { stdout: dump } = await run(tool('objdump'), ['-s', '-j', '.isr_vector', image]);
  const { stdout: syms } = await run(tool('nm'), [image]);
  const byAddr = new Map<number, string>();
  for (const l of syms.split('\n')) {
    const m = /^([0-9a-f]+) [Tt] (\S+)$/.exec(l);
    if (m && !byAddr.has(parseInt(m[1], 16))) byAddr.set(parseInt(m[1], 16), m[2]);
  }
  const words: number[] = [];
  for (const l of dump.split('\n')) {
    const m = /^ [0-9a-f]+ ((?:[0-9a-f]{8} ?){1,4})/.exec(l);
    if (!m) continue;
    for (const w of m[1].trim().split(/\s+/)) words.push(Buffer.from(w, 'hex').readUInt32LE(0));
  }
  const name = (w: number): string | undefined => byAddr.get(w & ~1);
  const handlers: string[] = [];
  for (const w of words.slice(2)) {
    const n = w === 0 ? undefined : name(w);
    if (n !== undefined && !handlers.includes(n)) handlers.push(n);
  }
  return { reset: words.length > 1 ? name(words[1]) : undefined, handlers };
}

/**
 * The call table of a board's image: the lowering's record of the generated C (the firmware's,
 * then the app's registry and modules, as the build merges them) and the board's own table for its
 * hand-written C (board.json "indirect", a function-pointer type named by its typedef). The C in
 * genDir must be what this lowering writes: the recorded lines are its lines.
 */
async function boardCallTable(cfg: BoardConfig, genDir: string, repo: string, out: string, app: string | undefined): Promise<CallTable> {
  const { transpile } = await import('../../codegen/src/index.ts');
  const entries = (Array.isArray(cfg.entry) ? cfg.entry : [cfg.entry]).map((e) => path.join(repo, e));
  // With the modules the build lowered in place of others (a board linking fewer built-ins).
  const { substitutes } = linkBuiltins(selectBuiltins(cfg.builtins, 'builtins'), repo, out);
  // Lowered again, written nowhere (the #line paths differ, and the build blanks those lines).
  const runs = [transpile(entries, { substitutes })];
  if (app !== undefined) runs.push(transpile([path.join(out, 'app', 'app_registry.ts')], { substitutes }));
  const byFile = new Map<string, { text: string; report: ModuleReport }>();
  for (const r of runs) {
    if (!r.ok) throw new Error(`urpc ts2c failed:\n${r.format(false)}`);
    for (const m of r.reports) for (const f of [`${m.module}.c`, `${m.module}.h`]) byFile.set(f, { text: r.files.get(f)!, report: m });
  }
  for (const [f, { text }] of byFile) {
    const built = path.join(genDir, f);
    // The build blanks the #line directives (same line numbers).
    if (!fs.existsSync(built) || fs.readFileSync(built, 'utf8') !== text.split('\n').map((l) => (l.startsWith('#line ') ? '' : l)).join('\n')) {
      throw new Error(`${path.relative(repo, built)} is not what the lowering writes now: its call sites cannot be located`);
    }
  }
  const table = callTableOf([...new Set([...byFile.values()].map((v) => v.report))], genDir);
  const types = new Map([...byFile.values()].flatMap((v) => v.report.calls.fnTypes.map((t) => [t.name, t.slot] as const)));
  for (const site of cfg.indirect?.sites ?? []) {
    const slot = site.slot ?? (site.type !== undefined ? types.get(site.type) : undefined);
    if (slot === undefined) throw new Error(`boards/${cfg.name}/board.json "indirect": ${site.file}: no slot, or no typedef ${site.type} in the generated C`);
    table.sites.push({ file: path.join(repo, site.file), line: site.line, caller: site.caller, via: site.via, slot });
  }
  table.handlers = cfg.indirect?.handlers ?? [];
  return table;
}

/**
 * Builds the board with -fstack-usage -fcallgraph-info=su into build/<board>/stack (its own flags,
 * generated C without #line) and analyses the result.
 */
export async function boardStack(board: string, opts: BoardStackOptions = {}): Promise<StackReport> {
  const repo = opts.repo ?? REPO;
  const cfg = loadBoard(board, repo);
  const out = opts.outDir ?? path.join(opts.repo === undefined ? BUILD_ROOT : path.join(repo, 'build'), board, 'stack');
  const built = await buildBoard(board, { repo, outDir: out, cc: opts.cc, app: opts.app, log: opts.log, extraCflags: STACK_FLAGS, noLineDirectives: true });
  const cc = opts.cc ?? process.env.CC ?? cfg.cc;
  const prefix = /^(.*-)gcc(-[\d.]+)?$/.exec(path.basename(cc))?.[1] ?? '';
  const tool = (n: string): string => `${prefix}${n}`;
  const cortexM = (cfg.cpu ?? '').startsWith('cortex-m');
  let entries = ['main'];
  let interrupts: string[] = [];
  let library: Map<string, { bytes: number; calls: string[] }> | undefined;
  const ciFiles = built.units.map((u) => u.o.replace(/\.o$/, '.ci'));
  const missing = ciFiles.filter((f) => !fs.existsSync(f));
  if (missing.length > 0) throw new Error(`${cc} wrote no call graph (${path.relative(repo, missing[0])}): -fcallgraph-info needs gcc 10 or later`);
  if (cortexM) {
    const vt = await vectorTable(tool, built.output);
    if (vt.reset !== undefined) entries = [vt.reset];
    interrupts = vt.handlers.filter((h) => h !== vt.reset);
  }
  // Functions the compiled C calls but does not define: measure them in the linked image.
  if (prefix !== '') {
    const externals = new Set<string>();
    for (const f of ciFiles) {
      const p = parseCallgraphInfo(fs.readFileSync(f, 'utf8'));
      for (const n of p.nodes) if (n.bytes === undefined && n.title !== '__indirect_call') externals.add(n.title);
      for (const n of p.nodes) if (n.bytes !== undefined) externals.delete(n.title);
    }
    for (const f of ciFiles) for (const n of parseCallgraphInfo(fs.readFileSync(f, 'utf8')).nodes) if (n.bytes !== undefined) externals.delete(n.title);
    library = await disassemblyFrames(tool('objdump'), built.output, externals);
  }
  const calls = await boardCallTable(cfg, built.genDir, repo, out, opts.app);
  const report = analyzeCallGraph({
    ciFiles, calls, entries, interrupts,
    exceptionFrame: cortexM ? CORTEX_M_EXCEPTION_FRAME : 0, library, stack: opts.stackBytes !== undefined ? { bytes: opts.stackBytes, source: '--stack' } : boardStackSize(cfg, repo), root: repo,
  });
  return { ...report, board, compiler: cc, flags: [...cfg.cflags, ...STACK_FLAGS] };
}

export function formatStackReport(r: StackReport, top = 15): string[] {
  const lines: string[] = [];
  const flags = r.flags?.filter((f) => /^-O|^-m/.test(f)).join(' ') ?? '';
  lines.push(`${r.board ?? 'program'}: ${r.compiler ?? 'cc'} ${flags} -fstack-usage -fcallgraph-info=su, ${r.functions.length} functions, ${r.indirect.length} indirect call sites`);
  lines.push('', `largest frames (of ${r.functions.length}):`, '   bytes  function');
  for (const f of r.functions.slice(0, top)) lines.push(`  ${String(f.bytes).padStart(6)}  ${f.name}${f.qualifier === 'static' ? '' : `  (${f.qualifier})`}${f.file ? `  ${f.file}` : ''}`);
  for (const p of r.paths) {
    lines.push('', `${p.kind === 'entry' ? 'worst path from' : 'interrupt'} ${p.entry}: ${p.total} bytes`);
    let depth = 0;
    for (const f of p.frames) lines.push(`  ${String(f.bytes).padStart(6)}  ${' '.repeat(Math.min(depth++, 30))}${f.name}`);
  }
  lines.push('');
  const irq = r.paths.filter((p) => p.kind === 'interrupt');
  const sum = irq.length > 0 ? ` = ${r.worst?.total ?? 0} (${r.worst?.entry}) + ${irq.map((p) => `${p.total} (${p.entry})`).join(' + ')}` : '';
  if (r.stack !== undefined) {
    lines.push(`worst case: ${r.total} bytes${sum} of the ${r.stack.bytes}-byte stack (${r.stack.source}): ${r.fits ? `fits, ${r.stack.bytes - r.total} bytes spare` : `DOES NOT FIT by ${r.total - r.stack.bytes} bytes`}`);
  } else lines.push(`worst case: ${r.total} bytes${sum} (the board declares no stack size: board.json "stack" or STACK_SIZE in its linker script)`);
  lines.push(`recursion: ${r.recursion.length === 0 ? 'none' : r.recursion.map((c) => [...c, c[0]].join(' -> ')).join('; ')}`);
  lines.push(`dynamic frames: ${r.dynamic.length === 0 ? 'none' : r.dynamic.map((d) => `${d.name} ${d.bytes} B (${d.qualifier})`).join(', ')}`);
  for (const m of r.method.slice(1)) lines.push(m);
  for (const e of r.errors) lines.push(`error: ${e}`);
  return lines;
}
