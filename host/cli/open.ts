// urpc open <uri>: an interactive session on a device.
//   functions                 the device's functions with signatures (from urpc.info)
//   <fn> [args...]            call one (urpc.* may be written without the prefix); args as in `urpc call`
//   let a = int32 [1,2,3]     a device tensor from values (int8/16/32, uint8/16/32, float32)
//   let b = empty int32 3     an uninitialised one of that many elements
//   show a                    copy a tensor back and print it; $a passes it as an argument
//   tensors, info, help, quit (or Ctrl-D)
// Device log lines are printed live above the prompt. History in ~/.urpc_history (URPC_HISTORY
// overrides), tab completion of commands, functions and $tensors. Every call has the --timeout
// reply deadline. When the link ends (board unplugged, device process gone) the prompt stays and
// the next command reconnects (tensors from before are gone). Values are range-checked for their
// dtype (int16 [70000] is an error, not a wrap). Ctrl-C abandons the pending call and the lines
// typed ahead of it. Exit: 0 after quit (or Ctrl-D), 1 when commands piped in (not a terminal)
// failed or the terminal went away (the session is closed first), 2 when the first session
// cannot open.
import type { Command } from 'commander';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { connect } from '../client/connect.ts';
import { RemoteSession } from '../client/remote.ts';
import { DType, NDArray, type Arg, type Ret } from '../client/rpc-session.ts';
import { parseCliArg } from './call.ts';
import { typedArrayOf } from '../client/values.ts';
import { appendHistory, readHistory, HISTORY_LINES } from './repl-history.ts';
import { nameTensors, tensorNameOf } from './repl-names.ts';
import { LineQueue } from './repl-queue.ts';
import { onTerminalGone, releaseTerminal } from './repl-terminal.ts';
import { addLinkOptions, command, fail, linkOptions, msOption, EXIT_PROBLEM, EXIT_USAGE, type LinkCliOptions } from './options.ts';

const COMMANDS = ['functions', 'let', 'show', 'tensors', 'info', 'help', 'quit', 'exit'];
const HELP = `commands:
  functions                 list device functions with signatures
  <fn> [args...]            call a function, e.g.  echo 1 2.5 "text"   add $a $b $c
  let <name> = <dtype> [v, ...]   make a device tensor (dtypes: ${Object.keys(DType).join(', ')})
  let <name> = empty <dtype> <n>  an uninitialised tensor of n elements
  show <name>               copy a tensor back and print its values
  tensors                   list tensors;  info: the device description;  quit (or Ctrl-D)`;

/** Splits a line into words; "double quotes" keep spaces and stay part of the word (JSON strings). */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  const re = /"(?:[^"\\]|\\.)*"|\S+/g;
  for (let m; (m = re.exec(line)) !== null;) out.push(m[0]);
  return out;
}

/** The values of `let a = int32 [1,2,3]`: a JSON array (each checked against the dtype later). */
function jsonValues(text: string): unknown[] {
  let v: unknown;
  try { v = JSON.parse(text); } catch { v = undefined; }
  if (!Array.isArray(v)) throw new Error(`malformed values '${text}': expected a JSON array such as [1,2,3]`);
  return v;
}

const TYPED = { int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, float32: Float32Array } as const;
type DTypeName = keyof typeof TYPED;

