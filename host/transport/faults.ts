// A fault-injecting link: wraps any Transport and, from a seed, drops, flips, duplicates and
// delays bytes, inserts bursts of garbage, stalls or cuts the whole link and resets the device,
// so the stack's behaviour on a bad wire can be tested and reproduced (the same seed and traffic
// give the same faults).
//
//   connect('native', { faults: 'drop=0.01,flip=0.001,seed=7' })
//   urpc call native urpc.echo 1 --faults drop=0.01
//   urpc soak native --faults stall=0.02,stallMinMs=500,stallMaxMs=3000
//
// Rates are probabilities: per byte (drop, flip, duplicate), per chunk (garbage, delay, stall,
// cut) and per host write (reset). A stall holds both directions for stallMinMs..stallMaxMs and
// then delivers everything in order (a proxy or USB hub that freezes); a cut loses everything
// sent either way for cutMs (a cable pulled and put back). No Node imports: usable wherever a
// Transport is.
import type { Transport } from './transport.ts';
import { Xorshift32 } from '../client/xorshift.ts';

export interface FaultSpec {
  /** PRNG seed (default 1). */
  seed?: number;
  /** A byte is lost. */
  drop?: number;
  /** One random bit of a byte is flipped. */
  flip?: number;
  /** A byte is delivered twice. */
  duplicate?: number;
  /** A burst of 1..garbageMaxBytes random bytes is inserted before a chunk. */
  garbage?: number;
  garbageMaxBytes?: number;
  /** A chunk is held back 0..delayMs ms (order is kept). */
  delay?: number;
  delayMs?: number;
  /** The whole link freezes (both directions) for stallMinMs..stallMaxMs (default 500..3000 ms);
   * what was sent meanwhile arrives afterwards, in order. */
  stall?: number;
  stallMinMs?: number;
  stallMaxMs?: number;
  /** The whole link goes dead (both directions) for cutMs (default 1000): bytes sent meanwhile are lost. */
  cut?: number;
  cutMs?: number;
  /** The device is reset before a host write (needs a link with reset(): native, QEMU). */
  reset?: number;
  /** Which way faults apply (default both). */
  direction?: 'both' | 'to-device' | 'from-device';
}

export interface FaultStats {
  bytesToDevice: number;
  bytesFromDevice: number;
  dropped: number;
  flipped: number;
  duplicated: number;
  garbageBytes: number;
  delayedChunks: number;
  stalls: number;
  /** Milliseconds the link spent stalled, in all. */
  stalledMs: number;
  cuts: number;
  /** Bytes lost to cuts. */
  cutBytes: number;
  resets: number;
}

const RATES = ['drop', 'flip', 'duplicate', 'garbage', 'delay', 'stall', 'cut', 'reset'] as const;
const NUMBERS = ['seed', 'garbageMaxBytes', 'delayMs', 'stallMinMs', 'stallMaxMs', 'cutMs'] as const;

/** Parses "drop=0.01,flip=0.001,seed=7" (the CLI's --faults); throws on anything unknown. */
export function parseFaults(text: string): FaultSpec {
  const spec: FaultSpec = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    if (key === 'direction') {
      if (value !== 'both' && value !== 'to-device' && value !== 'from-device') {
        throw new Error(`--faults: direction must be both, to-device or from-device, not '${value}'`);
      }
      spec.direction = value;
      continue;
    }
    const n = Number(value);
    if (value === '' || !Number.isFinite(n) || n < 0) {
      throw new Error(`--faults: '${part}' needs a number >= 0 (e.g. drop=0.01)`);
    }
    if ((RATES as readonly string[]).includes(key)) {
      if (n > 1) throw new Error(`--faults: ${key} is a probability, at most 1 (got ${n})`);
      spec[key as (typeof RATES)[number]] = n;
    } else if ((NUMBERS as readonly string[]).includes(key)) {
      spec[key as (typeof NUMBERS)[number]] = n;
    } else {
      throw new Error(`--faults: unknown fault '${key}'; known: ${[...RATES, ...NUMBERS, 'direction'].join(', ')}`);
    }
  }
  if ((spec.stallMinMs ?? 500) > (spec.stallMaxMs ?? Math.max(3000, spec.stallMinMs ?? 0))) {
    throw new Error(`--faults: stallMinMs (${spec.stallMinMs}) is above stallMaxMs (${spec.stallMaxMs})`);
  }
  return spec;
}

export class FaultyTransport implements Transport {
  readonly name: string;
  readonly inner: Transport;
  readonly spec: FaultSpec;
  readonly stats: FaultStats = {
    bytesToDevice: 0, bytesFromDevice: 0, dropped: 0, flipped: 0, duplicated: 0, garbageBytes: 0, delayedChunks: 0,
    stalls: 0, stalledMs: 0, cuts: 0, cutBytes: 0, resets: 0,
  };
  /** Faults can be paused (e.g. to check a session recovers on a clean link). */
  enabled = true;
  private readonly rng: Xorshift32;
  private dataHandler: (d: Uint8Array) => void = () => undefined;
  /** Per direction, chunks held back by a delay, or queued behind one. */
  private readonly queueTo: DelayQueue = { items: [] };
  private readonly queueFrom: DelayQueue = { items: [] };
  /** Nothing moves either way before this time (a stall). */
  private stalledUntil = 0;
  /** Everything sent either way before this time is lost (a cut). */
  private cutUntil = 0;

