// Silent or misbehaving peers never hang urpc's tracker and RPC code: every wait ends at its
// deadline with a message naming what was awaited, and the registration keeps retrying.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { TrackerConnection } from '../../host/tvm/tracker-client.ts';
import { TrackerRegistration } from '../../host/tvm/tracker-register.ts';
import { openTrackerLink } from '../../host/tvm/tracker-link.ts';
import { urpcAsync } from '../cli/subprocess.ts';

/** A server that runs `onConn` for every connection; connections are closed with it. */
async function peer(onConn: (s: net.Socket) => void): Promise<{ port: number; close: () => void; count: () => number }> {
  const socks: net.Socket[] = [];
  const srv = net.createServer((s) => { socks.push(s); s.on('error', () => undefined); onConn(s); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { port: (srv.address() as net.AddressInfo).port, count: () => socks.length, close: () => { for (const s of socks) s.destroy(); srv.close(); } };
}
const echoMagic = (s: net.Socket): void => { s.once('data', (b: Buffer) => s.write(b.subarray(0, 4))); };

describe('silent and misbehaving trackers and RPC servers', function () {
  this.timeout(60_000);

  it('a tracker that never echoes the magic: open fails at its deadline; urpc ls --tracker exits 2', async () => {
    const p = await peer(() => undefined);
    try {
      const t0 = Date.now();
      await assert.rejects(TrackerConnection.open('127.0.0.1', p.port, 300), /no magic echo within 300 ms/);
      assert.ok(Date.now() - t0 < 5000);
      const r = await urpcAsync(['ls', '--tracker', `127.0.0.1:${p.port}`, '--timeout', '500']);
      assert.equal(r.code, 2);
      assert.match(r.err, /urpc ls: tracker 127\.0\.0\.1:\d+: no magic echo within 500 ms/);
    } finally { p.close(); }
  });

  it("a tracker that echoes but never answers SUMMARY, or answers with a size past 1 MiB: errors, not hangs", async () => {
    const silent = await peer(echoMagic);
    const huge = await peer((s) => {
      echoMagic(s);
      s.on('data', () => { const b = Buffer.alloc(4); b.writeInt32LE(1 << 30); s.write(b); });
    });
    try {
      const a = await TrackerConnection.open('127.0.0.1', silent.port, 2000);
      await assert.rejects(a.summary(300), /within 300 ms/);
      a.close();
      const b = await TrackerConnection.open('127.0.0.1', huge.port, 2000);
      await assert.rejects(b.summary(2000), /answer of 1073741824 bytes \(expected 1\.\.1048576\)/);
      b.close();
    } finally { silent.close(); huge.close(); }
  });

  it('a tracker that refuses the PUT (-1): the registration is not kept and is retried on a new connection', async () => {
    const p = await peer((s) => {
      echoMagic(s);
      let n = 0;
      s.on('data', () => { if (n++ === 0) return; s.write(Buffer.from('01000000' + (n === 2 ? '30' : '00'), 'hex')); });
    });
    const notes: string[] = [];
    const reg = new TrackerRegistration({ tracker: { host: '127.0.0.1', port: p.port }, key: 'k', port: 1, server: { matchKey: '', busy: false }, note: (m) => notes.push(m), retryMs: 100, answerTimeoutMs: 500 });
    reg.start();
    try {
      const t0 = Date.now();
      while (p.count() < 3 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
      assert.ok(p.count() >= 3, 'reconnected after each failure');
      assert.equal(reg.registered, false);
      assert.match(notes[0]!, /retrying every 100 ms/);
    } finally { await reg.stop(); p.close(); }
  });

  it('tracker: link to an RPC server that never answers the handshake fails at the deadline', async () => {
    const rpc = await peer(() => undefined);
    const tracker = await peer((s) => {
      echoMagic(s);
      let first = true;
      s.on('data', () => {
        if (first) { first = false; return; }
        const j = Buffer.from(`[0, ["127.0.0.1", ${rpc.port}, "k:0.5"]]`);
        const h = Buffer.alloc(4); h.writeInt32LE(j.length);
        s.write(Buffer.concat([h, j]));
      });
    });
    try {
      const t0 = Date.now();
      await assert.rejects(openTrackerLink(`tracker:127.0.0.1:${tracker.port}/k`, 800), /no handshake answer from the RPC server within \d+ ms/);
      assert.ok(Date.now() - t0 < 5000);
    } finally { rpc.close(); tracker.close(); }
  });
});
