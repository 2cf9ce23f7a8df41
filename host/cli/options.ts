import { InvalidArgumentError, type Command } from 'commander';

/** A commander option parser for non-negative integers, with a message that says what was wrong. */
export function intOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return n;
}

/** The link options every command that opens a session takes: --plain, --reliable and --faults. */
export function addLinkOptions(cmd: Command): Command {
  return cmd
    .option('--plain', 'offer only plain microTVM mode (by default the host offers reliable mode: sequence numbers and retransmission, docs/protocol.md; a microTVM device answers plain either way)')
    .option('--reliable', 'offer reliable mode (the default; kept for scripts)')
    .option('--faults <spec>', 'inject link faults for testing, e.g. drop=0.01,flip=0.001,seed=7 (host/transport/faults.ts)');
}

export interface LinkCliOptions {
  plain?: boolean;
  reliable?: boolean;
  faults?: string;
}

/** connect() options from addLinkOptions' flags. */
export function linkOptions(opts: LinkCliOptions): { reliable?: boolean; faults?: string } {
  if (opts.plain === true && opts.reliable === true) throw new InvalidArgumentError('--plain and --reliable exclude each other');
  return { reliable: opts.plain !== true, ...(opts.faults !== undefined ? { faults: opts.faults } : {}) };
}
