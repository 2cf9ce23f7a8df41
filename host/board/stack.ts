// Stack use of a board's firmware (host/board/stack.ts): compile the board's C with gcc's
// `-fstack-usage -fcallgraph-info=su` at the board's own flags, read the per-function frames and
// the call graph (.ci, VCG), resolve indirect calls, and give the deepest path from each entry.
//
//   frames     gcc's own figure per function (.su / the .ci node label): saved registers, locals,
//              spills, outgoing arguments. `dynamic` frames (alloca, VLAs) are errors;
//              `dynamic,bounded` ones are counted at gcc's bound and listed.
//   calls      every call gcc emitted (after inlining, including calls to clones and library
//              functions); `__indirect_call` sites are resolved from the C source at the site's
//              location (the generated C is compiled without its `#line`s so locations point into
//              it): a call through an interface slot `x.vt->F(...)` may reach every function stored
//              into a field F (vtable initializers, designators, assignments) whose type matches the
//              field's; a call through a function-pointer typedef (FnHandler, PollFn...) or a field
//              that is ever assigned something other than a function name may reach every
//              address-taken function of a compatible type; a site that cannot be parsed may reach
//              every address-taken function. All three are conservative.
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
// C source facts for indirect calls: definitions and their types, function-pointer fields and
// typedefs, address-taken functions, what is stored into which field.

interface CFacts {
  /** Function definitions: name -> normalized signature, per file. */
  defs: Map<string, { sig: string; files: Set<string> }>;
  /** Function-pointer typedefs: name -> signature. */
  fnTypedefs: Map<string, string>;
  /** Struct fields holding function pointers: field name -> signatures (explicit `(*F)(...)` or via a typedef). */
  fnFields: Map<string, { sig: string; viaTypedef: boolean }[]>;
  /** Struct field lists (tag and typedef name), for positional initializers. */
  structs: Map<string, string[]>;
  addressTaken: Set<string>;
  /** Field name -> functions stored into it. */
  slotStores: Map<string, Set<string>>;
  /** Fields assigned something other than a function name. */
  escaping: Set<string>;
  /** Source text per file (comments and strings blanked, same offsets). */
  text: Map<string, string>;
}

const TYPE_WORDS = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', 'bool', 'const', 'volatile', 'struct', 'union', 'enum']);
const NOT_FUNCTIONS = new Set(['if', 'while', 'for', 'switch', 'return', 'sizeof', 'do', 'else', 'case']);

/** Blanks comments, string and character literals (keeping offsets and newlines). */
function blank(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

function normType(t: string): string {
  return t.replace(/\b(const|volatile|register|static|inline|extern|struct|union|enum)\b/g, ' ').replace(/\s*\*\s*/g, '*').replace(/\s+/g, ' ').trim();
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur);
  return out;
}

/** A parameter's type without its name. */
function paramType(p: string): string {
  const fp = /^(.*\(\s*\*\s*)(\w+)(\s*\).*)$/s.exec(p.trim());
  if (fp) return normType(fp[1] + fp[3]);
  const m = /^(.*?[\s*])(\w+)\s*(\[[^\]]*\])?$/s.exec(p.trim());
  if (m && !TYPE_WORDS.has(m[2]) && /\w/.test(m[1])) return normType(m[1] + (m[3] ? '*' : ''));
  return normType(p);
}

function signature(ret: string, params: string): string {
  const ps = splitTop(params).map(paramType);
  const list = ps.length === 1 && ps[0] === 'void' ? [] : ps;
  return `${normType(ret)}(${list.join(',')})`;
}