  constructor(inner: Transport, spec: FaultSpec) {
    this.inner = inner;
    this.spec = spec;
    this.name = `${inner.name} (faults)`;
    this.rng = new Xorshift32(spec.seed ?? 1);
    inner.onData((d) => {
      this.stats.bytesFromDevice += d.length;
      if (this.applies('from-device') && this.linkEvents(d.length)) return;
      const out = this.applies('from-device') ? this.mangle(d) : d;
      this.later('from', () => this.dataHandler(out));
    });
  }

  async write(data: Uint8Array): Promise<void> {
    this.stats.bytesToDevice += data.length;
    if (!this.applies('to-device')) return this.inner.write(data);
    if (this.chance(this.spec.reset) && this.inner.reset !== undefined) {
      this.stats.resets++;
      await this.inner.reset();
    }
    if (this.linkEvents(data.length)) return;
    const out = this.mangle(data);
    return new Promise<void>((resolve, reject) => {
      this.later('to', () => {
        this.inner.write(out).then(resolve, reject);
      });
    });
  }

  onData(handler: (data: Uint8Array) => void): void {
    this.dataHandler = handler;
  }

  onClose(handler: (reason: string) => void): void {
    this.inner.onClose(handler);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  reset(): Promise<void> {
    if (this.inner.reset === undefined) return Promise.reject(new Error(`${this.inner.name} cannot reset the device`));
    return this.inner.reset();
  }

  private applies(way: 'to-device' | 'from-device'): boolean {
    const d = this.spec.direction ?? 'both';
    return this.enabled && (d === 'both' || d === way);
  }

  private chance(p: number | undefined): boolean {
    return p !== undefined && p > 0 && this.rng.next() < p;
  }

  /** Freezes the link both ways for `ms` from now (a stall by chance does the same); what is
   * sent meanwhile arrives afterwards, in order. */
  stallFor(ms: number): void {
    const now = Date.now();
    this.stalledUntil = Math.max(this.stalledUntil, now + ms);
    this.stats.stalls++;
    this.stats.stalledMs += Math.round(ms);
  }

  /** Starts a stall or a cut by chance; true if this chunk is lost to a cut. */
  private linkEvents(n: number): boolean {
    const now = Date.now();
    if (now >= this.cutUntil && this.chance(this.spec.cut)) {
      this.cutUntil = now + (this.spec.cutMs ?? 1000);
      this.stats.cuts++;
    }
    if (now >= this.stalledUntil && this.chance(this.spec.stall)) {
      const lo = this.spec.stallMinMs ?? 500;
      const hi = this.spec.stallMaxMs ?? Math.max(3000, lo);
      this.stallFor(lo + this.rng.next() * (hi - lo));
    }
    if (now < this.cutUntil) {
      this.stats.cutBytes += n;
      return true;
    }
    return false;
  }

  private mangle(data: Uint8Array): Uint8Array {
    const out: number[] = [];
    if (this.chance(this.spec.garbage)) {
      const n = 1 + this.rng.below(this.spec.garbageMaxBytes ?? 32);
      for (let i = 0; i < n; i++) out.push(this.rng.below(256));
      this.stats.garbageBytes += n;
    }
    for (const b of data) {
      if (this.chance(this.spec.drop)) {
        this.stats.dropped++;
        continue;
      }
      let v = b;
      if (this.chance(this.spec.flip)) {
        v ^= 1 << this.rng.below(8);
        this.stats.flipped++;
      }
      out.push(v);
      if (this.chance(this.spec.duplicate)) {
        out.push(v);
        this.stats.duplicated++;
      }
    }
    return Uint8Array.from(out);
  }

  /** Runs `deliver` now, or after a random delay; a direction's chunks never overtake each other. */
  private later(way: 'to' | 'from', deliver: () => void): void {
    const q = way === 'to' ? this.queueTo : this.queueFrom;
    let at = Date.now();
    if (this.chance(this.spec.delay)) {
      at += this.rng.next() * (this.spec.delayMs ?? 10);
      this.stats.delayedChunks++;
    }
    at = Math.max(at, this.stalledUntil);
    if (q.items.length === 0 && at <= Date.now()) {
      deliver();
      return;
    }
    q.items.push({ at, deliver });
    if (q.items.length === 1) this.drain(q);
  }

  private drain(q: DelayQueue): void {
    // A stall that began after a chunk was queued holds it too.
    const due = (): number => Math.max(q.items[0]!.at, this.stalledUntil);
    while (q.items.length > 0 && due() <= Date.now()) q.items.shift()!.deliver();
    if (q.items.length > 0) setTimeout(() => this.drain(q), due() - Date.now());
  }
}

interface DelayQueue {
  items: { at: number; deliver: () => void }[];
}
