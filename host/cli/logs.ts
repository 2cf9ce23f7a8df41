// urpc logs <uri> [--duration ms] [--json]: open a session and print the device's log lines as
// they arrive, until Ctrl-C, --duration, or the link ends.
//   urpc logs serial:/dev/ttyACM0?baud=115200
//   urpc logs tcp:127.0.0.1:4555 --json --duration 10000
// Exit: 0 stopped by Ctrl-C or --duration, 2 cannot connect (deadline --timeout) or the link ended.
import type { Command } from 'commander';
import { connect } from '../client/connect.ts';
import { RemoteSession } from '../client/remote.ts';
import { command, fail, msOption, EXIT_USAGE } from './options.ts';

function clock(d: Date): string {
  return d.toTimeString().slice(0, 8) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

export function registerLogsCommand(program: Command): void {
  command(program, 'logs')
    .description('stream the device log until Ctrl-C (or --duration)')
    .argument('<uri>', 'device: native, tcp:<host>:<port>, serial:<device>?baud=<n>, qemu:<board>')
    .option('--duration <ms>', 'stop after this long', msOption)
    .option('--json', 'one JSON object per line: {time, uri, text}')
    .option('--timeout <ms>', 'deadline for opening the session', msOption, 5000)
    .addHelpText('after', '\nExamples:\n  urpc logs serial:/dev/ttyACM0?baud=115200\n  urpc logs tcp:127.0.0.1:4555 --json --duration 10000')
    .action(async (uri: string, opts: { duration?: number; json?: boolean; timeout: number }) => {
      let s;
      try {
        s = await connect(uri, { timeoutMs: opts.timeout, startTimeoutMs: opts.timeout });
      } catch (e) {
        fail('logs', e, opts, EXIT_USAGE);
        return;
      }
      const print = (text: string): void => {
        const now = new Date();
        if (opts.json) console.log(JSON.stringify({ time: now.toISOString(), uri, text }));
        else console.log(`${clock(now)}  ${text}`);
      };
      // Lines that came with the handshake (e.g. a board's "session established") first.
      for (const text of (s as { logs?: string[] }).logs ?? []) print(text);
      s.on('log', print);
      if (!opts.json) console.error(`urpc logs: ${uri}: session open; ${opts.duration !== undefined ? `stopping after ${opts.duration} ms` : 'Ctrl-C to stop'}`);
      const why = await new Promise<string | undefined>((resolve) => {
        if (opts.duration !== undefined) setTimeout(() => resolve(undefined), opts.duration);
        process.once('SIGINT', () => resolve(undefined));
        process.once('SIGTERM', () => resolve(undefined));
        if (s instanceof RemoteSession) {
          const prev = s.session.onClosed;
          s.session.onClosed = (e) => {
            prev(e);
            resolve(e.message);
          };
        }
      });
      if (why !== undefined) fail('logs', new Error(why), opts, EXIT_USAGE);
      await s.close().catch(() => undefined);
      process.exit();
    });
}
