// Bad input from the host's side (issue #7): malformed URIs, missing ports and devices, a board
// that never answers, a device that sends garbage or floods logs, a link that drops mid-call, and
// the same through the CLI. Every case checks the error's class, that its message names the
// problem and the fix, and a deadline; the floods also check that host memory stays bounded.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { asBytes, bytes, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { DeviceStack, DEVICE_POOL_BYTES, DEVICE_SIZE_TABLE_BYTES } from '../../firmware/rpc/device_stack.ts';
import { HostPlatform } from '../../host/client/local.ts';
import { RemoteSession } from '../../host/client/remote.ts';
import { LinkClosedError } from '../../host/client/session.ts';
import { ProtocolError, RpcError, TimeoutError } from '../../host/client/client.ts';
import { Session, MessageType } from '../../firmware/session/session.ts';
import { u8 } from '../../firmware/lib/prelude.ts';
import { connect, openTransport } from '../../host/client/connect.ts';
import type { Transport } from '../../host/transport/transport.ts';
import { openNative, type ProcessTransport } from '../../host/transport/process.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { InProcessDevice } from '../e2e/in-process-device.ts';
import { socatPty, urpcAsync, watchOutput } from '../cli/subprocess.ts';
import { requireTools } from '../tools.ts';
import { fileURLToPath } from 'node:url';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

/** Awaits `p`, failing if it takes longer than `ms`; returns its result and the time taken. */
async function within<T>(ms: number, p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within the ${ms} ms deadline`)), ms);
  });
  try {
    const value = await Promise.race([p, late]);
    return { value, ms: performance.now() - t0 };
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves when the host next writes to `t` (a call's request is on its way). */
function nextWrite(t: Transport): Promise<void> {
  return new Promise((resolve) => {
    const write = t.write;
    t.write = (d: Uint8Array): Promise<void> => {
      t.write = write;
      resolve();
      return write.call(t, d);
    };
  });
}

/** The error `p` rejects with, within `ms` (fails if it resolves or takes longer). */
async function failure(ms: number, p: Promise<unknown>): Promise<Error> {
  const { value } = await within(ms, p.then(() => undefined, (e: unknown) => e as Error));
  assert.ok(value instanceof Error, 'expected a rejection, got a value');
  return value;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A TCP server whose connections `onConn` handles; closed by the returned function. */
async function tcpServer(onConn: (s: net.Socket) => void): Promise<{ uri: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onConn(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    uri: `tcp:127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** The FwTS device stack behind a socket (what `urpc serve` + a board look like to a client). */
function deviceOnSocket(sock: net.Socket): DeviceStack {
  const out = { write: (b: Bytes): Err => { if (!sock.destroyed) sock.write(new Uint8Array(b as unknown as Uint8Array)); return Err.Ok; } };
  const stack = new DeviceStack(bytes(DEVICE_POOL_BYTES), bytes(DEVICE_SIZE_TABLE_BYTES), out, new HostPlatform());
  stack.boot();
  sock.on('data', (b: Buffer) => stack.feed(asBytes(new Uint8Array(b))));
  return stack;
}


/** A device that answers nothing and sends `chunk()` over and over (garbage) until closed. */
class GarbageDevice implements Transport {
  readonly name = 'garbage device';
  sent = 0;
  /** Resolves once `limit` bytes have gone to the host. */
  readonly allSent: Promise<void>;
  private sentAll: () => void = () => undefined;
  private data: (d: Uint8Array) => void = () => undefined;
  private stopped = false;
  private readonly chunk: (i: number) => Uint8Array;
  private readonly limit: number;
  constructor(chunk: (i: number) => Uint8Array, limit: number) {
    this.chunk = chunk;
    this.limit = limit;
    this.allSent = new Promise((resolve) => { this.sentAll = resolve; });
  }
  async write(): Promise<void> {}
  onData(h: (d: Uint8Array) => void): void {
    this.data = h;
    let i = 0;
    const pump = (): void => {
      if (this.stopped) return;
      for (let k = 0; k < 8 && this.sent < this.limit; k++) {
        const c = this.chunk(i++);
        this.sent += c.length;
        this.data(c);
      }
      if (this.sent >= this.limit) this.sentAll();
      else setImmediate(pump);
    };
    setImmediate(pump);
  }
  onClose(): void {}
  async close(): Promise<void> { this.stopped = true; }
}

// A full collection before each measurement, so what is left is what something still holds.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap + array buffers after a full GC: what a buffer kept without bound would grow. (Array
 * buffers are freed by a background sweeper after the GC: give it a moment, twice.) */
