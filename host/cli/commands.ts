// The table of urpc's sub-commands: which module registers which commands, and what the top-level
// help says about each. main.ts imports only the module of the command being run (a command
// module pulls in TypeScript, serialport or the QEMU runner), so `urpc --help` and a one-shot call
// start fast. test/cli/commands.test.ts checks this table against what the modules register.
import type { Command } from 'commander';

export interface CommandEntry {
  /** Name as typed: `urpc <name>`. */
  name: string;
  /** How the top-level help lists it (commander's subcommandTerm of the real command). */
  term: string;
  description: string;
}

export interface CommandModule {
  /** Loads the module and returns its register function (it adds every command of `commands`). */
  load: () => Promise<(program: Command) => void>;
  commands: CommandEntry[];
}

export const COMMAND_MODULES: CommandModule[] = [
  {
    load: async () => (await import('./codegen.ts')).registerCodegenCommands,
    commands: [
      { name: 'ts2c', term: 'ts2c [options] <entry.ts...>', description: 'lower FwTS modules (and everything they import) to C99' },
      { name: 'difftest', term: 'difftest [options] <module.ts...>', description: 'run FwTS modules in Node and as C (gcc and clang, -O0/-O2, ASan+UBSan; or on Cortex-M in QEMU) and compare outputs byte for byte' },
      { name: 'fuzz-codegen', term: 'fuzz-codegen [options]', description: 'generate random well-typed FwTS programs and difftest each (Csmith-style); mismatches are shrunk and saved as regression tests' },
    ],
  },
  {
    load: async () => (await import('./init.ts')).registerInitCommand,
    commands: [{ name: 'init', term: 'init <dir>', description: 'create a urpc project: device functions in app/, a typed host script, a test, PlatformIO boards' }],
  },
  {
    load: async () => (await import('./demo.ts')).registerDemoCommand,
    commands: [{ name: 'demo', term: 'demo', description: 'build the native board, open a session and call device functions (npm start)' }],
  },
  {
    load: async () => (await import('./inspect.ts')).registerInspectCommands,
    commands: [
      { name: 'frame', term: 'frame [options] [hex-payload...]', description: 'frame a payload as the firmware framer sends it (spec §2.2) and print the wire bytes as hex' },
      { name: 'decode', term: 'decode [options] [hex...]', description: 'decode a captured byte stream: frames (offsets, CRC, framing errors), session headers and MinRPC packets' },
    ],
  },
  {
    load: async () => (await import('./build.ts')).registerBuildCommands,
    commands: [{ name: 'build', term: 'build [options]', description: 'lower firmware/ to C and build the firmware of a board (build/<board>/)' }],
  },
  {
    load: async () => (await import('./call.ts')).registerCallCommand,
    commands: [{ name: 'call', term: 'call [options] <uri> <fn> [args...]', description: 'call one device function and print the result (and the tensors it was given, after the call)' }],
  },
  {
    load: async () => (await import('./group.ts')).registerGroupCommand,
    commands: [{ name: 'group', term: 'group [options] <devices> <fn> [args...]', description: 'call one device function on many devices at once (a group session) and print a table' }],
  },
  {
    load: async () => (await import('./qemu.ts')).registerQemuCommand,
    commands: [{ name: 'qemu', term: 'qemu [options]', description: 'run a QEMU board (boards/qemu-*) with its UART on a TCP port; prints the URI to connect to' }],
  },
  {
    load: async () => (await import('./flash.ts')).registerFlashCommand,
    commands: [{ name: 'flash', term: 'flash [options]', description: 'build and upload a PlatformIO board (pio run -e <env> -t upload); needs PlatformIO Core' }],
  },
  {
    load: async () => (await import('./ls.ts')).registerLsCommand,
    commands: [{ name: 'ls', term: 'ls [options]', description: 'list serial ports, with USB vendor/product where known (connect with serial:<port>)' }],
  },
  {
    load: async () => (await import('./logs.ts')).registerLogsCommand,
    commands: [{ name: 'logs', term: 'logs [options] <uri>', description: 'stream the device log until Ctrl-C (or --duration)' }],
  },
  {
    load: async () => (await import('./serve.ts')).registerServeCommand,
    commands: [{ name: 'serve', term: 'serve [options] <uri>', description: 'serve a device to other urpc clients over TCP (one client at a time, the others wait)' }],
  },
  {
    load: async () => (await import('./open.ts')).registerOpenCommand,
    commands: [{ name: 'open', term: 'open [options] <uri>', description: 'interactive session: list and call device functions, make tensors, see device logs live' }],
  },
  {
    load: async () => (await import('./bench.ts')).registerBenchCommand,
    commands: [{ name: 'bench', term: 'bench [options] <uri>', description: 'echo latency sweep (p50/p99), bulk goodput both ways, and a raw byte echo baseline' }],
  },
  {
    load: async () => (await import('./stack.ts')).registerStackCommand,
    commands: [{ name: 'stack', term: 'stack [options]', description: "worst-case stack use of a board's firmware (gcc -fstack-usage, call graph, no recursion)" }],
  },
  {
    load: async () => (await import('./soak.ts')).registerSoakCommand,
    commands: [{ name: 'soak', term: 'soak [options] <uri>', description: 'run many checked calls (echo and tensor round trips) and count right results, typed errors, hangs and wrong results' }],
  },
];

/**
 * The sub-command named on a command line (arguments after `urpc`): the first word that is not an
 * option (urpc itself takes only -h/-V), or the one after `help`. Undefined when none is named.
 */
export function commandNamed(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * Adds every command to `program`, in table order: the real commands of the module that registers
 * `name` (loaded now), a stub for each other command (it has a name and a description for the
 * top-level help and for commander's "did you mean", and is never run: its name was not typed).
 */
export async function registerCommands(program: Command, name: string | undefined): Promise<void> {
  const terms = new Map<string, string>();
  for (const m of COMMAND_MODULES) {
    if (name !== undefined && m.commands.some((c) => c.name === name)) {
      (await m.load())(program);
      continue;
    }
    for (const c of m.commands) {
      program.command(c.name).description(c.description);
      terms.set(c.name, c.term);
    }
  }
  const help = program.createHelp();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd) });
}
