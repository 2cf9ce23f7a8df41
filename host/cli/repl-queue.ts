// The REPL's accepted lines, run one at a time in the order they were typed. An interrupt
// (Ctrl-C) abandons every line accepted and not finished, whatever its phase: the one running is
// no longer waited for (its promise settles on its own; the session drops a late reply), and the
// ones waiting behind it never run, as a terminal flushes typed-ahead input on an interrupt. A
// line counts as pending from the moment it is accepted, so a Ctrl-C that arrives before its
// call has started still abandons it.

export type Outcome =
  | { kind: 'done' }
  | { kind: 'failed'; error: unknown }
  /** `started`: it was running (its reply, if one comes, is dropped); else it never ran. */
  | { kind: 'abandoned'; started: boolean };

interface Entry {
  line: string;
  abandoned: boolean;
  abandon: () => void;
}

export class LineQueue {
  private tail: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Entry>();
  private readonly run: (line: string) => Promise<void>;
  private readonly settled: (line: string, outcome: Outcome) => void;

  /** `run` does one line; `settled` is told how each ended, in order (it must not throw). */
  constructor(run: (line: string) => Promise<void>, settled: (line: string, outcome: Outcome) => void) {
    this.run = run;
    this.settled = settled;
  }

  /** Lines accepted and not finished (running or waiting). */
  get size(): number {
    return this.pending.size;
  }

  /** Accepts a line: pending from now on, run after those before it. */
  push(line: string): void {
    let stop: (v: 'abandoned') => void = () => undefined;
    const stopped = new Promise<'abandoned'>((resolve) => { stop = resolve; });
    const e: Entry = { line, abandoned: false, abandon: () => { e.abandoned = true; stop('abandoned'); } };
    this.pending.add(e);
    this.tail = this.tail.then(async () => {
      const outcome = await this.runEntry(e, stopped);
      this.pending.delete(e);
      this.settled(line, outcome);
    });
  }

  private async runEntry(e: Entry, stopped: Promise<'abandoned'>): Promise<Outcome> {
    if (e.abandoned) return { kind: 'abandoned', started: false };
    const running = this.run(e.line);
    try {
      if ((await Promise.race([running, stopped])) === 'abandoned') {
        running.catch(() => undefined); // its failure, if it fails later, is nobody's concern
        return { kind: 'abandoned', started: true };
      }
      return { kind: 'done' };
    } catch (error) {
      return { kind: 'failed', error };
    }
  }

  /** Abandons every pending line; false when there was none (the interrupt is the caller's). */
  interrupt(): boolean {
    if (this.pending.size === 0) return false;
    for (const e of this.pending) e.abandon();
    return true;
  }

  /** Resolves when every line accepted so far has settled. */
  idle(): Promise<void> {
    return this.tail;
  }
}
