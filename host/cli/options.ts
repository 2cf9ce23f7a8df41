import { InvalidArgumentError, type Command } from 'commander';

/** A commander option parser for non-negative integers, with a message that says what was wrong. */
export function intOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return n;
}

/** The link options every command that opens a session takes: --reliable and --faults. */
export function addLinkOptions(cmd: Command): Command {
  return cmd
    .option('--reliable', 'offer reliable mode (sequence numbers and retransmission; docs/protocol.md); plain microTVM devices ignore it')
    .option('--faults <spec>', 'inject link faults for testing, e.g. drop=0.01,flip=0.001,seed=7 (host/transport/faults.ts)');
}

export interface LinkCliOptions {
  reliable?: boolean;
  faults?: string;
}

/** connect() options from addLinkOptions' flags. */
export function linkOptions(opts: LinkCliOptions): { reliable?: boolean; faults?: string } {
  return { reliable: opts.reliable === true, ...(opts.faults !== undefined ? { faults: opts.faults } : {}) };
}