async function hostBytes(): Promise<number> {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 30));
  }
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const MiB = 1024 * 1024;

// connect() loads the Node transports with a dynamic import(); under mocha that is another module
// instance than a static import of host/transport/transport.ts, so the class is taken the same way.
let TransportClosedError: typeof import('../../host/transport/transport.ts').TransportClosedError;
before(async () => {
  ({ TransportClosedError } = await import('../../host/transport/transport.ts'));
});

describe('host bad input: malformed URIs and missing devices', function () {
  this.timeout(30_000);
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-badinput-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** connect(uri) must fail at once with `cls` and a message matching every pattern. */
  async function rejects(uri: string, cls: new (...a: any[]) => Error, ...patterns: RegExp[]): Promise<void> {
    const e = await failure(3000, connect(uri, { startTimeoutMs: 1000 }));
    assert.ok(e instanceof cls, `${uri}: ${e.name}: ${e.message}`);
    for (const p of patterns) assert.match(e.message, p, uri);
    assert.ok(!e.message.includes('\n'), `${uri}: one line`);
  }

  it('an unknown scheme names the URI and lists the known ones', async () => {
    await rejects('bogus:x', RpcError, /connect\('bogus:x'\): unknown device URI/, /expected native, native:<path>, local, tcp:<host>:<port>, tls:<host>:<port>\?key=<file>, tracker:<host>:<port>\/<key>, serial:<device>\?baud=<n> or qemu:<board>/);
    await rejects('', RpcError, /unknown device URI/);
    await rejects('tpc:127.0.0.1:80', RpcError, /unknown device URI/);
  });

  it('tcp: without host or port, a port that is not a number or out of range, an unknown parameter', async () => {
    const usage = /expected tcp:<host>:<port>\[\?token=<T>\]/;
    await rejects('tcp:', TransportClosedError, /bad TCP URI 'tcp:': no host/, usage);
    await rejects('tcp:127.0.0.1', TransportClosedError, /'tcp:127.0.0.1': no port/, usage);
    await rejects('tcp:127.0.0.1:', TransportClosedError, /no port/, usage);
    await rejects('tcp::4560', TransportClosedError, /no host/);
    await rejects('tcp:127.0.0.1:http', TransportClosedError, /port 'http' is not a number/, usage);
    await rejects('tcp:127.0.0.1:-1', TransportClosedError, /port '-1' is not a number/);
    await rejects('tcp:127.0.0.1:0', TransportClosedError, /port 0 is not 1\.\.65535/);
    await rejects('tcp:127.0.0.1:65536', TransportClosedError, /port 65536 is not 1\.\.65535/);
    await rejects('tcp:127.0.0.1:4560?tokn=x', TransportClosedError, /unknown parameter 'tokn' \(known: token\)/);
    await rejects('tcp:127.0.0.1:4560?token=', TransportClosedError, /token must be non-empty/);
  });

  it('tcp: connection refused says nothing listens and what to start', async () => {
    const port = await freePort();
    await rejects(`tcp:127.0.0.1:${port}`, TransportClosedError, new RegExp(`tcp:127.0.0.1:${port}: nothing is listening there \\(connection refused\\)`), /urpc serve/);
  });

  it('serial: no path, a device that does not exist, a bad baud, a file or /dev/null instead of a tty', async () => {
    const usage = /expected serial:<device>\[\?baud=<n>\]/;
    await rejects('serial:', TransportClosedError, /bad serial URI 'serial:': no device path/, usage);
    await rejects('serial:?baud=9600', TransportClosedError, /no device path/);
    await rejects('serial:/dev/urpc-no-such-tty', TransportClosedError, /no such device '\/dev\/urpc-no-such-tty'; is the board plugged in\? \(urpc ls lists serial ports\)/);
    await rejects('serial:/dev/null?baud=fast', TransportClosedError, /baud must be a positive integer, got 'fast'/);
    await rejects('serial:/dev/null?baud=0', TransportClosedError, /baud must be a positive integer, got '0'/);
    await rejects('serial:/dev/null?parity=odd', TransportClosedError, /unknown parameter 'parity' \(known: baud\)/);
    const file = path.join(dir, 'not-a-tty');
    fs.writeFileSync(file, 'x');
    await rejects(`serial:${file}`, TransportClosedError, /is not a serial port \(not a character device\)/, /urpc ls/);
    await rejects('serial:/dev/null', TransportClosedError, /cannot open \/dev\/null: .*not a tty: is this a serial port\?/);
  });

  it('qemu: an unknown board lists the QEMU boards; a board without QEMU says so', async () => {
    await rejects('qemu:nope', TransportClosedError, /unknown QEMU board 'nope'; QEMU boards: .*lm3s6965evb/);
    await rejects('qemu:', TransportClosedError, /unknown QEMU board ''/);
    await rejects('qemu:native', TransportClosedError, /board 'native' has no "qemu" section in boards\/native\/board.json/);
  });

  it('native: a firmware path that does not exist, is not executable, or is a directory', async () => {
    await rejects(`native:${path.join(dir, 'nothing')}`, TransportClosedError, /nothing does not exist; build it with: urpc build --board native/);
    const plain = path.join(dir, 'plain');
    fs.writeFileSync(plain, '#!/bin/sh\n', { mode: 0o644 });
    await rejects(`native:${plain}`, TransportClosedError, /plain is not executable \(chmod \+x it, or build the firmware with: urpc build --board native\)/);
    await rejects(`native:${dir}`, TransportClosedError, /is a directory, not a firmware executable/);
  });
});

