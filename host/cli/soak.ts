// urpc soak <uri> [--operations N] [--plain] [--faults spec]: many checked RPC operations
// (echo calls and tensor round trips) on a device, to see how a link holds up; with --faults
// the link is made lossy on purpose (host/transport/faults.ts). Prints the outcome counts.
// Exit: 0 when every operation succeeded, 1 when any failed (a typed error too), hung or gave a
// wrong result, 2 if the session could not be opened (host/cli/options.ts).
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { connect } from '../client/connect.ts';
import { soak, type SoakResult } from '../client/soak.ts';
import type { RemoteSession } from '../client/remote.ts';
import { addLinkOptions, command, countOption, fail, intOption, linkOptions, msOption, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, type LinkCliOptions } from './options.ts';

/** Any operation that did not succeed is a problem the job reports (exit 1), typed or not. */
export function soakExitCode(r: Pick<SoakResult, 'operations' | 'succeeded' | 'hung' | 'corruptedAccepted'>): number {
  return r.succeeded < r.operations || r.hung > 0 || r.corruptedAccepted > 0 ? EXIT_PROBLEM : EXIT_OK;
}

interface SoakCliOptions extends LinkCliOptions {
  operations: number;
  seed: number;
  timeout: number;
  json?: boolean;
}

export function registerSoakCommand(program: Command): void {
  addLinkOptions(command(program, 'soak'))
    .description('run many checked calls (echo and tensor round trips) and count right results, typed errors, hangs and wrong results')
    .argument('<uri>', 'device: native, tcp:<host>:<port>, serial:<device>?baud=<n>, qemu:<board>')
    .option('--operations <n>', 'operations to run', countOption, 1000)
    .option('--seed <n>', 'seed of the operation mix', intOption, 1)
    .option('--timeout <ms>', 'reply deadline of each request', msOption, 2000)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  urpc soak native --faults drop=0.01,flip=0.001\n  urpc soak native --plain --faults drop=0.01,flip=0.001 --operations 5000\n  urpc soak native --faults stall=0.02,stallMinMs=500,stallMaxMs=3000\n  urpc soak serial:/dev/ttyUSB0?baud=115200')
    .action(async (uri: string, opts: SoakCliOptions) => {
      let s;
      try {
        s = await connect(uri, { timeoutMs: opts.timeout, startTimeoutMs: Math.max(opts.timeout, 2000), retryMs: 50, ...linkOptions(opts) });
      } catch (e) {
        fail('soak', e, opts, EXIT_USAGE);
        return;
      }
      const bar = !opts.json && process.stderr.isTTY ? new SingleBar({ stream: process.stderr }, Presets.shades_classic) : undefined;
      bar?.start(opts.operations, 0);
      try {
        const r = await soak(s, { operations: opts.operations, seed: opts.seed, onProgress: (done) => bar?.update(done) });
        bar?.stop();
        const hs = (s as RemoteSession).session;
        const link = hs === undefined ? {} : {
          reliable: hs.reliable, compact: hs.compact, retransmissions: hs.retransmissions, sessions: hs.established_, device_resets: hs.resets, rx_errors: hs.rxErrors,
          // Replies dropped: duplicates (reliable), unsequenced Normal messages (reliable), strays
          // before a session's first request (plain), and plain mode's desynchronisations.
          duplicate_replies: hs.duplicateReplies, unsequenced_replies: hs.unsequencedReplies,
          unsolicited_replies: hs.unsolicitedReplies, desyncs: hs.desyncs,
        };
        if (opts.json) {
          console.log(JSON.stringify({ uri, ...r, ...link }, null, 2));
        } else {
          const typed = Object.entries(r.failedTyped).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
          console.log(`${r.operations} operations (${r.rpcs} RPCs) in ${(r.ms / 1000).toFixed(1)} s on ${uri}${'reliable' in link ? (link.compact ? ', compact mode' : link.reliable ? ', reliable mode' : ', plain mode') : ''}` +
            (r.callOp === 'urpc.echo' ? '' : ` (no urpc.echo on this device: calls of ${r.callOp} in place of the echoes)`));
          console.log(`  succeeded          ${r.succeeded} (${((100 * r.succeeded) / Math.max(1, r.operations)).toFixed(1)}%)`);
          console.log(`  typed errors       ${typed}`);
          console.log(`  untyped errors     ${r.failedUntyped}`);
          console.log(`  hung               ${r.hung}`);
          console.log(`  wrong results      ${r.corruptedAccepted}`);
          console.log(`  slowest operation  ${r.slowestMs} ms`);
          if ('retransmissions' in link) {
            console.log(`  retransmissions    ${link.retransmissions}, sessions opened ${link.sessions}, device resets ${link.device_resets}`);
            console.log(`  replies dropped    ${link.duplicate_replies} duplicates, ${link.unsequenced_replies} unsequenced, ${link.unsolicited_replies} unsolicited; ${link.desyncs} desynchronisations`);
          }
          for (const p of r.problems) console.log(`  problem: ${p}`);
        }
        process.exitCode = soakExitCode(r);
      } finally {
        bar?.stop();
        await s.close().catch(() => undefined);
      }
    });
}
