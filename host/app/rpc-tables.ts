// Source of truth for the byte tables the FwTS RPC server uses in place of strings (FwTS has no
// string values): exception texts (firmware/rpc/messages.ts) and the function registry's names
// and signatures (firmware/rpc/names.ts). Regenerate them with `npm run gen` (host/app/gen.ts);
// test/unit/rpc-tables.test.ts fails while they are out of date. The errors themselves are in
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

/** [enum key, wire name, signature shown by urpc.info, where it is found]. The order is the
 * registry's: index i is global function handle 0x80028000 | i (TVM's order for the first five).
 * 'global': only by GetGlobalFunc (TVM's runtime functions); 'module': also in the system library
 * (ModuleGetFunction, the time evaluator). Globals come first (FN_MODULE_FIRST). */
export const FUNCTIONS: readonly (readonly [string, string, string, 'global' | 'module'])[] = [
  ['SystemLib', 'runtime.SystemLib', '() -> module', 'global'],
  ['ModuleGetFunction', 'tvm.rpc.server.ModuleGetFunction', '(module, str name, int query_imports) -> func', 'global'],
  ['TimeEvaluator', 'runtime.RPCTimeEvaluator',
    '(module, str name, int dev_type, int dev_id, int number, int repeat, int min_repeat_ms, [int limit_zero_time_iterations], int cooldown_interval_ms, int repeats_to_cooldown, [int cache_flush_bytes], str f_preproc) -> func', 'global'],
  ['GetCRTMaxPacketSize', 'tvm.rpc.server.GetCRTMaxPacketSize', '() -> int', 'global'],
  ['RandomFill', 'tvm.contrib.random.random_fill', '(tensor out) -> void', 'global'],
  ['Echo', 'urpc.echo', '(any x) -> x', 'module'],
  ['Info', 'urpc.info', '() -> str', 'module'],
  ['Add', 'urpc.add', '(tensor a, tensor b, tensor out) -> void', 'module'],
  ['Sum', 'urpc.sum', '(tensor a) -> int', 'module'],
  ['Log', 'urpc.log', '(int...) -> void', 'module'],
  ['Sleep', 'urpc.sleep', '(int ms) -> void [async]', 'module'],
];

/** Index of the first function of the system library (every later one is in it too). */
export function moduleFirst(): number {
  const k = FUNCTIONS.findIndex((f) => f[3] === 'module');
  if (FUNCTIONS.slice(k).some((f) => f[3] !== 'module')) throw new Error('rpc-tables: global functions must come before module functions');
  return k;
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

export function renderNames(): string {
  return HEADER('names and signatures of the device functions.') + '\n' +
    `import { u8 } from '../lib/prelude.ts';\n\n` +
    enumOf('Fn', 'Function ids: the index in the registry (and the low bits of its handle).', FUNCTIONS.map((f) => f[0])) + '\n' +
    `export const FN_COUNT = ${FUNCTIONS.length};\n` +
    `/** Built-ins from this index on are also functions of the system library (module lookups). */\n` +
    `export const FN_MODULE_FIRST = ${moduleFirst()};\n\n` +
    byteTable('FN_NAMES', 'Wire names in Fn order, each ended by a 0 byte.', FUNCTIONS.map((f) => [f[0], f[1]] as const), true) + '\n' +
    byteTable('FN_SIGS', 'Signatures for urpc.info in Fn order, each ended by a 0 byte.', FUNCTIONS.map((f) => [f[0], f[2]] as const), true);
}

/** The generated files (relative to the repository root) and their text. */
export function renderAll(): [string, string][] {
  return [
    ['firmware/rpc/messages.ts', renderMessages()],
    ['firmware/rpc/names.ts', renderNames()],
    ['docs/exception-codes.md', renderExceptionDoc()],
  ];
}
