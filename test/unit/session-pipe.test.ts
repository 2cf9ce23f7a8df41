// Two sessions joined by a lossy, resetting pipe: a host that initiates and retries, a device
// that answers requests, logs, and reboots; the host can restart too.
import { strict as assert } from 'node:assert';
import { u8, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import type { WriteStream } from '../../firmware/framing/framer.ts';
import { MessageType, Session, SessionState, type SessionListener } from '../../firmware/session/session.ts';
import { ascii, b } from './framing-helpers.ts';

/** Small deterministic PRNG (mulberry32) so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Loss = { drop: number; flip: number; garbage: number };
const CLEAN: Loss = { drop: 0, flip: 0, garbage: 0 };

/** One direction of the link. Each stream write is one chunk that may be dropped or damaged. */
class Wire implements WriteStream {
  queue: number[] = [];
  loss: Loss = CLEAN;
  private readonly rnd: () => number;
  constructor(rnd: () => number) {
    this.rnd = rnd;
  }
  write(data: Bytes): Err {
    const d = Array.from(data as unknown as Uint8Array);
    const r = this.rnd;
    if (r() < this.loss.garbage) for (let n = Math.floor(r() * 8); n > 0; n--) this.queue.push(Math.floor(r() * 256));
    if (r() < this.loss.drop) return Err.Ok;
    if (r() < this.loss.flip) d[Math.floor(r() * d.length)] ^= 1 + Math.floor(r() * 255);
    this.queue.push(...d);
    return Err.Ok;
  }
  /** Hands a random-sized piece of what is in flight to `s`. */
  deliver(s: Session): void {
    if (this.queue.length === 0) return;
    const n = 1 + Math.floor(this.rnd() * Math.min(this.queue.length, 40));
    s.receive(b(Uint8Array.from(this.queue.splice(0, n))));
  }
  /** A reset in the middle of a write: the tail of what was in flight is lost. */
  truncate(): void {
    this.queue.length = Math.floor(this.rnd() * this.queue.length);
  }
}

const text = (x: Bytes) => new TextDecoder().decode(x as unknown as Uint8Array);

/** The device: answers "req:<sid>:<n>" with "rep:<sid>:<n>", logs now and then. */
class Device implements SessionListener {
  session!: Session;
  served = 0;
  logsSent = 0;
  private readonly rnd: () => number;
  private readonly out: Wire;
  constructor(rnd: () => number, out: Wire) {
    this.rnd = rnd;
    this.out = out;
    this.boot();
  }
  boot(): void {
    this.session = new Session(this.out, { randomByte: () => u8(Math.floor(this.rnd() * 256)) }, this);
    this.session.sendLog(b(ascii('booting')));
    this.session.initialize();
  }
  established(): void {}
  terminated(): void {}
  message(type: number, body: Bytes): void {
    const m = /^req:(\d+):(\d+)$/.exec(text(body));
    assert.ok(m, `device got a message that was never sent: ${JSON.stringify(text(body))}`);
    assert.equal(type, MessageType.Normal);
    // Stale-session rule: a request is only ever delivered within the session it was sent in.
    assert.equal(Number(m[1]), this.session.sessionId(), 'request from another session delivered');
    this.served++;
    assert.equal(this.session.sendMessage(u8(MessageType.Normal), b(ascii(`rep:${m[1]}:${m[2]}`))), Err.Ok);
    if (this.rnd() < 0.2) {
      this.session.sendLog(b(ascii(`log ${this.logsSent++}`)));
    }
  }
  log(): void {
    assert.fail('the host never sends logs');
  }
}

/** The host: handshakes with retries, one outstanding request, gives up on it after a timeout. */
class Host implements SessionListener {
  session!: Session;
  next = 0;
  outstanding: { sid: number; n: number; at: number } | null = null;
  attemptAt = -1e9;
  timeouts = 0;
  completed = 0;
  terminations = 0;
  logs: string[] = [];
  now = 0;
  private readonly rnd: () => number;
  private readonly out: Wire;
  constructor(rnd: () => number, out: Wire) {
    this.rnd = rnd;
    this.out = out;
    this.restart();
  }
  restart(): void {
    this.session = new Session(this.out, { randomByte: () => u8(Math.floor(this.rnd() * 256)) }, this);
    this.outstanding = null;
    this.attemptAt = -1e9;
  }
  tick(): void {
    const s = this.session;
    if (!s.isEstablished()) {
      if (this.now - this.attemptAt > 60) {
        this.attemptAt = this.now;
        s.initialize();
        s.startSession();
      }
      return;
    }
    if (this.outstanding !== null && this.now - this.outstanding.at > 80) {
      // Timed out. Twice in a row means the device lost the session without us hearing its
      // Terminate (dropped on the line): open a new one, as a user would after a timeout error.
      this.outstanding = null;
      if (++this.timeouts >= 2) {
        this.timeouts = 0;
        this.attemptAt = this.now;
        s.initialize();
        s.startSession();
        return;
      }
    }
    if (this.outstanding === null) {
      this.outstanding = { sid: s.sessionId(), n: this.next++, at: this.now };
      const e = s.sendMessage(u8(MessageType.Normal), b(ascii(`req:${this.outstanding.sid}:${this.outstanding.n}`)));
      assert.equal(e, Err.Ok);
    }
  }
  established(): void {
    this.outstanding = null;
  }
  terminated(): void {
    this.terminations++;
    this.outstanding = null;
  }
  message(type: number, body: Bytes): void {
    const m = /^rep:(\d+):(\d+)$/.exec(text(body));
    assert.ok(m, `host got a message that was never sent: ${JSON.stringify(text(body))}`);
    assert.equal(type, MessageType.Normal);
    assert.equal(Number(m[1]), this.session.sessionId(), 'reply from another session delivered');
    assert.ok(Number(m[2]) < this.next, 'reply to a request never made');
    if (this.outstanding !== null && Number(m[2]) === this.outstanding.n) {
      this.outstanding = null;
      this.timeouts = 0;
      this.completed++;
    }
  }
  log(t: Bytes): void {
    const s = text(t);
    assert.ok(s === 'booting' || /^log \d+$/.test(s), `corrupt log delivered: ${JSON.stringify(s)}`);
    this.logs.push(s);
  }
}

function world(seed: number) {
  const rnd = prng(seed);
  const toDevice = new Wire(rnd);
  const toHost = new Wire(rnd);
  const device = new Device(rnd, toHost);
  const host = new Host(rnd, toDevice);
  const step = () => {
    host.now++;
    host.tick();
    if (rnd() < 0.7) toDevice.deliver(device.session);
    if (rnd() < 0.7) toHost.deliver(host.session);
  };
  const settle = (ticks: number) => {
    for (let i = 0; i < ticks; i++) step();
  };
  return { rnd, toDevice, toHost, device, host, step, settle };
}

describe('session over a lossy, resetting pipe', () => {
  it('clean pipe: handshake, boot log, request/reply traffic', () => {
    const w = world(1);
    w.settle(400);
    assert.ok(w.host.session.isEstablished());
    assert.equal(w.host.session.sessionId(), w.device.session.sessionId());
    assert.equal(w.host.logs[0], 'booting');
    assert.ok(w.host.completed > 20, `only ${w.host.completed} round trips`);
    // Nothing lost on a clean pipe: every request served was answered, bar the one in flight.
    assert.ok(w.device.served - w.host.completed <= 1, `${w.device.served} served, ${w.host.completed} completed`);
    assert.equal(w.host.terminations, 0);
  });

  it('device reboot: the host sees the Terminate, re-handshakes, and old requests are never served', () => {
    const w = world(2);
    w.settle(300);
    const before = w.host.completed;
    const oldSid = w.host.session.sessionId();
    w.toHost.truncate(); // the reset cuts the device's output
    w.device.boot();
    w.settle(400);
    assert.equal(w.host.terminations, 1);
    assert.ok(w.host.session.isEstablished());
    assert.equal(w.host.session.sessionId(), w.device.session.sessionId());
    assert.notEqual(w.host.session.sessionId(), oldSid);
    assert.ok(w.host.completed > before + 10);
  });

  it('host restart: a new host session takes over the device', () => {
    const w = world(3);
    w.settle(300);
    const oldSid = w.device.session.sessionId();
    w.toDevice.truncate();
    w.host.restart();
    w.settle(400);
    assert.ok(w.device.session.isEstablished());
    assert.equal(w.host.session.sessionId(), w.device.session.sessionId());
    assert.notEqual(w.device.session.sessionId(), oldSid);
    const before = w.host.completed;
    w.settle(200);
    assert.ok(w.host.completed > before + 5);
  });

  it('stale request from a previous session, replayed after a host restart, is dropped', () => {
    const w = world(4);
    w.settle(300);
    // Capture a request of the old session as it goes out, then replay it later.
    const old: number[] = [];
    const orig = w.toDevice.write.bind(w.toDevice);
    w.toDevice.write = (d) => {
      old.push(...Array.from(d as unknown as Uint8Array));
      return orig(d);
    };
    w.settle(50);
    w.toDevice.write = orig;
    assert.ok(old.length > 0);
    w.host.restart();
    w.settle(300);
    const served = w.device.served;
    w.device.session.receive(b(Uint8Array.from(old))); // would fail the sid assertion in Device.message
    assert.equal(w.device.served, served);
  });

  for (const seed of [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]) {
    it(`chaos seed ${seed}: loss, damage, garbage and resets on both sides; then it recovers`, () => {
      const w = world(seed);
      const lossy: Loss = { drop: 0.05, flip: 0.05, garbage: 0.05 };
      w.toDevice.loss = lossy;
      w.toHost.loss = lossy;
      for (let t = 0; t < 4000; t++) {
        w.step();
        const r = w.rnd();
        if (r < 0.002) {
          w.toHost.truncate();
          w.device.boot();
        } else if (r < 0.003) {
          w.toDevice.truncate();
          w.host.restart();
        }
      }
      // Clean phase: the pair must come back on its own.
      w.toDevice.loss = CLEAN;
      w.toHost.loss = CLEAN;
      w.settle(600);
      assert.ok(w.host.session.isEstablished(), `host state ${w.host.session.getState()}`);
      assert.equal(w.device.session.getState(), SessionState.Established);
      assert.equal(w.host.session.sessionId(), w.device.session.sessionId());
      const before = w.host.completed;
      w.settle(300);
      assert.ok(w.host.completed >= before + 10, `stalled: ${w.host.completed - before} round trips`);
      assert.ok(w.host.completed > 0 && w.device.served >= w.host.completed);
    });
  }
});
