// User device functions: reads the exported functions of an app folder (FwTS modules) with the
// TypeScript checker and writes
//   <out>/app_registry.ts  FwTS: one FnHandler wrapper per function (argument count and types
//                          checked, values marshalled, the return value sent), the name and
//                          signature byte tables and `class AppRegistry implements AppTable`.
//                          It replaces firmware/rpc/app_registry.ts (no functions) in the board's
//                          C (see lowerApp) and is what LocalSession runs in Node (loadApp).
//   <app>/app.d.ts         host types: `interface AppFunctions { scale(t: NDArray, k: number):
//                          Promise<number> }` for connect<AppFunctions>(...).
//
// Parameter types: u8 u16 u32 i8 i16 i32, f32 f64, boolean (or bool), Tensor, Str (a string),
// Blob (a Uint8Array) (firmware/app/api.ts). Return types: void, u8 u16 u32 i8 i16 i32, f32 f64,
// boolean, Str, Blob. The wire name of a function is its exported name; app function k gets
// registry index FN_COUNT + k (after the built-ins). Float parameters and results use
// firmware/app/float_glue.ts, imported only by an app that has them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFrontEnd, ts, REPO_ROOT } from '../../codegen/src/program.ts';
import { FROM_SOURCES } from '../repo.ts';
import { FUNCTIONS } from './rpc-tables.ts';
import { RPC_MAX_FUNCTIONS } from '../../firmware/rpc/config.ts';
import { byteTable } from './byte-table.ts';
import { AppError, appModules } from './modules.ts';

export { AppError, appModules };

export type ParamKind = 'u8' | 'u16' | 'u32' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64' | 'bool' | 'tensor' | 'str' | 'bytes';
export type ReturnKind = Exclude<ParamKind, 'tensor'> | 'void';

export interface AppFunction {
  name: string;
  /** Absolute path of the module that exports it. */
  file: string;
  params: { name: string; kind: ParamKind }[];
  ret: ReturnKind;
  /** The signature shown by urpc.info, e.g. "(tensor t, i32 k) -> i32". */
  signature: string;
  doc: string;
}

export interface GeneratedApp {
  functions: AppFunction[];
  /** Absolute paths of the app's modules. */
  modules: string[];
  registry: string;
  dts: string;
}

const INTS = new Set(['u8', 'u16', 'u32', 'i8', 'i16', 'i32']);
const FLOATS = new Set(['f32', 'f64']);
const API = path.join(REPO_ROOT, 'firmware/app/api.ts');
/** Short names the host resolves to built-ins (functions.echo is urpc.echo): an app function
 * may not take one. */
const RESERVED = new Set(FUNCTIONS.flatMap(([, wire]) => [wire, wire.slice(wire.lastIndexOf('.') + 1)]));

function kindOf(t: ts.Type, checker: ts.TypeChecker): ParamKind | 'void' | undefined {
  const alias = t.aliasSymbol?.name;
  if (alias !== undefined && (INTS.has(alias) || FLOATS.has(alias))) return alias as ParamKind;
  if ((t.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) !== 0) return 'bool';
  if ((t.flags & ts.TypeFlags.Void) !== 0) return 'void';
  const sym = t.getSymbol();
  const decl = sym?.declarations?.[0];
  const fromApi = decl !== undefined && path.resolve(decl.getSourceFile().fileName) === API;
  if (fromApi && sym?.name === 'Tensor') return 'tensor';
  if (fromApi && sym?.name === 'Str') return 'str';
  if (fromApi && sym?.name === 'Blob') return 'bytes';
  void checker;
  return undefined;
}

function where(node: ts.Node): string {
  const sf = node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return `${path.relative(process.cwd(), sf.fileName)}:${line + 1}:${character + 1}`;
}

