// urpc build --board <name>: lower the device code to C and build the board's firmware.
import type { Command } from 'commander';
import * as path from 'node:path';
import { buildBoard, boardNames, BuildError } from '../board/build.ts';
import { AppError } from '../app/modules.ts';
import { parseBuiltinList } from '../board/builtins.ts';
import { checkChoice, command, fail, EXIT_PROBLEM } from './options.ts';

export function registerBuildCommands(program: Command): void {
  command(program, 'build')
    .description('lower firmware/ to C and build the firmware of a board (build/<board>/)')
    .requiredOption('-b, --board <name>', `board (${boardNames().join(', ')})`)
    .option('-o, --out <dir>', 'output directory (default build/<board>)')
    .option('--cc <compiler>', "override the board's C compiler")
    .option('--app <dir>', 'an app folder: its exported FwTS functions become device functions (host types: <dir>/app.d.ts)')
    .option('--builtins <names>', "the built-in device functions to link, comma-separated wire names (default: the board's \"builtins\", else all; " +
      'the system functions a TVM session needs are always linked; an empty value links only them)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  urpc build --board native && echo | build/native/firmware | xxd | head -1\n  urpc build --board native --app examples/app\n' +
      '  urpc build --board qemu-lm3s6965evb --builtins urpc.echo,urpc.info')
    .action(async (opts: { board: string; out?: string; cc?: string; app?: string; builtins?: string; json?: boolean }) => {
      try {
        checkChoice('board', opts.board, boardNames());
      } catch (e) {
        fail('build', e, opts);
        return;
      }
      try {
        const r = await buildBoard(opts.board, {
          outDir: opts.out === undefined ? undefined : path.resolve(opts.out),
          cc: opts.cc,
          app: opts.app,
          builtins: opts.builtins === undefined ? undefined : parseBuiltinList(opts.builtins),
          log: opts.json ? undefined : (l) => console.log(l),
        });
        if (opts.json) console.log(JSON.stringify(r, null, 2));
        else console.log(`built ${path.relative(process.cwd(), r.output)}`);
      } catch (e) {
        if (!(e instanceof BuildError) && !(e instanceof AppError)) throw e;
        fail('build', e, opts, EXIT_PROBLEM);
      }
    });
}
