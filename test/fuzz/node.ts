// The fuzz harnesses run in Node (the FwTS reference semantics) under fast-check: raw inputs,
// mutated committed inputs and structured inputs (arbitraries.ts). A failure is a FwPanic (a
// harness invariant, code >= FUZZ_FAIL, or a firmware panic) or any other exception; the
// shrunk counterexample is returned as input bytes, ready to be saved as a regression file.
import * as fs from 'node:fs';
import fc from 'fast-check';
import type { Bytes } from '../../firmware/lib/prelude.ts';
import { harnessPath, committedInputs, type Target } from './build.ts';
import { rawInput, structured, mutated } from './arbitraries.ts';
import { FUZZ_FAIL, Inv } from './targets/fuzz_lib.ts';

type Main = (input: Bytes, output: Bytes) => number;
const mains = new Map<Target, Main>();

export async function harness(t: Target): Promise<Main> {
  let m = mains.get(t);
  if (m === undefined) {
    const mod = (await import(harnessPath(t))) as { main: Main };
    m = mod.main;
    mains.set(t, m);
  }
  return m;
}

const INV_NAMES = new Map(Object.entries(Inv).map(([k, v]) => [v as number, k]));

/** "invariant ReplyCount (0xf004)", "firmware panic 1", or the exception text. */
export function describeFailure(e: unknown): string {
  const o = e as { code?: unknown; constructor?: { name?: string }; message?: string } | null;
  if (o && o.constructor?.name === 'FwPanic' && typeof o.code === 'number') {
    if (o.code >= FUZZ_FAIL) return `invariant ${INV_NAMES.get(o.code - FUZZ_FAIL) ?? '?'} (0x${o.code.toString(16)})`;
    return `firmware panic ${o.code}`;
  }
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Runs one input; returns undefined or the failure text. */
export async function runOne(t: Target, input: Uint8Array): Promise<string | undefined> {
  const main = await harness(t);
  try {
    main(new Uint8Array(input) as unknown as Bytes, new Uint8Array(64) as unknown as Bytes);
    return undefined;
  } catch (e) {
    return describeFailure(e);
  }
}

export interface NodeFuzzResult {
  target: Target;
  runs: number;
  ms: number;
  failed: boolean;
  failure?: string;
  /** The shrunk failing input. */
  counterexample?: Uint8Array;
  seed: number;
}

/** fast-check over raw, mutated and structured inputs: `runs` inputs, or as many as fit in `ms`. */
export async function nodeFuzz(t: Target, opts: { runs?: number; ms?: number; seed?: number }): Promise<NodeFuzzResult> {
  const main = await harness(t);
  const committed = committedInputs(t).map((f) => new Uint8Array(fs.readFileSync(f)));
  const arb = fc.oneof(
    { weight: 2, arbitrary: rawInput },
    { weight: 3, arbitrary: mutated(committed.length ? committed : [new Uint8Array(0)]) },
    { weight: 5, arbitrary: structured[t] },
  );
  const seed = opts.seed ?? Date.now() % 0x7fffffff;
  let runs = 0;
  const t0 = Date.now();
  const prop = fc.property(arb, (input) => {
    runs++;
    main(new Uint8Array(input) as unknown as Bytes, new Uint8Array(64) as unknown as Bytes);
  });
  const r = fc.check(prop, {
    seed,
    numRuns: opts.runs ?? 1_000_000_000,
    interruptAfterTimeLimit: opts.ms,
    markInterruptAsFailure: false,
  });
  const res: NodeFuzzResult = { target: t, runs, ms: Date.now() - t0, failed: r.failed, seed };
  if (r.failed) {
    res.failure = describeFailure(r.errorInstance);
    res.counterexample = r.counterexample?.[0];
  }
  return res;
}
