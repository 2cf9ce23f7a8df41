// urpc stack --board <name> [--json]: stack use of a board's firmware from gcc's -fstack-usage and
// -fcallgraph-info (host/board/stack.ts): the largest frames, the worst path from each entry and
// interrupt with its total, recursion, dynamic frames, and the total against the board's stack.
// Exit: 0 it fits, 1 it does not fit / recursion / an unbounded frame, 2 usage or build problems.
import type { Command } from 'commander';
import { boardNames, BuildError } from '../board/build.ts';
import { boardStack, formatStackReport } from '../board/stack.ts';
import { checkChoice, command, countOption, fail, intOption, UsageError, EXIT_USAGE } from './options.ts';

export function registerStackCommand(program: Command): void {
  command(program, 'stack')
    .description("worst-case stack use of a board's firmware (gcc -fstack-usage, call graph, no recursion)")
    .requiredOption('-b, --board <name>', `board (${boardNames().join(', ')})`)
    .option('--top <n>', 'largest frames to list', countOption, 15)
    .option('--stack <bytes>', "compare with this stack size instead of the board's", intOption)
    .option('--cc <compiler>', "override the board's C compiler (gcc 10 or later)")
    .option('--json', 'print the whole report as JSON')
    .addHelpText('after', '\nExamples:\n  urpc stack --board qemu-lm3s6965evb\n  urpc stack --board native --json | jq .worst')
    .action(async (opts: { board: string; top: number; stack?: number; cc?: string; json?: boolean }) => {
      let r;
      try {
        checkChoice('board', opts.board, boardNames());
        r = await boardStack(opts.board, { cc: opts.cc, stackBytes: opts.stack });
      } catch (e) {
        if (!(e instanceof BuildError) && !(e instanceof UsageError) && !/callgraph|ENOENT/.test((e as Error).message)) throw e;
        fail('stack', e, opts, EXIT_USAGE);
        return;
      }
      if (opts.json) console.log(JSON.stringify(r, null, 2));
      else console.log(formatStackReport(r, opts.top).join('\n'));
      if (r.errors.length > 0) process.exitCode = 1;
    });
}