/** Reads the exported functions of the app's modules. */
export function readApp(dir: string): { functions: AppFunction[]; modules: string[] } {
  const modules = appModules(dir);
  const fe = createFrontEnd(modules);
  const errors = fe.tsDiagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new AppError(`app ${dir} does not type-check:\n` + ts.formatDiagnostics(errors, {
      getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n',
    }));
  }
  const functions: AppFunction[] = [];
  const problems: string[] = [];
  for (const file of modules) {
    const sf = fe.program.getSourceFile(file);
    if (sf === undefined) continue;
    for (const st of sf.statements) {
      if (!ts.isFunctionDeclaration(st) || st.name === undefined) continue;
      if (!(ts.getCombinedModifierFlags(st) & ts.ModifierFlags.Export)) continue;
      const name = st.name.text;
      const params: AppFunction['params'] = [];
      for (const p of st.parameters) {
        const k = kindOf(fe.checker.getTypeAtLocation(p), fe.checker);
        if (k === undefined || k === 'void') {
          problems.push(`${where(p)}: parameter '${p.name.getText(sf)}' of ${name}: type ${p.type?.getText(sf) ?? '?'} is not ` +
            'a device function parameter type (u8 u16 u32 i8 i16 i32 f32 f64 boolean Tensor Str Blob)');
        } else {
          params.push({ name: p.name.getText(sf), kind: k });
        }
      }
      const sig = fe.checker.getSignatureFromDeclaration(st);
      const rk = sig ? kindOf(sig.getReturnType(), fe.checker) : undefined;
      if (rk === undefined || rk === 'tensor') {
        problems.push(`${where(st.name)}: ${name} returns ${st.type?.getText(sf) ?? '?'}; a device function returns void, ` +
          'u8 u16 u32 i8 i16 i32, f32 f64, boolean, Str or Blob');
        continue;
      }
      if (RESERVED.has(name)) {
        problems.push(`${where(st.name)}: '${name}' is the name of a built-in device function; rename it`);
        continue;
      }
      if (functions.some((f) => f.name === name)) {
        problems.push(`${where(st.name)}: a function '${name}' is already exported by another module of the app`);
        continue;
      }
      const show = (k: string): string => (k === 'bool' ? 'bool' : k);
      const doc = ts.getJSDocCommentsAndTags(st).map((d) => (ts.isJSDoc(d) && typeof d.comment === 'string' ? d.comment : '')).join(' ').replace(/\s+/g, ' ').trim();
      functions.push({
        name, file, params, ret: rk, doc,
        signature: `(${params.map((p) => `${show(p.kind)} ${p.name}`).join(', ')}) -> ${show(rk)}`,
      });
    }
  }
  if (problems.length > 0) throw new AppError(problems.join('\n'));
  if (functions.length === 0) throw new AppError(`app ${dir} exports no functions`);
  if (functions.length > RPC_MAX_FUNCTIONS - FUNCTIONS.length) {
    throw new AppError(`app ${dir}: ${functions.length} functions, at most ${RPC_MAX_FUNCTIONS - FUNCTIONS.length} fit the device's function table (RPC_MAX_FUNCTIONS in firmware/rpc/config.ts)`);
  }
  return { functions, modules };
}

