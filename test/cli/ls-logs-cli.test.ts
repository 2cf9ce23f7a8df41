// `urpc ls` and `urpc logs` as a user runs them (subprocesses). ls reads a fake sysfs tree
// (URPC_SYSFS_TTY); logs listens to a fake device on TCP that speaks the session layer (the FwTS
// Session class) and sends a Log message every 100 ms, and to the native firmware.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from '../../firmware/session/session.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { asBytes, u8, type Bytes } from '../../firmware/lib/prelude.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { urpcAsync, watchOutput } from './subprocess.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

/** A TCP "device": the session layer only (answers the handshake), one Log line every 100 ms. */
export async function fakeLoggingDevice(): Promise<{ port: number; close(): void }> {
  const timers: NodeJS.Timeout[] = [];
  const server = net.createServer((sock) => {
    sock.on('error', () => undefined);
    const s = new Session({ write: (d: Bytes) => { sock.write(Buffer.from(d as unknown as Uint8Array)); return Err.Ok; } },
      { randomByte: () => u8(0x5a) },
      { established: () => undefined, terminated: () => undefined, message: () => undefined, log: () => undefined });
    sock.on('data', (b: Buffer) => s.receive(asBytes(new Uint8Array(b))));
    let n = 0;
    timers.push(setInterval(() => s.sendLog(asBytes(new TextEncoder().encode(`tick ${n++}`))), 100));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => { timers.forEach(clearInterval); server.close(); } };
}

describe('urpc ls (subprocess)', function () {
  this.timeout(60_000);
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-sysfs-'));
    const usb = path.join(root, 'devices/pci0/usb1/1-2');
    fs.mkdirSync(path.join(usb, '1-2:1.0'), { recursive: true });
    for (const [f, v] of [['idVendor', '2e8a'], ['idProduct', '000a'], ['manufacturer', 'Raspberry Pi'], ['product', 'Pico'], ['serial', 'E6605838']]) {
      fs.writeFileSync(path.join(usb, f!), `${v}\n`);
    }
    const plat = path.join(root, 'devices/platform/serial8250');
    fs.mkdirSync(path.join(root, 'drivers/serial8250'), { recursive: true });
    fs.mkdirSync(plat, { recursive: true });
    fs.symlinkSync(path.join(root, 'drivers/serial8250'), path.join(plat, 'driver'));
    const tty = path.join(root, 'class/tty');
    for (const n of ['ttyACM0', 'ttyS3', 'tty0']) fs.mkdirSync(path.join(tty, n), { recursive: true });
    fs.symlinkSync(path.join(usb, '1-2:1.0'), path.join(tty, 'ttyACM0/device'));
    fs.symlinkSync(plat, path.join(tty, 'ttyS3/device'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('--json: USB ports with vendor/product; consoles and 8250 placeholders left out', async () => {
    const r = await urpcAsync(['ls', '--json'], { URPC_SYSFS_TTY: path.join(root, 'class/tty') });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), [{ path: '/dev/ttyACM0', source: 'sysfs', vendorId: '2e8a', productId: '000a', manufacturer: 'Raspberry Pi', product: 'Pico', serialNumber: 'E6605838' }]);
  });
  it('a table for people; a note on stderr when there is none', async () => {
    const r = await urpcAsync(['ls'], { URPC_SYSFS_TTY: path.join(root, 'class/tty') });
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'PORT          VID:PID    DEVICE             SERIAL\n/dev/ttyACM0  2e8a:000a  Raspberry Pi Pico  E6605838\n');
    const e = await urpcAsync(['ls'], { URPC_SYSFS_TTY: path.join(root, 'nothing') });
    assert.equal(e.code, 0);
    assert.equal(e.out, '');
    assert.match(e.err, /no serial ports found/);
    const j = await urpcAsync(['ls', '--json'], { URPC_SYSFS_TTY: path.join(root, 'nothing') });
    assert.deepEqual(JSON.parse(j.out), []);
  });
  it('the real machine: exit 0 and a JSON array', async () => {
    const r = await urpcAsync(['ls', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.ok(Array.isArray(JSON.parse(r.out)));
  });
});

describe('urpc logs (subprocess)', function () {
  this.timeout(60_000);
  before(async () => {
    await ensureNative();
  });

  it('--json streams the device log lines until --duration, exit 0', async () => {
    const dev = await fakeLoggingDevice();
    try {
      const r = await urpcAsync(['logs', `tcp:127.0.0.1:${dev.port}`, '--json', '--duration', '1500']);
      assert.equal(r.code, 0, r.err);
      const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { time: string; uri: string; text: string });
      assert.ok(lines.length >= 5, r.out);
      assert.equal(lines[0]!.uri, `tcp:127.0.0.1:${dev.port}`);
      assert.ok(!Number.isNaN(Date.parse(lines[0]!.time)));
      const n = lines.map((l) => Number(/^tick (\d+)$/.exec(l.text)![1]));
      n.forEach((v, i) => i > 0 && assert.equal(v, n[i - 1]! + 1));
    } finally {
      dev.close();
    }
  });
  it('plain lines with a clock; SIGINT stops it with exit 0', async () => {
    const dev = await fakeLoggingDevice();
    try {
      const p = spawn(process.execPath, [URPC, 'logs', `tcp:127.0.0.1:${dev.port}`]);
      const closed = new Promise((r) => p.on('close', r));
      const out = watchOutput(p.stdout);
      const err = watchOutput(p.stderr);
      try {
        await out.until(/tick \d+\n[\s\S]*tick \d+\n/, 'two log lines', 10_000);
      } catch (e) {
        p.kill('SIGKILL');
        throw new Error(`${(e as Error).message}\nstderr: ${err.text()}`);
      }
      p.kill('SIGINT');
      assert.equal(await closed, 0);
      assert.match(out.text(), /^\d\d:\d\d:\d\d\.\d{3}  tick \d+$/m);
      assert.match(err.text(), /session open; Ctrl-C to stop/);
    } finally {
      dev.close();
    }
  });
  it('native: the handshake\'s log lines, then stops at --duration; exit 2 when it cannot connect', async () => {
    const r = await urpcAsync(['logs', 'native', '--duration', '300']);
    assert.equal(r.code, 0, r.err);
    // What the firmware logged while the session opened is shown too.
    assert.match(r.out, /^\d\d:\d\d:\d\d\.\d{3}  urpc session established: id \d+$/m);
    const e = await urpcAsync(['logs', 'tcp:127.0.0.1:9']);
    assert.equal(e.code, 2);
    assert.match(e.err, /urpc logs: tcp:127\.0\.0\.1:9: nothing is listening there/);
  });
});