function collectFacts(files: string[]): CFacts {
  const f: CFacts = {
    defs: new Map(), fnTypedefs: new Map(), fnFields: new Map(), structs: new Map(),
    addressTaken: new Set(), slotStores: new Map(), escaping: new Set(), text: new Map(),
  };
  for (const file of files) {
    const t = blank(fs.readFileSync(file, 'utf8')).replace(/__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)/g, (m) => ' '.repeat(m.length));
    f.text.set(file, t);
    for (const m of t.matchAll(/^([A-Za-z_][\w \t*]*?[\s*])(\w+)\s*\(([^;{}]*)\)\s*\{/gm)) {
      if (NOT_FUNCTIONS.has(m[2]) || /\btypedef\b/.test(m[1])) continue;
      const d = f.defs.get(m[2]) ?? { sig: signature(m[1], m[3]), files: new Set<string>() };
      d.files.add(file);
      f.defs.set(m[2], d);
    }
    for (const m of t.matchAll(/\btypedef\s+([^;{}()]+?)\(\s*\*\s*(\w+)\s*\)\s*\(([^;{}]*)\)\s*;/g)) f.fnTypedefs.set(m[2], signature(m[1], m[3]));
    for (const m of t.matchAll(/\b(?:struct|union)\s+(\w+)?\s*\{([^{}]*)\}\s*(\w+)?\s*;/g)) {
      const names: string[] = [];
      for (const decl of m[2].split(';')) {
        const d = decl.trim();
        if (d === '' || d.startsWith('#')) continue;
        const fp = /^(.*?)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)$/s.exec(d);
        if (fp) {
          names.push(fp[2]);
          f.fnFields.set(fp[2], [...(f.fnFields.get(fp[2]) ?? []), { sig: signature(fp[1], fp[3]), viaTypedef: false }]);
          continue;
        }
        const v = /(\w+)\s*(\[[^\]]*\])?$/.exec(d);
        if (!v) continue;
        names.push(v[1]);
        const ty = /^(?:const\s+)?(\w+)/.exec(d)?.[1];
        if (ty !== undefined && f.fnTypedefs.has(ty)) {
          f.fnFields.set(v[1], [...(f.fnFields.get(v[1]) ?? []), { sig: f.fnTypedefs.get(ty)!, viaTypedef: true }]);
        }
      }
      if (m[1] !== undefined) f.structs.set(m[1], names);
      if (m[3] !== undefined) f.structs.set(m[3], names);
    }
  }
  const isFn = (n: string): boolean => f.defs.has(n);
  const store = (field: string, fn: string): void => {
    f.slotStores.set(field, (f.slotStores.get(field) ?? new Set()).add(fn));
  };
  for (const t of f.text.values()) {
    // Address-taken: a function's name not followed by '(' (initializers, assignments, arguments, macros).
    for (const m of t.matchAll(/\b([A-Za-z_]\w*)\b(\s*)(.?)/g)) {
      if (isFn(m[1]) && m[3] !== '(' && t[m.index - 1] !== '.' && t[m.index - 1] !== '>') f.addressTaken.add(m[1]);
    }
    // Designators and assignments: `.F = fn`, `->F = fn`.
    for (const m of t.matchAll(/(?:\.|->)\s*(\w+)\s*=(?!=)\s*(&?\s*)(\w+)?\s*([^;,}]*)/g)) {
      if (!f.fnFields.has(m[1])) continue;
      if (m[3] !== undefined && isFn(m[3]) && m[4].trim() === '') store(m[1], m[3]);
      else f.escaping.add(m[1]);
    }
    // Positional initializers of structs with function-pointer fields.
    for (const m of t.matchAll(/\b(\w+)\s+(\w+)\s*(\[[^\]]*\])?\s*=\s*\{/g)) {
      const fields = f.structs.get(m[1]);
      if (fields === undefined) continue;
      let depth = 1;
      let i = m.index + m[0].length;
      const start = i;
      while (i < t.length && depth > 0) {
        if (t[i] === '{') depth++;
        else if (t[i] === '}') depth--;
        i++;
      }
      const items = splitTop(t.slice(start, i - 1)).map((s) => s.trim());
      const lists = m[3] !== undefined && items.every((s) => s.startsWith('{')) ? items.map((s) => splitTop(s.slice(1, -1)).map((x) => x.trim())) : [items];
      for (const list of lists) {
        list.forEach((item, k) => {
          const name = /^&?\s*(\w+)$/.exec(item)?.[1];
          if (name !== undefined && isFn(name) && fields[k] !== undefined) store(fields[k], name);
        });
      }
    }
  }
  return f;
}

