// urpc: one command, one sub-command per job. Exit codes: 0 success, 1 the job found a problem
// (diagnostics, mismatches), 2 bad usage or environment.
import { Command, CommanderError } from 'commander';
import { registerCodegenCommands } from './codegen.ts';
import { registerDemoCommand } from './demo.ts';
import { registerInspectCommands } from './inspect.ts';
import { registerBuildCommands } from './build.ts';
import { registerCallCommand } from './call.ts';
import { registerQemuCommand } from './qemu.ts';
import { registerFlashCommand } from './flash.ts';
import { registerLsCommand } from './ls.ts';
import { registerLogsCommand } from './logs.ts';
import { registerServeCommand } from './serve.ts';
import { registerOpenCommand } from './open.ts';
import { registerBenchCommand } from './bench.ts';
import { registerStackCommand } from './stack.ts';
import { registerSoakCommand } from './soak.ts';

const program = new Command();
program
  .name('urpc')
  .description('RPC for microcontrollers: device code in FwTS, lowered to C99, microTVM-compatible wire')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerCodegenCommands(program);
registerDemoCommand(program);
registerInspectCommands(program);
registerBuildCommands(program);
registerCallCommand(program);
registerQemuCommand(program);
registerFlashCommand(program);
registerLsCommand(program);
registerLogsCommand(program);
registerServeCommand(program);
registerOpenCommand(program);
registerBenchCommand(program);
registerStackCommand(program);
registerSoakCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  console.error(`urpc: ${(err as Error).message}`);
  process.exit(2);
}
