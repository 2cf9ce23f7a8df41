// Source of truth for the byte tables the FwTS RPC server uses in place of strings (FwTS has no
// string values): exception texts (firmware/rpc/messages.ts), the function registry's names and
// signatures (firmware/rpc/names.ts) and the built-ins' handler table (firmware/rpc/builtins.ts).
// Regenerate them with `npm run gen` (host/app/gen.ts); test/unit/rpc-tables.test.ts fails while they are out of date. The errors themselves are in
// rpc-messages.ts (imported by the host's client too, which must not load Node's Buffer).

import { byteTable } from './byte-table.ts';
import { MESSAGES } from './rpc-messages.ts';

export { MESSAGES };
/** [enum key, text]: text pieces the device itself sends (not errors): urpc.info's lines
 * (firmware/functions/info.ts). `%u` takes the next detail value as unsigned decimal. */
export const TEXTS: readonly (readonly [string, string])[] = [
  ['InfoHead', 'urpc=0.1.0\nwire=microtvm-0.13\nboard='],
  ['InfoLimits', '\nmax_packet=%u\nmem_total=%u\nmem_free=%u\n'],
  ['InfoFn', 'fn='],
];

/** One built-in device function: [enum key, wire name, signature shown by urpc.info, where it is
 * found, the firmware module (under firmware/) exporting its handler `fn<key>`]. */
export type BuiltinFunction = readonly [string, string, string, 'global' | 'module', string];

/** The built-ins in registry order: index i is global function handle 0x80028000 | i (TVM's order
 * for the first five) in a build that links them all. 'global': only by GetGlobalFunc (TVM's
 * runtime functions); 'module': also in the system library (ModuleGetFunction, the time
 * evaluator). Globals come first (FN_MODULE_FIRST). A build may link fewer (host/board/builtins.ts):
 * the linked ones keep this order and are numbered from 0 without gaps. */
export const FUNCTIONS: readonly BuiltinFunction[] = [
  ['SystemLib', 'runtime.SystemLib', '() -> module', 'global', 'functions/system.ts'],
  ['ModuleGetFunction', 'tvm.rpc.server.ModuleGetFunction', '(module, str name, int query_imports) -> func', 'global', 'functions/system.ts'],
  ['TimeEvaluator', 'runtime.RPCTimeEvaluator',
    '(module, str name, int dev_type, int dev_id, int number, int repeat, int min_repeat_ms, [int limit_zero_time_iterations], int cooldown_interval_ms, int repeats_to_cooldown, [int cache_flush_bytes], str f_preproc) -> func', 'global', 'functions/timeeval.ts'],
  ['GetCRTMaxPacketSize', 'tvm.rpc.server.GetCRTMaxPacketSize', '() -> int', 'global', 'functions/system.ts'],
  ['RandomFill', 'tvm.contrib.random.random_fill', '(tensor out) -> void', 'global', 'functions/tensor_ops.ts'],
  ['Echo', 'urpc.echo', '(any x) -> x', 'module', 'functions/echo.ts'],
  ['Info', 'urpc.info', '() -> str', 'module', 'functions/info.ts'],
  ['Add', 'urpc.add', '(tensor a, tensor b, tensor out) -> void', 'module', 'functions/tensor_ops.ts'],
  ['Sum', 'urpc.sum', '(tensor a) -> int', 'module', 'functions/tensor_ops.ts'],
  ['Log', 'urpc.log', '(int...) -> void', 'module', 'functions/device_log.ts'],
  ['Sleep', 'urpc.sleep', '(int ms) -> void [async]', 'module', 'functions/sleep.ts'],
];

/** What a TVM host needs to open a session and find functions: every build links these. */
export const SYSTEM_FUNCTIONS: readonly string[] = ['runtime.SystemLib', 'tvm.rpc.server.ModuleGetFunction', 'tvm.rpc.server.GetCRTMaxPacketSize'];

/** Index of the first function of the system library (every later one is in it too). */
export function moduleFirst(fns: readonly BuiltinFunction[] = FUNCTIONS): number {
  const k = fns.findIndex((f) => f[3] === 'module');
  if (k < 0) return fns.length;
  if (fns.slice(k).some((f) => f[3] !== 'module')) throw new Error('rpc-tables: global functions must come before module functions');
  return k;
}

/** Bit i set: built-in i is async (answers later; the time evaluator refuses to time it). */
function asyncMask(fns: readonly BuiltinFunction[]): number {
  if (fns.length > 32) throw new Error('rpc-tables: FN_ASYNC_MASK holds 32 built-ins');
  return fns.reduce((m, f, i) => (f[2].endsWith('[async]') ? m | (1 << i) : m), 0) >>> 0;
}

const HEADER = (what: string) =>
  `// GENERATED from host/app/rpc-tables.ts: ${what}\n` +
  `// Regenerate: npm run gen. Do not edit by hand.\n`;

function enumOf(name: string, doc: string, keys: readonly string[]): string {
  return `/** ${doc} */\nexport const ${name} = {\n` + keys.map((k, i) => `  ${k}: ${i},\n`).join('') +
    `} as const;\nexport type ${name} = (typeof ${name})[keyof typeof ${name}];\n`;
}