/** Reads the callee expression of the call at `line:col` (1-based): `a->b.vt->F`, `h`, `tbl[i]`, `(*p)`. */
function calleeAt(text: string, line: number, col: number): string | undefined {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return undefined;
    off = nl + 1;
  }
  let i = off + col - 1;
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const ident = (): string | undefined => {
    const m = /^[A-Za-z_]\w*/.exec(text.slice(i, i + 200));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const group = (open: string, close: string): string | undefined => {
    let depth = 0;
    const s = i;
    for (; i < text.length; i++) {
      if (text[i] === open) depth++;
      else if (text[i] === close && --depth === 0) {
        i++;
        return text.slice(s, i);
      }
    }
    return undefined;
  };
  skip();
  let chain: string;
  if (text[i] === '(') {
    const g = group('(', ')');
    if (g === undefined) return undefined;
    chain = g.replace(/\s+/g, '');
  } else {
    const id = ident();
    if (id === undefined) return undefined;
    chain = id;
  }
  for (;;) {
    skip();
    if (text.startsWith('->', i)) {
      i += 2;
      skip();
      const id = ident();
      if (id === undefined) return undefined;
      chain += `->${id}`;
    } else if (text[i] === '.') {
      i++;
      skip();
      const id = ident();
      if (id === undefined) return undefined;
      chain += `.${id}`;
    } else if (text[i] === '[') {
      if (group('[', ']') === undefined) return undefined;
      chain += '[]';
    } else if (text[i] === '(') {
      return chain;
    } else return undefined;
  }
}