describe('host bad input: devices that never answer, send garbage, flood logs or drop the link', function () {
  this.timeout(60_000);
  let dir: string;
  const kill: ChildProcess[] = [];
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-badlink-'));
    await ensureNative();
  });
  after(() => {
    for (const c of kill) if (c.exitCode === null) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a TCP peer that accepts and never answers: the handshake fails with TimeoutError at startTimeoutMs', async () => {
    const srv = await tcpServer(() => undefined);
    try {
      const e = await failure(600 + 2000, connect(srv.uri, { startTimeoutMs: 600, retryMs: 150 }));
      assert.ok(e instanceof TimeoutError, `${e.name}: ${e.message}`);
      assert.match(e.message, new RegExp(`${srv.uri}: session start handshake failed after 600 ms \\(\\d+ attempts, no Reply; 0 bytes received, 0 with framing errors\\); nothing came back: is the device running urpc firmware and is the link right\\?`));
    } finally {
      await srv.close();
    }
  });

  it('a TCP peer that accepts and hangs up at once: LinkClosedError, without waiting for the deadline', async () => {
    const srv = await tcpServer((s) => s.destroy());
    try {
      const e = await failure(1500, connect(srv.uri, { startTimeoutMs: 10_000 }));
      assert.ok(e instanceof LinkClosedError, `${e.name}: ${e.message}`);
      assert.match(e.message, /tcp:127.0.0.1:\d+: connection closed/);
    } finally {
      await srv.close();
    }
  });

  it('a TCP peer that never answers the token: TransportClosedError naming the handshake', async () => {
    const srv = await tcpServer(() => undefined);
    try {
      const e = await failure(5000 + 2000, connect(`${srv.uri}?token=s3cret`));
      assert.ok(e instanceof TransportClosedError, `${e.name}: ${e.message}`);
      assert.match(e.message, /no answer to the token within 5000 ms; is this a `urpc serve` port\?/);
    } finally {
      await srv.close();
    }
  });

  it('a pty with nothing answering on the other side: TimeoutError at startTimeoutMs', async function () {
    requireTools(this, ['socat']);
    const tty = path.join(dir, 'silent-tty');
    const socat = await socatPty(tty, 'sleep 60');
    kill.push(socat);
    const e = await failure(800 + 2000, connect(`serial:${tty}`, { startTimeoutMs: 800, retryMs: 200 }));
    assert.ok(e instanceof TimeoutError, `${e.name}: ${e.message}`);
    assert.match(e.message, /serial:.*silent-tty: session start handshake failed after 800 ms/);
    socat.kill('SIGKILL');
  });

  it('a pty that loops our bytes back (cat): the handshake fails naming the echo, without an Init storm', async function () {
    requireTools(this, ['socat']);
    const tty = path.join(dir, 'echo-tty');
    const socat = await socatPty(tty, 'cat');
    kill.push(socat);
    // The host never answers an Init (Session.refuseInit), so its own echoed Init neither looks
    // like a simultaneous open (a storm of new Inits) nor opens a session with itself.
    let writes = 0;
    const e = await failure(6000, (async () => {
      const transport = await openTransport(`serial:${tty}`);
      const inner = transport.write.bind(transport);
      transport.write = (d: Uint8Array) => {
        writes++;
        return inner(d);
      };
      await RemoteSession.open(`serial:${tty}`, transport, { startTimeoutMs: 1000, retryMs: 200, timeoutMs: 500 });
    })());
    assert.ok(e instanceof TimeoutError, `${e.name}: ${e.message}`);
    assert.match(e.message, /the link sends our own bytes back \(a loopback, or a terminal with echo on\)/);
    assert.ok(writes <= 10, `${writes} writes in 1 s: one Terminate + Init per retry, no storm`);
    socat.kill('SIGKILL');
  });

  it('a device process that sends endless random bytes: the handshake fails with TimeoutError, framing errors counted', async () => {
    const script = path.join(dir, 'garbage.cjs');
    fs.writeFileSync(script, `#!/usr/bin/env node
const pool = require('crypto').randomBytes(1 << 20);
let at = 0;
function pump() {
  while (process.stdout.write(pool.subarray(at, at + 65536))) at = (at + 65536) % pool.length;
  process.stdout.once('drain', pump);
}
process.stdout.on('error', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
pump();
`, { mode: 0o755 });
    const t = openNative(`native:${script}`);
    const s = new RemoteSession(`native:${script}`, t, { startTimeoutMs: 1000, retryMs: 200 });
    const e = await failure(1000 + 3000, s.session.ensureOpen());
    assert.ok(e instanceof TimeoutError, `${e.name}: ${e.message}`);
    assert.match(e.message, /handshake failed after 1000 ms/);
    assert.ok(s.session.rxErrors > 0, 'the garbage was seen as framing errors');
    await within(3000, t.close());
    assert.notEqual((t as ProcessTransport).child.exitCode ?? (t as ProcessTransport).child.signalCode, null, 'the process is gone');
  });

  it('32 MiB of garbage (random bytes, then a frame that announces 2 GiB): host memory stays bounded', async () => {
    const pool = crypto.randomBytes(2 * MiB);
    // A fresh copy per chunk, as a socket or pipe delivers them: one kept is 64 KiB kept.
    const chunk = (i: number): Uint8Array => {
      const at = (i * 65536) % (pool.length - 65536);
      return new Uint8Array(pool.subarray(at, at + 65536));
    };
    const header = Uint8Array.of(0xfe, 0xff, 0xfd, 0xff, 0xff, 0xff, 0x7f); // escape, start, length 0x7fffffff
    const oversized = (i: number): Uint8Array => (i % 64 === 0 ? header : chunk(i));
    for (const [what, gen] of [['random', chunk], ['oversized frames', oversized]] as const) {
      const dev = new GarbageDevice(gen, 32 * MiB);
      const before = await hostBytes();
      const s = new RemoteSession('garbage', dev, { startTimeoutMs: 400, retryMs: 100 });
      const e = await failure(30_000, s.session.ensureOpen());
      assert.ok(e instanceof TimeoutError, `${what}: ${e.name}: ${e.message}`);
      await within(60_000, dev.allSent);
      const grown = (await hostBytes()) - before;
      console.log(`      ${what}: ${(dev.sent / MiB).toFixed(0)} MiB of garbage, host memory ${grown >= 0 ? '+' : ''}${(grown / MiB).toFixed(1)} MiB, ${s.session.rxErrors} framing errors`);
      await dev.close();
      // Nothing on the host keeps what it received: the unframer and session buffers are fixed,
      // and only a frame that passes its CRC reaches the RPC layer.
      assert.ok(grown < 4 * MiB, `${what}: host memory grew by ${(grown / MiB).toFixed(1)} MiB after 32 MiB of garbage`);
      assert.equal(s.logs.length, 0);
      assert.ok(s.session.rxErrors > 0 || what === 'oversized frames', `${what}: framing errors counted`);
    }
  });

  it('a device that floods Log messages: calls still succeed; logs nobody listens to are not kept without bound', async () => {
    const dev = new InProcessDevice();
    const s = await RemoteSession.open('flood', dev, { timeoutMs: 3000 });
    const line = asBytes(new TextEncoder().encode(`flood ${'x'.repeat(200)}`));
    let sent = 0;
    let pumped: () => void = () => undefined;
    const done = new Promise<void>((resolve) => { pumped = resolve; });
    // Floods until 20 calls have been made and 50,000 lines sent, whichever comes last (and at
    // 2,000,000 lines in any case: a test that failed mid-way must not leave it running).
    let calls = 0;
    const pump = (): void => {
      if ((calls >= 20 && sent >= 50_000) || sent >= 2_000_000) { pumped(); return; }
      for (let i = 0; i < 50; i++) dev.stack.sendLog(line);
      sent += 50;
      setImmediate(pump);
    };
    const before = await hostBytes();
    pump();
    for (; calls < 20; calls++) assert.deepEqual(await within(3000, s.functions.echo(calls, 'during the flood')).then((r) => r.value), [calls, 'during the flood']);
    await within(60_000, done);
    // The device's output arrives in order: once this reply is in, every log line before it is too.
    await within(3000, s.functions.echo('after the flood'));
    const grown = (await hostBytes()) - before;
    console.log(`      ${sent} log lines (${(sent * 207 / MiB).toFixed(1)} MiB) during 20 calls: host memory ${grown >= 0 ? '+' : ''}${(grown / MiB).toFixed(1)} MiB, ${s.logs.length} lines kept`);
    assert.ok(s.logs.length <= 100, `${s.logs.length} log lines kept`);
    assert.ok(grown < 4 * MiB, `host memory grew by ${(grown / MiB).toFixed(1)} MiB for ${sent} log lines (${(sent * 207 / MiB).toFixed(1)} MiB)`);
    // A listener sees them as they come.
    let heard = 0;
    s.on('log', () => heard++);
    for (let i = 0; i < 100; i++) dev.stack.sendLog(line);
    await within(3000, s.functions.echo('after the lines')); // in order: the lines came first
    assert.equal(heard, 100);
    await s.close();
  });

  it('a device whose session is right but whose RPC replies are garbage: ProtocolError at once, every time', async () => {
    const MAX = 1 << 20;
    const replies: [string, () => Uint8Array, RegExp][] = [
      ['random bytes', () => new Uint8Array(crypto.randomBytes(64)), /packet length \d+ but 56 bytes follow/],
      ['shorter than the length field', () => Uint8Array.of(1, 2, 3), /truncated: need 8 bytes at offset 0, 3 left/],
      ['a length of 2^40', () => { const b = new Uint8Array(64); new DataView(b.buffer).setBigUint64(0, 1n << 40n, true); return b; }, /packet length 1099511627776 but 56 bytes follow/],
      ['a return of 2^31 - 1 values', () => { const b = new Uint8Array(40); const v = new DataView(b.buffer); v.setBigUint64(0, 32n, true); v.setInt32(8, 4, true); v.setInt32(12, 0x7fffffff, true); return b; }, /bad argument count 2147483647/],
    ];
    for (const [what, make, re] of replies) {
      // The device: the FwTS Session (a right handshake) answering every request with `make()`.
      let toHost: (d: Uint8Array) => void = () => undefined;
      const dev: Session = new Session(
        { write: (b: Bytes): Err => { const c = new Uint8Array(b as unknown as Uint8Array); setImmediate(() => toHost(c)); return Err.Ok; } },
        { randomByte: () => u8(7) },
        { established() {}, terminated() {}, log() {}, message() { setImmediate(() => dev.sendMessage(u8(MessageType.Normal), asBytes(make()))); } });
      dev.initialize();
      const link: Transport = {
        name: 'garbage-rpc device',
        write: async (d) => { const c = new Uint8Array(d); setImmediate(() => dev.receive(asBytes(c))); },
        onData: (h) => { toHost = h; }, onClose: () => undefined, close: async () => undefined,
      };
      const before = await hostBytes();
      const s = await RemoteSession.open('garbage-rpc', link, { timeoutMs: 1000 });
      for (let i = 0; i < 2; i++) {
        const e = await failure(500, s.functions.echo(1));
        assert.ok(e instanceof ProtocolError, `${what}: ${e.name}: ${e.message}`);
        assert.match(e.message, re, what);
      }
      // Nothing was sized from the reply's claims.
      assert.ok((await hostBytes()) - before < MAX, what);
      await s.close();
    }
  });

  it('a device reply larger than the session buffer is dropped: TimeoutError at the reply deadline', async () => {
    let toHost: (d: Uint8Array) => void = () => undefined;
    const dev: Session = new Session(
      { write: (b: Bytes): Err => { const c = new Uint8Array(b as unknown as Uint8Array); setImmediate(() => toHost(c)); return Err.Ok; } },
      { randomByte: () => u8(9) },
      { established() {}, terminated() {}, log() {}, message() { setImmediate(() => dev.sendMessage(u8(MessageType.Normal), asBytes(new Uint8Array(4000)))); } });
    dev.initialize();
    const link: Transport = {
      name: 'oversize-reply device',
      write: async (d) => { const c = new Uint8Array(d); setImmediate(() => dev.receive(asBytes(c))); },
      onData: (h) => { toHost = h; }, onClose: () => undefined, close: async () => undefined,
    };
    const s = await RemoteSession.open('oversize-reply', link, { timeoutMs: 400, firstTimeoutMs: 400 });
    const e = await failure(400 + 1500, s.functions.echo(1));
    assert.ok(e instanceof TimeoutError, `${e.name}: ${e.message}`);
    assert.match(e.message, /no reply from oversize-reply device within 400 ms/);
    assert.ok(s.session.rxErrors > 0, 'the dropped frame is counted');
    await s.close();
  });

  it('the native firmware killed mid-call: LinkClosedError naming the signal at once, and for every later call', async () => {
    const s = (await connect('native', { timeoutMs: 5000 })) as RemoteSession;
    const written = nextWrite(s.session.transport);
    const pending = s.functions.sleep(3000);
    await within(3000, written); // the request is on its way: mid-call
    (s.session.transport as ProcessTransport).child.kill('SIGKILL');
    const e = await failure(1500, pending);
    assert.ok(e instanceof LinkClosedError, `${e.name}: ${e.message}`);
    assert.match(e.message, /native ended \(signal SIGKILL\)/);
    const again = await failure(1000, s.functions.echo(1));
    assert.ok(again instanceof LinkClosedError, `${again.name}: ${again.message}`);
    await within(3000, s.close());
  });

  it('a TCP device that hangs up mid-call: LinkClosedError', async () => {
    let conn: net.Socket | undefined;
    const srv = await tcpServer((sock) => {
      conn = sock;
      deviceOnSocket(sock);
    });
    try {
      const s = await connect(srv.uri, { timeoutMs: 5000 });
      assert.deepEqual(await s.functions.echo(7), [7]);
      const sleep = await s.getFunction('urpc.sleep'); // looked up first: the next request is the call
      const arrived = new Promise((r) => conn!.once('data', r));
      const pending = sleep(3000); // the device stack here is never ticked: no reply comes
      await within(3000, arrived); // the device has the request: mid-call
      conn!.destroy();
      const e = await failure(1500, pending);
      assert.ok(e instanceof LinkClosedError, `${e.name}: ${e.message}`);
      assert.match(e.message, /tcp:127.0.0.1:\d+: connection closed/);
      await s.close();
    } finally {
      await srv.close();
    }
  });

  it('an in-process link that ends mid-call: LinkClosedError with the transport\'s reason', async () => {
    const dev = new InProcessDevice();
    const s = await RemoteSession.open('in-process', dev, { timeoutMs: 5000 });
    const written = nextWrite(dev);
    const pending = s.functions.sleep(3000);
    await within(3000, written);
    dev.end('in-process device: unplugged');
    const e = await failure(1000, pending);
    assert.ok(e instanceof LinkClosedError && /unplugged/.test(e.message), `${e.name}: ${e.message}`);
  });
});