function rel(from: string, to: string): string {
  const r = path.relative(from, to).split(path.sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
}

const INT_KIND: Record<string, string> = { u8: 'U8', u16: 'U16', u32: 'U32', i8: 'I8', i16: 'I16', i32: 'I32' };

function wrapper(f: AppFunction, tensors: Map<number, string>, views: Map<string, string>): string {
  const lines: string[] = [];
  lines.push(`/** ${f.name}${f.signature} (${path.basename(f.file)}) */`);
  lines.push(`function call_${f.name}(c: Ctx, a: Args): Msg {`);
  lines.push(`  let m: Msg = a.expect(u32(${f.params.length}));`);
  const args: string[] = [];
  let t = 0;
  f.params.forEach((p, i) => {
    let check: string;
    if (p.kind === 'tensor') {
      const obj = `ARG_T${t++}`;
      tensors.set(t, obj);
      check = `argTensor(c, a, u32(${i}), ${obj})`;
      args.push(obj);
    } else if (p.kind === 'str' || p.kind === 'bytes') {
      const obj = `ARG_${p.kind === 'str' ? 'S' : 'B'}${i}`;
      views.set(obj, p.kind === 'str' ? 'Str' : 'Blob');
      check = `${p.kind === 'str' ? 'argStr' : 'argBlob'}(c, a, u32(${i}), ${obj})`;
      args.push(obj);
    } else if (p.kind === 'bool') {
      check = `argBool(c, a, u32(${i}))`;
      args.push(`a.lo(u32(${i})) !== 0`);
    } else if (p.kind === 'f32' || p.kind === 'f64') {
      check = `argFloat(c, a, u32(${i}), ${p.kind === 'f32'})`;
      args.push(p.kind === 'f32' ? `f32(floatArg(a, u32(${i})))` : `floatArg(a, u32(${i}))`);
    } else {
      check = `argInt(c, a, u32(${i}), IntKind.${INT_KIND[p.kind]})`;
      args.push(p.kind.startsWith('u') ? `${p.kind}(a.lo(u32(${i})))` : `${p.kind}(asI32(a.lo(u32(${i}))))`);
    }
    lines.push(`  if (m === Msg.Ok) {`, `    m = ${check};`, `  }`);
  });
  lines.push(`  if (m !== Msg.Ok) {`, `    return m;`, `  }`, `  callBegin();`);
  const call = `${f.name}(${args.join(', ')})`;
  switch (f.ret) {
    case 'void':
      lines.push(`  ${call};`, `  return retVoid(c);`);
      break;
    case 'bool':
      lines.push(`  const r: boolean = ${call};`, `  return retBool(c, r);`);
      break;
    case 'str':
      lines.push(`  const r: Str = ${call};`, `  return retStr(c, r);`);
      break;
    case 'bytes':
      lines.push(`  const r: Blob = ${call};`, `  return retBlob(c, r);`);
      break;
    case 'f32':
    case 'f64':
      lines.push(`  const r: ${f.ret} = ${call};`, `  return ${f.ret === 'f32' ? 'retF32' : 'retF64'}(c, r);`);
      break;
    default:
      lines.push(`  const r: ${f.ret} = ${call};`,
        f.ret.startsWith('u') ? `  return retUnsigned(c, u32(r));` : `  return retSigned(c, i32(r));`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** The app folder as generated files name it: relative to the repository for its own examples,
 * else its folder name (the files are committed with the app: no machine's paths in them). */
function appName(appDir: string): string {
  const r = path.relative(REPO_ROOT, path.resolve(appDir));
  return r.startsWith('..') || path.isAbsolute(r) ? path.basename(path.resolve(appDir)) : r.split(path.sep).join('/');
}

/** How generated files import urpc: by relative path from a checkout's sources (tsx runs them),
 * by package name from the installed package (Node then loads the same compiled modules as the
 * app's `urpc/fwts`, and the transpiler resolves the names in this urpc: codegen packageModule). */
function firmwareImport(outDir: string, p: string): string {
  return FROM_SOURCES ? rel(outDir, path.join(REPO_ROOT, 'firmware', p)) : `urpc/firmware/${p}`;
}

/** The FwTS text of app_registry.ts for these functions, to be written in outDir. */
export function renderRegistry(functions: AppFunction[], outDir: string, appDir: string): string {
  const fw = (p: string): string => firmwareImport(outDir, p);
  const tensors = new Map<number, string>();
  const views = new Map<string, string>();
  const wrappers = functions.map((f) => wrapper(f, tensors, views)).join('\n');
  const viewTypes = new Set([...views.values(), ...functions.flatMap((f) => (f.ret === 'str' ? ['Str'] : f.ret === 'bytes' ? ['Blob'] : []))]);
  const apiImports = [...(tensors.size > 0 ? ['Tensor'] : []), ...[...viewTypes].sort()];
  const usesInt = functions.some((f) => f.params.some((p) => INTS.has(p.kind)));
  const usesBool = functions.some((f) => f.params.some((p) => p.kind === 'bool'));
  const usesTensor = tensors.size > 0;
  const usedWidths = new Set<string>(['u8', 'u32']);
  const signed = functions.some((f) => f.params.some((p) => p.kind.startsWith('i')));
  for (const f of functions) {
    for (const p of f.params) if (INTS.has(p.kind)) usedWidths.add(p.kind);
    if (INTS.has(f.ret)) usedWidths.add(f.ret);
    if (f.ret.startsWith('i')) usedWidths.add('i32');
  }
  const intRets = functions.filter((f) => !FLOATS.has(f.ret));
  const rets = new Set(intRets.map((f) => (f.ret === 'void' ? 'retVoid' : f.ret === 'bool' ? 'retBool' : f.ret === 'str' ? 'retStr'
    : f.ret === 'bytes' ? 'retBlob' : f.ret.startsWith('u') ? 'retUnsigned' : 'retSigned')));
  // Float glue comes from its own module, so an app without floats does not import it.
  const floatParams = new Set(functions.flatMap((f) => f.params.filter((p) => FLOATS.has(p.kind)).map((p) => p.kind)));
  const floatGlue = [
    ...(floatParams.size > 0 ? ['argFloat', 'floatArg'] : []),
    ...[...new Set(functions.filter((f) => FLOATS.has(f.ret)).map((f) => (f.ret === 'f32' ? 'retF32' : 'retF64')))].sort(),
  ];
  const floatTypes = [...new Set([...floatParams, ...functions.filter((f) => FLOATS.has(f.ret)).map((f) => f.ret)])].sort();
  const usesStr = [...views.values()].includes('Str');
  const usesBlob = [...views.values()].includes('Blob');
  const glue = [
    ...(usesInt ? ['argInt', 'IntKind'] : []), ...(usesBool ? ['argBool'] : []), ...(usesTensor ? ['argTensor'] : []),
    ...(usesStr ? ['argStr'] : []), ...(usesBlob ? ['argBlob'] : []),
    ...(signed ? ['asI32'] : []), 'callBegin', ...[...rets].sort(),
  ];
  const byModule = new Map<string, string[]>();
  for (const f of functions) byModule.set(f.file, [...(byModule.get(f.file) ?? []), f.name]);
  const n = functions.length;
  const order = ['u8', 'u16', 'u32', 'i8', 'i16', 'i32'].filter((w) => usedWidths.has(w));
  return [
    `// GENERATED by urpc (host/app/generate.ts) from ${appName(appDir)}: the app's device functions.`,
    '// Do not edit: `urpc build --app` rewrites it. It replaces firmware/rpc/app_registry.ts in this build.',
    '',
    `import { ${[...order, ...floatTypes.map((t) => (t === 'f32' && floatParams.has('f32') ? 'f32' : `type ${t}`))].join(', ')}, rd8, wr8, type Bytes } from '${fw('lib/prelude.ts')}';`,
    `import type { Ctx, AppTable, FnHandler } from '${fw('rpc/ctx.ts')}';`,
    `import type { Args, Writer } from '${fw('rpc/wire.ts')}';`,
    `import { Msg } from '${fw('rpc/messages.ts')}';`,
    ...(apiImports.length > 0 ? [`import { ${apiImports.join(', ')} } from '${fw('app/api.ts')}';`] : []),
    `import { ${glue.join(', ')} } from '${fw('app/glue.ts')}';`,
    ...(floatGlue.length > 0 ? [`import { ${floatGlue.join(', ')} } from '${fw('app/float_glue.ts')}';`] : []),
    ...[...byModule].map(([file, names]) => `import { ${names.join(', ')} } from '${rel(outDir, file)}';`),
    '',
    ...[...tensors.values()].map((o) => `const ${o} = new Tensor();`),
    ...[...views].map(([o, cls]) => `const ${o} = new ${cls}();`),
    ...(usesTensor || views.size > 0 ? [''] : []),
    `const APP_COUNT = ${n};`,
    '',
    byteTable('APP_NAMES', 'Wire names, each ended by a 0 byte.', functions.map((f) => [f.name, f.name])),
    byteTable('APP_SIGS', 'Signatures for urpc.info, each ended by a 0 byte.', functions.map((f) => [f.name, f.signature])),
    wrappers,
    `const APP_HANDLERS: readonly FnHandler[] = [${functions.map((f) => `call_${f.name}`).join(', ')}];`,
    '',
    `export class AppRegistry implements AppTable {
  count(): u32 {
    return u32(APP_COUNT);
  }
  call(c: Ctx, k: u32): Msg {
    if (k < APP_HANDLERS.length) {
      const h: FnHandler = APP_HANDLERS[k];
      return h(c, c.args);
    }
    return c.err.set1(Msg.UnknownFnHandle, k);
  }
  find(name: Bytes): u32 {
    let k: u32 = u32(0);
    let j: u32 = u32(0);
    let same: boolean = true;
    for (let i = u32(0); i < APP_NAMES.length; i++) {
      const ch: u8 = APP_NAMES[i];
      if (ch === 0) {
        if (same && j === name.length) {
          return k;
        }
        k = u32(k + 1);
        j = u32(0);
        same = true;
        continue;
      }
      if (same && (j >= name.length || rd8(name, j) !== ch)) {
        same = false;
      }
      j = u32(j + 1);
    }
    return u32(APP_COUNT);
  }
  copyName(k: u32, dst: Bytes): u32 {
    let at: u32 = u32(0);
    let n: u32 = u32(0);
    for (let i = u32(0); i < APP_NAMES.length; i++) {
      const ch: u8 = APP_NAMES[i];
      if (ch === 0) {
        at = u32(at + 1);
      } else if (at === k && n < dst.length) {
        wr8(dst, n, ch);
        n = u32(n + 1);
      }
    }
    return n;
  }
  putName(w: Writer, k: u32): void {
    let at: u32 = u32(0);
    for (let i = u32(0); i < APP_NAMES.length; i++) {
      const ch: u8 = APP_NAMES[i];
      if (ch === 0) {
        at = u32(at + 1);
      } else if (at === k) {
        w.put8(ch);
      }
    }
  }
  putSig(w: Writer, k: u32): void {
    let at: u32 = u32(0);
    for (let i = u32(0); i < APP_SIGS.length; i++) {
      const ch: u8 = APP_SIGS[i];
      if (ch === 0) {
        at = u32(at + 1);
      } else if (at === k) {
        w.put8(ch);
      }
    }
  }
}
`,
  ].join('\n');
}

const HOST_TYPE: Record<string, string> = {
  u8: 'number', u16: 'number', u32: 'number', i8: 'number', i16: 'number', i32: 'number', f32: 'number', f64: 'number',
  bool: 'boolean', tensor: 'NDArray', void: 'void',
  str: 'string', bytes: 'Uint8Array',
};

/** The host declarations (app.d.ts) for these functions, to be written in outDir. */
export function renderDts(functions: AppFunction[], outDir: string, appDir: string): string {
  // An app of the repository imports the checkout's sources; any other app, the package.
  const inRepo = !path.relative(REPO_ROOT, path.resolve(appDir)).startsWith('..');
  const client = inRepo ? rel(outDir, path.join(REPO_ROOT, 'host/client/client.ts')) : 'urpc';
  return [
    `// GENERATED by urpc (host/app/generate.ts) from ${appName(appDir)}: host types of the app's device functions.`,
    '// Regenerated by every `urpc build --app` (commit it with the app).',
    '//   const s = await connect<AppFunctions>(\'native\');  await s.functions.scale(t, 3);',
    `import type { NDArray } from '${client}';`,
    '',
    '/** The device functions of the app (session.functions.<name>). */',
    'export interface AppFunctions {',
    ...functions.flatMap((f) => [
      `  /** ${f.doc !== '' ? f.doc + ' ' : ''}Device: ${f.name}${f.signature} (${path.basename(f.file)}). */`,
      `  ${f.name}(${f.params.map((p) => `${p.name}: ${HOST_TYPE[p.kind]}`).join(', ')}): Promise<${HOST_TYPE[f.ret]}>;`,
    ]),
    '}',
    '',
    `/** Wire names of the app's functions, in registry order. */`,
    `export type AppFunctionName = ${functions.map((f) => JSON.stringify(f.name)).join(' | ')};`,
    '',
  ].join('\n');
}

/** Reads the app in `appDir`, writes app_registry.ts into outDir and app.d.ts next to the app's
 * modules (host code imports it from there; it only changes when the app's exports do). */
export function generateApp(appDir: string, outDir: string): GeneratedApp {
  const { functions, modules } = readApp(appDir);
  const out = path.resolve(outDir);
  fs.mkdirSync(out, { recursive: true });
  const registry = path.join(out, 'app_registry.ts');
  // The registry is an ES module wherever it is written (outside a "type": "module" package,
  // TypeScript would read it as CommonJS: TS1295).
  const pkg = path.join(out, 'package.json');
  if (!fs.existsSync(pkg)) fs.writeFileSync(pkg, '{ "type": "module" }\n');
  const dts = path.join(path.resolve(appDir), 'app.d.ts');
  fs.writeFileSync(registry, renderRegistry(functions, out, appDir));
  const types = renderDts(functions, path.dirname(dts), appDir);
  if (!fs.existsSync(dts) || fs.readFileSync(dts, 'utf8') !== types) fs.writeFileSync(dts, types);
  return { functions, modules, registry, dts };
}
