// Source of truth for the byte tables the FwTS RPC server uses in place of strings (FwTS has no
// string values): exception texts (firmware/rpc/messages.ts) and the function registry's names
// and signatures (firmware/rpc/names.ts). Regenerate them with `npm run gen` (host/app/gen.ts);
// test/unit/rpc-tables.test.ts fails while they are out of date.

import { byteTable } from './byte-table.ts';
/** [enum key, text]. In a text, `%u` takes the next detail value as unsigned decimal, `%d` as
 * signed decimal, `%s` the next text piece of the detail (wire.ts Detail.addText). Index 0 must be Ok.
 * The device sends only the key and the detail (`WrongType(1,2,0)`, docs/exception-codes.md); the
 * urpc host puts the text back together (host/client/exception-text.ts), so only the keys are on
 * the device. */
export const MESSAGES: readonly (readonly [string, string])[] = [
  ['Ok', ''],
  ['PacketNoLength', 'truncated packet: %u bytes, no length field'],
  ['PacketLength', 'packet length mismatch: header says %u bytes, packet holds %u'],
  ['PacketTooLarge', 'packet too large: %u bytes, limit %u'],
  ['PacketNoCode', 'truncated packet: no RPC code'],
  ['Truncated', 'truncated packet: %u bytes, need at least %u'],
  ['UnknownCode', 'unknown RPC code %d'],
  ['SyscallUnknown', 'Syscall not recognized: %u'],
  ['SetDevice', 'SetDevice not supported'],
  ['GetAttr', 'GetAttr not supported'],
  ['ArgsTruncated', 'truncated packet: argument list ends inside argument %u'],
  ['ArgsNoCount', 'truncated packet: no argument count'],
  ['TooManyArgs', 'too many arguments: %u (limit %u)'],
  ['UnknownTypeCode', 'argument %u: unknown type code %d'],
  ['NDArrayCode', 'argument %u: type code 13 (NDArray handle) is never sent on the wire; send a DLTensor (7)'],
  ['UnsupportedTypeCode', 'argument %u: type code %u is not supported by RPC'],
  ['ObjectTypeIndex', 'argument %u: object handle type index %u, expected 9 (RPCObjectRef)'],
  ['NegativeNdim', 'argument %u: negative ndim'],
  ['Trailing', '%u unexpected bytes after the last argument'],
  ['ArgCount', 'expected %u arguments, got %u'],
  ['ArgCountEval', 'runtime.RPCTimeEvaluator: expected 10, 11 or 12 arguments, got %u'],
  ['WrongType', 'argument %u: type code %u, expected %u'],
  ['WrongTypeScope', 'argument %u: type code %u, expected 4 (null) or 11 (str)'],
  ['ValueRange', 'argument %u: value out of range'],
  ['UnknownFnHandle', 'unknown function handle %u'],
  ['StaleEvaluator', 'time evaluator handle %u is no longer valid (only the newest is)'],
  ['UnknownMemHandle', 'unknown or freed memory handle %u'],
  ['UnknownModule', 'unknown module handle %u'],
  ['FreeHandleType', 'FreeHandle: unsupported type code %u'],
  ['OutOfMemory', 'out of memory: %u bytes requested, %u free'],
  ['AlignZero', 'alignment must not be 0'],
  ['Device', 'unsupported device type %d (only CPU = 1 holds memory)'],
  ['ShapeRange', 'argument %u: shape dimension negative or too large'],
  ['TensorTooLarge', 'tensor size does not fit 32 bits'],
  ['OutOfBounds', 'access outside allocation %u: offset %u + %u bytes'],
  ['CopyLength', 'CopyToRemote: %u data bytes declared, %u present'],
  ['CopyTooLarge', 'CopyFromRemote: %u bytes do not fit one reply (limit %u)'],
  ['ReplyTooLarge', 'reply too large for one packet (limit %u bytes)'],
  ['InitServerArgs', 'InitServer: expected no arguments'],
  ['EvalNotInModule', 'runtime.RPCTimeEvaluator: the module has no function of that name (the evaluator looks only inside the module, as TVM does; global functions cannot be timed)'],
  ['EvalBudget', 'runtime.RPCTimeEvaluator: stopped after %u ms of device time (limit %u ms); ask for a smaller number, repeat or min_repeat_ms'],
  ['EvalPredicted', 'runtime.RPCTimeEvaluator: %u calls (number x repeat) of %u us each (the warm-up call) would take more than the %u ms of device time allowed; ask for a smaller number or repeat'],
  ['EchoArgs', 'urpc.echo returns one value: pass at most one argument (got %u)'],
  ['BadReturn', 'device function %u wrote %u return values; a CallFunc reply carries exactly one'],
  ['FnFreed', 'function handle %u was freed (look the function up again)'],
  ['EvalCounts', 'runtime.RPCTimeEvaluator: number and repeat must be at least 1'],
  ['EvalRepeat', 'runtime.RPCTimeEvaluator: repeat %u does not fit one reply (limit %u)'],
  ['EvalTarget', 'runtime.RPCTimeEvaluator: function %u cannot be timed'],
  ['DType', 'unsupported dtype: code %u, bits %u, lanes %u'],
  ['TensorMismatch', 'tensors differ in element count or dtype'],
  ['TimerZero', 'platform timer frequency is 0'],
  // Async device functions (ctx.ts defer()): Pending is a marker, never sent.
  ['Pending', '(reply pending)'],
  ['Busy', 'a call is still pending: the device serves one request at a time (MinRPC); wait for its reply'],
  ['SleepLimit', 'urpc.sleep: %u ms is more than the limit of %u ms'],
  // Argument checks of generated app function wrappers (firmware/app/glue.ts).
  ['AppWantInt', 'argument %u: expected an integer (type code 0), got type code %u'],
  ['AppWantBool', 'argument %u: expected a bool (type code 15) or the integer 0 or 1, got type code %u'],
  ['AppIntRange', 'argument %u: integer out of range [%d, %u]'],
  ['AppWantTensor', 'argument %u: expected a tensor (DLTensor, type code 7), got type code %u'],
  ['AppTensorHandle', 'argument %u: tensor data %u is not memory allocated by this device (use session.empty or session.array)'],
  ['AppTensorDims', 'argument %u: tensor has %u dimensions, at most %u are supported'],
  ['AppFailed', 'device function failed with error %u'],
  ['AppWantStr', 'argument %u: expected a str (type code 11), got type code %u'],
  ['AppWantBytes', 'argument %u: expected bytes (type code 12), got type code %u'],
  // A panic inside an app function (firmware/rpc/contain.ts): %s the function, %s:%u where.
  ['AppPanic', 'device function panicked'],
  ['AppPanicBounds', 'device function %s panicked: Bounds (index outside a buffer) at %s:%u'],
  ['AppPanicDivZero', 'device function %s panicked: DivZero (division by zero) at %s:%u'],
  ['AppPanicUnreachable', 'device function %s panicked: Unreachable at %s:%u'],
  ['AppPanicCode', 'device function %s panicked: panic(%u) at %s:%u'],
  // f32 / f64 parameters (firmware/app/float_glue.ts).
  ['AppWantFloat', 'argument %u: expected a float (type code 2) or an integer (type code 0), got type code %u'],
  ['AppF32Range', 'argument %u: float outside the f32 range (its magnitude rounds to infinity in f32)'],
];

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
