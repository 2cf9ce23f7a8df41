// urpc: one command, one sub-command per job. Exit codes: 0 success, 1 the job found a problem
// (diagnostics, mismatches), 2 bad usage or environment. Only the module of the command being run
// is imported (commands.ts).
import { Command, CommanderError } from 'commander';
import { commandNamed, registerCommands } from './commands.ts';

const program = new Command();
program
  .name('urpc')
  .description('RPC for microcontrollers: device code in FwTS, lowered to C99, microTVM-compatible wire')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

try {
  await registerCommands(program, commandNamed(process.argv.slice(2)));
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  console.error(`urpc: ${(err as Error).message}`);
  process.exit(2);
}
