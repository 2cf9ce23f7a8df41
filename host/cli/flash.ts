// urpc flash --board <env> [--port <dev>] [--monitor]: upload a PlatformIO env's firmware
// (platformio.ini) with `pio run -e <env> -t upload`.
import type { Command } from 'commander';
import { flash, PioError } from '../pio/pio.ts';
import { readEnvs } from '../pio/ini.ts';
import { command, fail, EXIT_PROBLEM, EXIT_USAGE } from './options.ts';

export function registerFlashCommand(program: Command): void {
  let envs = '';
  try {
    envs = readEnvs().envs.map((e) => e.name).join(', ');
  } catch {
    envs = 'see platformio.ini';
  }
  command(program, 'flash')
    .description('build and upload a PlatformIO board (pio run -e <env> -t upload); needs PlatformIO Core')
    .requiredOption('-b, --board <env>', `platformio.ini env (${envs})`)
    .option('-p, --port <device>', 'upload port, e.g. /dev/ttyACM0 (default: PlatformIO finds it)')
    .option('-m, --monitor', 'open pio device monitor afterwards (logs)')
    .addHelpText('after', '\nExample:\n  urpc flash --board nucleo_f401re --port /dev/ttyACM0\n' +
      'Note: real uploads were not exercised in this project; the tests use a fake pio.')
    .action(async (opts: { board: string; port?: string; monitor?: boolean }) => {
      try {
        const status = await flash(opts.board, { port: opts.port, monitor: opts.monitor, log: (l) => console.log(l) });
        if (status !== 0) {
          fail('flash', new Error(`pio exited with status ${status}`), {}, EXIT_PROBLEM);
        }
      } catch (e) {
        if (!(e instanceof PioError)) throw e;
        fail('flash', e, {}, EXIT_USAGE);
      }
    });
}