describe('host bad input: the CLI', function () {
  this.timeout(60_000);

  /** One line on stderr naming the command, nothing on stdout, no stack trace. */
  function oneLine(r: { code: number | null; out: string; err: string }, cmd: string, pattern: RegExp): void {
    assert.equal(r.code, 2, `${cmd}: exit ${r.code}; ${r.err}`);
    assert.equal(r.out, '');
    const lines = r.err.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${cmd}: one line, got:\n${r.err}`);
    assert.ok(lines[0].startsWith(`urpc ${cmd}: `), lines[0]);
    assert.match(lines[0], pattern);
    assert.ok(!/\n\s+at /.test(r.err) && !/Error:/.test(lines[0].slice(`urpc ${cmd}: `.length, `urpc ${cmd}: `.length + 20)), r.err);
  }

  it('urpc call with a bad URI exits 2 with a one-line error and no stack trace', async () => {
    const port = await freePort();
    const cases: [string, RegExp][] = [
      ['bogus:x', /unknown device URI/],
      ['tcp:', /bad TCP URI 'tcp:': no host/],
      ['tcp:127.0.0.1:http', /port 'http' is not a number/],
      [`tcp:127.0.0.1:${port}`, /connection refused/],
      ['serial:/dev/urpc-no-such-tty', /no such device/],
      ['serial:/dev/null?baud=x', /baud must be a positive integer/],
      ['qemu:nope', /unknown QEMU board 'nope'/],
      ['native:/urpc/no/such/firmware', /does not exist/],
    ];
    const results = await Promise.all(cases.map(([uri]) => urpcAsync(['call', uri, 'urpc.echo', '1'])));
    results.forEach((r, i) => oneLine(r, 'call', cases[i][1]));
  });

  it('urpc call to a TCP peer that never answers: exit 2, one line, within the --timeout deadline (end to end)', async () => {
    const srv = await tcpServer(() => undefined);
    try {
      const t0 = Date.now();
      const r = await urpcAsync(['call', srv.uri, 'urpc.echo', '1', '--timeout', '500']);
      oneLine(r, 'call', /session start handshake failed within the 500 ms deadline/);
      assert.ok(Date.now() - t0 < 10_000, `${Date.now() - t0} ms`);
    } finally {
      await srv.close();
    }
  });

  it('urpc logs / bench / serve / open with a bad URI: exit 2, one line', async () => {
    const [logs, bench, serve, open] = await Promise.all([
      urpcAsync(['logs', 'bogus:x', '--duration', '100']),
      urpcAsync(['bench', 'tcp:127.0.0.1']),
      urpcAsync(['serve', 'serial:', '--listen', '127.0.0.1:0']),
      urpcAsync(['open', 'qemu:nope']),
    ]);
    oneLine(logs, 'logs', /unknown device URI/);
    oneLine(bench, 'bench', /no port/);
    oneLine(serve, 'serve', /no device path/);
    oneLine(open, 'open', /unknown QEMU board/);
  });

  /** `urpc serve <device> --listen 127.0.0.1:0`; resolves with the port it listens on. */
  async function serve(device: string): Promise<{ p: ChildProcess; port: number; err: () => string; errUntil: (re: RegExp, what: string, ms: number) => Promise<RegExpExecArray> }> {
    const p = spawn(process.execPath, [URPC, 'serve', device, '--listen', '127.0.0.1:0']);
    const out = watchOutput(p.stdout!);
    const err = watchOutput(p.stderr!);
    const m = await out.until(/on tcp:127\.0\.0\.1:(\d+)/, 'the port urpc serve listens on', 15_000)
      .catch((e: Error) => { p.kill('SIGKILL'); throw new Error(`urpc serve did not start: ${err.text()} ${e.message}`); });
    return { p, port: Number(m[1]), err: err.text, errUntil: err.until };
  }

  it('urpc serve drops a client that does not read while the device floods it (no unbounded buffer)', async () => {
    // The device: a TCP link that sends as fast as `urpc serve` reads it.
    const chunk = new Uint8Array(1 << 20).fill(0xaa);
    let sent = 0;
    const dev = await tcpServer((sock) => {
      const pump = (): void => {
        while (!sock.destroyed && sock.write(chunk)) sent += chunk.length;
        if (!sock.destroyed) sock.once('drain', pump);
      };
      pump();
    });
    const srv = await serve(dev.uri);
    const client = net.connect(srv.port, '127.0.0.1');
    client.on('error', () => undefined);
    try {
      await new Promise<void>((r) => client.once('connect', () => r()));
      client.write(Uint8Array.of(0xfe)); // a wire byte: serve bridges this client to the device
      client.pause(); // and never reads
      const { ms } = await within(20_000, srv.errUntil(/is not reading/, "serve's drop of the client", 20_000));
      assert.match(srv.err(), /127\.0\.0\.1:\d+ is not reading \(\d+ bytes from the device waiting\); disconnected it/);
      assert.ok(sent < 256 * MiB, `${(sent / MiB).toFixed(0)} MiB sent before the drop (${ms.toFixed(0)} ms)`);
      // What was in flight still arrives, then the connection ends.
      client.resume();
      await within(10_000, new Promise<void>((r) => client.once('close', () => r())));
    } finally {
      client.destroy();
      srv.p.kill('SIGKILL');
      await dev.close();
    }
  });

  it('urpc serve stops reading a client while the device link is not taking bytes (back-pressure)', async () => {
    // The device: a TCP link that never reads.
    const dev = await tcpServer((sock) => sock.pause());
    const srv = await serve(dev.uri);
    const client = net.connect(srv.port, '127.0.0.1');
    client.on('error', () => undefined);
    let stop = false;
    try {
      await new Promise<void>((r) => client.once('connect', () => r()));
      const chunk = new Uint8Array(1 << 20).fill(0xfe);
      let accepted = 0;
      const pump = (): void => {
        while (!stop && accepted < 256 * MiB && client.write(chunk, () => { accepted += chunk.length; }));
        if (!stop) client.once('drain', pump);
      };
      pump();
      // Fixed windows, not waits for an event: what is checked is that nothing more happens (the
      // flow stays stopped), and no event says "stopped for good".
      await new Promise((r) => setTimeout(r, 2000));
      const at2s = accepted;
      await new Promise((r) => setTimeout(r, 1000));
      stop = true;
      // Without back-pressure serve takes everything (and queues it in memory); with it, the
      // flow stops once the kernel buffers on the way are full.
      assert.ok(accepted < 64 * MiB, `serve took ${(accepted / MiB).toFixed(0)} MiB from the client for a device that reads nothing`);
      assert.equal(accepted, at2s, 'the flow stopped');
    } finally {
      stop = true;
      client.destroy();
      srv.p.kill('SIGKILL');
      await dev.close();
    }
  });

  it('urpc call --json keeps the last 1000 log lines of a device that floods them during the call', async () => {
    const line = asBytes(new TextEncoder().encode('flood'));
    const srv = await tcpServer((sock) => {
      const stack = deviceOnSocket(sock);
      const pump = (): void => {
        if (sock.destroyed) return;
        if (stack.sessionId() !== 0) for (let i = 0; i < 20; i++) stack.sendLog(line);
        stack.tick();
        setImmediate(pump);
      };
      pump();
    });
    try {
      const r = await urpcAsync(['call', srv.uri, 'urpc.sleep', '500', '--json']);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out) as { logs: string[]; logsDropped?: number };
      assert.equal(j.logs.length, 1000);
      assert.ok((j.logsDropped ?? 0) > 0, `${j.logsDropped} dropped`);
      assert.ok(j.logs.every((l) => l === 'flood'));
    } finally {
      await srv.close();
    }
  });
});