/** The declared type of a variable `v` visible before `upTo`: a function-pointer typedef or an explicit `(*v)(...)`. */
function declaredSig(facts: CFacts, file: string, v: string, upTo: number): string | undefined {
  const texts = [facts.text.get(file)!.slice(0, upTo), ...[...facts.text.entries()].filter(([k]) => k !== file).map(([, t]) => t)];
  for (const t of texts) {
    let found: string | undefined;
    for (const m of t.matchAll(new RegExp(`\\b(\\w+)\\s+(?:const\\s+)?${v}\\s*[=;,)\\[]`, 'g'))) {
      if (facts.fnTypedefs.has(m[1])) found = facts.fnTypedefs.get(m[1]);
    }
    for (const m of t.matchAll(new RegExp(`([\\w\\s*]+?)\\(\\s*\\*\\s*(?:const\\s+)?${v}\\s*(?:\\[[^\\]]*\\])?\\)\\s*\\(([^;{}]*)\\)`, 'g'))) {
      found = signature(m[1], m[2]);
    }
    if (found !== undefined) return found;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The analysis

export interface AnalyzeInput {
  /** The .ci files (one per compiled C file). */
  ciFiles: string[];
  /** The C sources as compiled (locations of indirect calls are read from them). */
  sources: string[];
  /** Entry points (C names). */
  entries: string[];
  /** Interrupt handlers, counted once each on top of the worst entry path. */
  interrupts?: string[];
  /** Bytes the hardware pushes on exception entry (counted once per interrupt path). */
  exceptionFrame?: number;
  /**
   * Hand-written sources whose address-taken functions, when no analysed call reaches them, are
   * handlers called from outside (a signal handler registered with sigaction, a vector): each is
   * counted like an interrupt.
   */
  handlerSources?: string[];
  /** Frames of functions not compiled here (from a disassembly). */
  library?: Map<string, { bytes: number; calls: string[] }>;
  /** The stack the firmware gets, to compare the total with. */
  stack?: { bytes: number; source: string };
  /** Paths in the report are relative to this folder. */
  root?: string;
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

  // The headers beside the sources declare the interface structs and function-pointer typedefs.
  const headers = [...new Set(input.sources.map((s) => path.dirname(s)))].flatMap((d) =>
    fs.readdirSync(d).filter((n) => n.endsWith('.h')).map((n) => path.join(d, n)));
  // Headers elsewhere that hold an indirect call site (firmware/platform/common/trap.h, included
  // by a board's C file) are read too, so the site resolves by its declared type, not to 'any'.
  const siteFiles = [...edges.values()].flat().filter((e) => e.to === '__indirect_call')
    .map((e) => path.resolve(root, e.loc.replace(/:\d+:\d+$/, '')))
    .filter((f) => fs.existsSync(f) && !input.sources.includes(f) && !headers.includes(f));
  const sources = [...input.sources, ...new Set(siteFiles)];
  const facts = collectFacts([...sources, ...headers.filter((h) => !sources.includes(h))]);
  const takenTitles = (names: Iterable<string>): string[] => {
    const out: string[] = [];
    for (const n of names) {
      const d = facts.defs.get(n);
      for (const file of d?.files ?? [undefined]) {
        const t = titleOf(n, file);
        if (t !== undefined && !out.includes(t)) out.push(t);
      }
    }
    return out;
  };
  const bySig = (sigs: string[]): string[] => takenTitles([...facts.addressTaken].filter((n) => sigs.includes(facts.defs.get(n)!.sig)));

  const indirect: IndirectSite[] = [];
  const resolveSite = (from: string, loc: string): IndirectSite => {
    const m = /^(.*):(\d+):(\d+)$/.exec(loc);
    const abs = m === undefined || m === null ? undefined : sources.find((s) => s === m[1] || path.resolve(root, m[1]) === path.resolve(s));
    const any = (via: string): IndirectSite => ({ caller: display(from), location: rel(loc), via, how: 'any', targets: takenTitles(facts.addressTaken) });
    if (m === null || abs === undefined) return any('(location not in the sources)');
    const text = facts.text.get(abs)!;
    const via = calleeAt(text, Number(m[2]), Number(m[3]));
    if (via === undefined) return any('(call expression not parsed)');
    const field = /(?:->|\.)(\w+)$/.exec(via)?.[1];
    if (field !== undefined) {
      const decls = facts.fnFields.get(field) ?? [];
      if (decls.length === 0) return any(via);
      const sigs = decls.map((d) => d.sig);
      const slot = facts.slotStores.get(field);
      if (decls.every((d) => !d.viaTypedef) && !facts.escaping.has(field) && slot !== undefined && slot.size > 0) {
        const targets = takenTitles([...slot].filter((n) => sigs.includes(facts.defs.get(n)!.sig)));
        return { caller: display(from), location: rel(loc), via, how: 'slot', targets };
      }
      return { caller: display(from), location: rel(loc), via, how: 'type', targets: bySig(sigs) };
    }
    const base = /^\(?\*?(\w+)/.exec(via)?.[1];
    let upTo = 0;
    for (let l = 1, off = 0; l <= Number(m[2]); l++) {
      upTo = off;
      off = text.indexOf('\n', off) + 1;
    }
    const sig = base === undefined ? undefined : declaredSig(facts, abs, base, upTo + Number(m[3]));
    if (sig === undefined) return any(via);
    return { caller: display(from), location: rel(loc), via, how: 'type', targets: bySig([sig]) };
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
  // Handlers called from outside: address-taken in the hand-written sources, reached by no call.
  const called = new Set<string>();
  for (const s of callees.values()) s.forEach((t) => called.add(t));
  const handlerFiles = new Set((input.handlerSources ?? []).map((f) => path.resolve(root, f)));
  const known = new Set([...input.entries, ...(input.interrupts ?? [])].map((e) => titleOf(e) ?? e));
  const handlers: string[] = [];
  for (const n of facts.addressTaken) {
    const files = [...(facts.defs.get(n)?.files ?? [])].filter((f) => handlerFiles.has(path.resolve(root, f)));
    for (const f of files) {
      const t = titleOf(n, f);
      if (t !== undefined && !called.has(t) && !known.has(t)) handlers.push(n);
    }
  }
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
    `indirect calls: ${indirect.length} sites; ${counts.slot} through an interface slot (every function stored into that field, of its type), ` +
      `${counts.type} through a function-pointer type (every address-taken function of that type), ${counts.any} unparsed (every address-taken function)`,
    library.length > 0 ? `library frames from the disassembly of the linked image: ${library.map((l) => `${l.name} ${l.bytes} B`).join(', ')}` : 'library frames: none measured',
    unknown.length > 0 ? `no frame figure (counted 0): ${unknown.join(', ')}` : 'every reachable function has a frame figure',
    interrupts.length > 0
      ? `interrupts: ${interrupts.join(', ')}, each counted once on top of the worst entry path` +
        ((input.exceptionFrame ?? 0) > 0 ? ` with ${input.exceptionFrame} bytes of hardware frame (priorities not modelled)` : ' (the kernel\'s signal frame is not counted)') +
        (handlers.length > 0 ? `; ${handlers.join(', ')}: address-taken in the board's C and called by no analysed code (a signal handler or vector)` : '')
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
  const report = analyzeCallGraph({
    ciFiles, sources: built.units.map((u) => u.src), entries, interrupts,
    exceptionFrame: cortexM ? CORTEX_M_EXCEPTION_FRAME : 0, library, handlerSources: cfg.sources.map((f) => path.join(repo, f)), stack: opts.stackBytes !== undefined ? { bytes: opts.stackBytes, source: '--stack' } : boardStackSize(cfg, repo), root: repo,
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