export function renderMessages(): string {
  return HEADER('exception codes of the RPC server and the texts urpc.info sends.') + '\n' +
    `import { u8 } from '../lib/prelude.ts';\n\n` +
    enumOf('Msg', 'Exception ids (index into MSG_NAMES). Ok = no error.', MESSAGES.map((m) => m[0])) + '\n' +
    byteTable('MSG_NAMES', 'Names in Msg order, each ended by a 0 byte: an exception is sent as `Name(values,"pieces")`; the texts are on the host.',
      MESSAGES.map((m) => [m[0], m[0]] as const), true) +
    '\n' + `export const MSG_COUNT = ${MESSAGES.length};\n\n` +
    enumOf('Text', 'Text piece ids (index into TEXT).', TEXTS.map((t) => t[0])) + '\n' +
    byteTable('TEXT', "Texts in Text order, each ended by a 0 byte. '%u': the next detail value in decimal.", TEXTS, true);
}

/** Markdown escaping for a table cell. */
const cell = (t: string) => t.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, '\\n');

/** docs/exception-codes.md: what a TVM host sees (the short form) and what urpc's host shows. */
export function renderExceptionDoc(): string {
  return `<!-- GENERATED from host/app/rpc-tables.ts by npm run gen; do not edit by hand. -->\n` +
    `# Exception codes\n\n` +
    `A urpc device answers an error with kException carrying a short text: the name of the error and its\n` +
    `detail, \`Name(n1,n2,"s1","s2")\`: first the numbers (32-bit values in unsigned decimal; where the\n` +
    `text has \`%d\`, urpc's host shows the value signed), then the text pieces in double quotes (\`\\"\` and \`\\\\\` escaped with\n` +
    `a backslash), always with the parentheses (\`SetDevice()\`). A TVM host shows that text; urpc's host\n` +
    `puts the full text back together from this table (host/client/exception-text.ts): each \`%u\`/\`%d\`\n` +
    `takes the next number, each \`%s\` the next piece. A text that does not parse is shown as it came.\n` +
    `See [protocol.md](protocol.md#exception-texts).\n\n` +
    `| code | text on urpc's host |\n|---|---|\n` +
    MESSAGES.filter((m) => m[0] !== 'Ok' && m[0] !== 'Pending').map((m) => `| \`${m[0]}\` | ${cell(m[1])} |\n`).join('');
}

/** How a module in firmware/rpc/ imports firmware/<p>. */
const fromRpc = (p: string): string => (p.startsWith('rpc/') ? `./${p.slice(4)}` : `../${p}`);

/** firmware/rpc/names.ts for these built-ins (all of them, or a build's selection). `fw(p)` is how
 * the module imports firmware/<p> (a build's copy lives in its build directory). */
export function renderNames(fns: readonly BuiltinFunction[] = FUNCTIONS, fw: (p: string) => string = fromRpc): string {
  return HEADER('names and signatures of the device functions.') + '\n' +
    `import { u8 } from '${fw('lib/prelude.ts')}';\n\n` +
    enumOf('Fn', 'Function ids: the index in the registry (and the low bits of its handle).', fns.map((f) => f[0])) + '\n' +
    `export const FN_COUNT = ${fns.length};\n` +
    `/** Built-ins from this index on are also functions of the system library (module lookups). */\n` +
    `export const FN_MODULE_FIRST = ${moduleFirst(fns)};\n` +
    `/** Bit i set: built-in i is async (the time evaluator refuses to time it). */\n` +
    `export const FN_ASYNC_MASK = 0x${asyncMask(fns).toString(16)};\n\n` +
    byteTable('FN_NAMES', 'Wire names in Fn order, each ended by a 0 byte.', fns.map((f) => [f[0], f[1]] as const), true) + '\n' +
    byteTable('FN_SIGS', 'Signatures for urpc.info in Fn order, each ended by a 0 byte.', fns.map((f) => [f[0], f[2]] as const), true);
}

/** firmware/rpc/builtins.ts for these built-ins: the handler table, HANDLERS[i] for Fn i. Only the
 * modules of the listed handlers are imported, so only they are linked. `fw` as for renderNames. */
export function renderBuiltins(fns: readonly BuiltinFunction[] = FUNCTIONS, fw: (p: string) => string = fromRpc): string {
  const byModule = new Map<string, string[]>();
  for (const f of fns) byModule.set(f[4], [...(byModule.get(f[4]) ?? []), `fn${f[0]}`]);
  return HEADER('the handlers of the built-in device functions, in Fn order (names.ts).') + '\n' +
    `import type { FnHandler } from '${fw('rpc/ctx.ts')}';\n` +
    [...byModule].map(([m, names]) => `import { ${names.join(', ')} } from '${fw(m)}';\n`).join('') + '\n' +
    `export const HANDLERS: readonly FnHandler[] = [\n` + fns.map((f) => `  fn${f[0]},\n`).join('') + '];\n';
}

/** The generated files (relative to the repository root) and their text. */
export function renderAll(): [string, string][] {
  return [
    ['firmware/rpc/messages.ts', renderMessages()],
    ['firmware/rpc/names.ts', renderNames()],
    ['firmware/rpc/builtins.ts', renderBuiltins()],
    ['docs/exception-codes.md', renderExceptionDoc()],
  ];
}
