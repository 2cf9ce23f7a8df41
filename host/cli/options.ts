import { InvalidArgumentError } from 'commander';

/** A commander option parser for non-negative integers, with a message that says what was wrong. */
export function intOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return n;
}
