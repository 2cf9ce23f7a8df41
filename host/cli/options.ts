// The one CLI policy: option parsers, exit codes and error reporting shared by every command, so
// `--timeout abc` is the same usage error everywhere and `--json` reports failures as JSON.
//
// Exit codes (every command):
//   0  ok
//   1  the device or the job reported a problem (a device exception, a failed soak operation,
//      diagnostics, a piped `open` whose commands failed)
//   2  usage (bad option or argument, unknown board), the link (no device, closed) or a deadline
import { Command, InvalidArgumentError } from 'commander';
import { RemoteError, RpcError, TimeoutError } from '../client/client.ts';

export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_USAGE = 2;

/** Bad usage found by a command's action (an unknown board, a malformed value): exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** setTimeout's largest delay (2^31 - 1 ms); a longer one fires at once. */
export const MAX_MS = 2 ** 31 - 1;

function integer(value: string, what: string, min: number, max: number): number {
  const n = /^[+]?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`expected ${what}${max < Number.MAX_SAFE_INTEGER ? ` (${min}..${max})` : ''}, got '${value}'`);
  }
  return n;
}

/** A non-negative integer (seeds, sizes, --top). */
export function intOption(value: string): number {
  return integer(value, 'a non-negative integer', 0, Number.MAX_SAFE_INTEGER);
}

/** A positive integer (--count, --operations: 0 of them is a mistake, not a no-op). */
export function countOption(value: string): number {
  return integer(value, 'a positive integer', 1, Number.MAX_SAFE_INTEGER);
}

/** A duration in ms (--timeout, --duration): a positive integer that setTimeout honours. */
export function msOption(value: string): number {
  return integer(value, 'a duration in ms', 1, MAX_MS);
}

/** A TCP port; 0 picks a free one where the command allows it. */
export function portOption(value: string): number {
  return integer(value, 'a TCP port', 0, 65535);
}

/** The link options every command that opens a session takes: --plain, --reliable, --no-compact and --faults. */
export function addLinkOptions(cmd: Command): Command {
  return cmd
    .option('--plain', 'offer only plain microTVM mode (by default the host offers compact mode: reliable mode\'s sequence numbers and retransmission with compact packets, docs/protocol.md; a microTVM device answers plain either way)')
    .option('--reliable', 'offer reliable mode (the default; kept for scripts)')
    .option('--no-compact', 'offer reliable mode at most: every packet in microTVM\'s MinRPC form, after a sequence byte')
    .option('--faults <spec>', 'inject link faults for testing, e.g. drop=0.01,flip=0.001,seed=7 (host/transport/faults.ts)');
}

export interface LinkCliOptions {
  plain?: boolean;
  reliable?: boolean;
  /** false with --no-compact. */
  compact?: boolean;
  faults?: string;
}

/** connect() options from addLinkOptions' flags. */
export function linkOptions(opts: LinkCliOptions): { reliable?: boolean; compact?: boolean; faults?: string } {
  if (opts.plain === true && opts.reliable === true) throw new UsageError('--plain and --reliable exclude each other');
  return { reliable: opts.plain !== true, compact: opts.plain !== true && opts.compact !== false, ...(opts.faults !== undefined ? { faults: opts.faults } : {}) };
}

/** `name` if it is one of `known`, else a UsageError that lists them (an unknown board: exit 2). */
export function checkChoice(what: string, name: string, known: readonly string[]): string {
  if (!known.includes(name)) throw new UsageError(`unknown ${what} '${name}'; ${what}s: ${known.join(', ') || 'none'}`);
  return name;
}

/** The exit code an error from a command means: a device exception (the device answered) or a
 * bad value the device would have rejected is 1... except what the user typed wrong (2); links,
 * deadlines and usage are 2. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError || e instanceof InvalidArgumentError || e instanceof RangeError) return EXIT_USAGE;
  if (e instanceof TimeoutError) return EXIT_USAGE;
  if (e instanceof RemoteError) return EXIT_PROBLEM;
  if (e instanceof RpcError && e.name === 'RpcError') return EXIT_PROBLEM; // no such function, a refused value
  return EXIT_USAGE; // link closed, session reset, spawn failures, anything unexpected
}

/** Reports a failed command the one way: `urpc <cmd>: <message>` on stderr, or with --json a
 * `{"error": ..., "exitCode": ...}` object on stdout (scripts read one stream), and sets the
 * exit code (exitCodeOf(e) unless given). */
export function fail(cmd: string, e: unknown, opts: { json?: boolean } = {}, code = exitCodeOf(e)): void {
  const message = e instanceof Error ? e.message : String(e);
  if (opts.json === true) console.log(JSON.stringify({ command: cmd, error: message, exitCode: code }, null, 2));
  else console.error(`urpc ${cmd}: ${message}`);
  process.exitCode = code;
}

/** True when the command line asks for JSON (used before options are parsed: commander's own
 * usage errors). */
function wantsJson(argv: readonly string[]): boolean {
  return argv.includes('--json');
}

/** A sub-command with the shared policy: commander's usage errors (a bad option value, a missing
 * argument) exit 2 and come as JSON under --json. Every command is made here. */
export function command(program: Command, name: string): Command {
  return program
    .command(name)
    .exitOverride((err) => { throw err; })
    .configureOutput({
      outputError: (text, write) => {
        if (!wantsJson(process.argv)) return write(text);
        console.log(JSON.stringify({ command: name, error: text.replace(/^error: /, '').trim(), exitCode: EXIT_USAGE }, null, 2));
      },
    });
}