function fmt(v: Ret | Ret[]): string {
  if (Array.isArray(v)) return v.map(fmt).join(' ');
  if (v === undefined) return '(void)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return `bytes(${Buffer.from(v).toString('hex')})`;
  if (typeof v === 'function') return `<function ${v.functionName}>`;
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

export function registerOpenCommand(program: Command): void {
  addLinkOptions(command(program, 'open'))
    .description('interactive session: list and call device functions, make tensors, see device logs live')
    .argument('<uri>', 'device: native, local, tcp:<host>:<port>, serial:<device>?baud=<n>, qemu:<board>')
    .option('--timeout <ms>', 'reply deadline of each call', msOption, 5000)
    .addHelpText('after', '\nExamples:\n  urpc open native\n  urpc open serial:/dev/ttyACM0?baud=115200\n\nIn the session:\n' + HELP.replace(/^commands:\n/, ''))
    .action(async (uri: string, opts: { timeout: number } & LinkCliOptions) => {
      let s;
      try {
        s = await connect(uri, { timeoutMs: opts.timeout, startTimeoutMs: Math.max(2 * opts.timeout, 2000), ...linkOptions(opts) });
      } catch (e) {
        fail('open', e, {}, EXIT_USAGE);
        return;
      }
      let session = s;
      const fns = new Map<string, string>();
      let infoText = '';
      try {
        infoText = String(await session.functions.info());
        for (const l of infoText.split('\n')) {
          const m = /^fn=(\S+)\s*(.*)$/.exec(l);
          if (m) fns.set(m[1]!, m[2]!);
        }
      } catch (e) {
        console.error(`urpc open: urpc.info failed: ${(e as Error).message}`);
      }
      const tensors = new Map<string, NDArray>();
      const historyFile = process.env.URPC_HISTORY ?? path.join(os.homedir(), '.urpc_history');
      const history = readHistory(historyFile);
      const names = (): string[] => [...COMMANDS, ...fns.keys(), ...[...fns.keys()].filter((n) => n.startsWith('urpc.')).map((n) => n.slice(5)), ...[...tensors.keys()].map((t) => `$${t}`)];
      const rl = readline.createInterface({
        input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY, history, historySize: HISTORY_LINES,
        completer: (line: string) => {
          const word = line.split(/\s+/).pop() ?? '';
          const hits = names().filter((n) => n.startsWith(word));
          return [hits.length ? [...new Set(hits)].sort() : [], word];
        },
      });
      rl.setPrompt('urpc> ');
      let busy = false;
      /** Prints a line; one that arrives while idle (a device log) is put above the prompt. */
      const say = (text: string): void => {
        if (process.stdout.isTTY && !busy) {
          readline.clearLine(process.stdout, 0);
          readline.cursorTo(process.stdout, 0);
          process.stdout.write(`${text}\n`);
          rl.prompt(true);
        } else {
          process.stdout.write(`${text}\n`);
        }
      };
      let lost: string | undefined;
      const attach = (x: typeof session): void => {
        x.on('log', (t) => say(`device: ${t}`));
        if (x instanceof RemoteSession) {
          const prev = x.session.onClosed;
          x.session.onClosed = (e) => { prev(e); if (x !== session) return; lost = e.message; say(`link lost: ${e.message}; the next command reconnects`); };
        }
      };
      attach(session);
      const reconnect = async (): Promise<void> => {
        await session.close().catch(() => undefined);
        try {
          session = await connect(uri, { timeoutMs: opts.timeout, startTimeoutMs: Math.max(2 * opts.timeout, 2000), ...linkOptions(opts) });
        } catch (e) {
          throw new Error(`reconnect failed: ${(e as Error).message}`);
        }
        lost = undefined;
        attach(session);
        const gone = [...tensors.keys()];
        tensors.clear();
        say(`reconnected to ${uri}${gone.length ? ` (tensors ${gone.join(', ')} are gone)` : ''}`);
      };
      console.log(`connected to ${uri}: ${fns.size} functions (type help, or Tab to complete)`);

      let lastArgs: Arg[] = [];
      const arg = (w: string): Arg => {
        if (w.startsWith('$')) {
          const t = tensors.get(w.slice(1));
          if (t === undefined) throw new Error(`no tensor '${w.slice(1)}' (tensors: ${[...tensors.keys()].join(', ') || 'none'})`);
          return t;
        }
        return parseCliArg(w);
      };
      const run = async (line: string): Promise<void> => {
        lastArgs = [];
        const words = splitWords(line);
        const [cmd, ...rest] = words;
        if (cmd === undefined) return;
        if (lost !== undefined) await reconnect();
        if (cmd === 'help' || cmd === '?') return say(HELP);
        if (cmd === 'functions') return say([...fns].map(([n, sig]) => `  ${n} ${sig}`).join('\n') || '(urpc.info listed none)');
        if (cmd === 'info') {
          // Asked again each time: free memory changes with every tensor.
          infoText = String(await session.functions.info());
          return say(infoText.trimEnd());
        }
        if (cmd === 'tensors') return say([...tensors].map(([n, t]) => `  ${n}: ${Object.entries(DType).find(([, d]) => d.code === t.dtype.code && d.bits === t.dtype.bits)?.[0]} [${t.shape.join(', ')}]`).join('\n') || '(none)');
        if (cmd === 'let') {
          const m = /^let\s+([A-Za-z_]\w*)\s*=\s*(?:(empty)\s+(\w+)\s+(\d+)|(\w+)\s*(\[.*\]))\s*$/.exec(line.trim());
          if (!m) throw new Error('usage: let <name> = <dtype> [v, ...]  or  let <name> = empty <dtype> <n>');
          const dt = (m[3] ?? m[5]) as DTypeName;
          if (!(dt in TYPED)) throw new Error(`unknown dtype '${dt}' (${Object.keys(TYPED).join(', ')})`);
          await tensors.get(m[1]!)?.free().catch(() => undefined);
          const t = m[2] ? await session.empty([Number(m[4])], DType[dt])
            : await session.array(typedArrayOf(dt, jsonValues(m[6]!)), { dtype: DType[dt] });
          tensors.set(m[1]!, t);
          return say(`${m[1]}: ${dt} [${t.shape.join(', ')}]`);
        }
        if (cmd === 'show') {
          const t = tensors.get((rest[0] ?? '').replace(/^\$/, ''));
          if (t === undefined) throw new Error(`usage: show <tensor> (tensors: ${[...tensors.keys()].join(', ') || 'none'})`);
          const b = await t.copyTo();
          const dt = Object.entries(DType).find(([, d]) => d.code === t.dtype.code && d.bits === t.dtype.bits)?.[0] as DTypeName;
          const copy = b.slice();
          return say(`[${Array.from(new TYPED[dt](copy.buffer, 0, t.size) as ArrayLike<number>).join(', ')}]`);
        }
        const args = rest.map(arg);
        lastArgs = args;
        const t0 = performance.now();
        const short = cmd.replace(/^urpc\./, '');
        const r: Ret | Ret[] = short === 'echo' ? await session.functions.echo(...args) : await session.call(cmd, ...args);
        const named = (v: Ret | Ret[]): string => (Array.isArray(v) ? v.map(named).join(' ') : tensorNameOf(v, tensors) ?? fmt(v));
        say(`${named(r)}   (${(performance.now() - t0).toFixed(2)} ms)`);
      };

      let failures = 0;
      let closing = false; // after quit or a hang-up: no more prompts
      // Ctrl-C abandons every line accepted and not finished (repl-queue.ts): the session keeps a call
      // that was running, takes its reply and drops it before the next request is answered, so
      // nothing gets out of step.
      const lines = new LineQueue(async (l) => {
        if (l === 'quit' || l === 'exit') {
          closing = true;
          rl.close();
          return;
        }
        if (l !== '') appendHistory(historyFile, l);
        busy = true;
        await run(l);
      }, (l, outcome) => {
        if (outcome.kind === 'failed') {
          failures++;
          say(`error: ${nameTensors((outcome.error as Error).message, tensors, lastArgs)}`);
        } else if (outcome.kind === 'abandoned') {
          say(outcome.started ? '^C: call abandoned (its reply, when it comes, is dropped; the session goes on)' : `^C: '${l}' abandoned before it started`);
        }
        busy = lines.size > 0;
        if (!closing) rl.prompt();
      });
      rl.on('SIGINT', () => {
        if (lines.interrupt()) return;
        // Idle: Ctrl-C clears the line being typed (Ctrl-D or exit leaves).
        if (rl.line === '') say('(Ctrl-D or exit leaves)');
        rl.write(null, { ctrl: true, name: 'u' });
        process.stdout.write('\n');
        rl.prompt();
      });
      // The terminal went away: nothing more can be typed or shown; abandon what is pending,
      // close the session and exit (repl-terminal.ts).
      let gone: string | undefined;
      onTerminalGone(rl, (why) => {
        gone = why;
        closing = true;
        lines.interrupt();
        setImmediate(() => rl.close()); // not from inside readline's own close (setRawMode's EIO)
      });
      rl.on('line', (line) => lines.push(line.trim()));
      rl.prompt();
      await new Promise<void>((resolve) => rl.once('close', () => resolve()));
      await lines.idle();
      // After a hang-up the device's tensors are left to its next session (which resets them):
      // a free would wait behind an abandoned call for nothing.
      if (gone === undefined) for (const t of tensors.values()) await t.free().catch(() => undefined);
      await session.close().catch(() => undefined);
      if (gone !== undefined) {
        process.stderr.write(`urpc open: ${gone}; the session is closed\n`);
        releaseTerminal();
        process.exit(EXIT_PROBLEM);
      }
      // Piped commands (a script) that failed are the job's problem: exit 1 (options.ts).
      if (failures > 0 && !process.stdin.isTTY) process.exitCode = EXIT_PROBLEM;
      process.exit();
    });
}
