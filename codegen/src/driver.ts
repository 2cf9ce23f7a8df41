import type { TranspileOptions, TranspileResult } from './index.ts';

export function transpile(_entries: readonly string[], _options: TranspileOptions = {}): TranspileResult {
  throw new Error('not implemented yet');
}
