// `urpc serve --tls-key <file> [--init-tls]` and tls:<host>:<port>?key=<file> URIs: the serve
// protocol inside TLS with a pre-shared key. A byte-capturing relay between client and server
// shows that neither the token nor the calls cross the link in clear; a client with another key
// is refused by the TLS handshake.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNative } from '../e2e/helpers.ts';
import { connect } from '../../host/client/connect.ts';
import { urpcAsync, watchOutput } from './subprocess.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

async function serve(args: string[]): Promise<{ p: ChildProcess; line: string; err: () => string }> {
  const p = spawn(process.execPath, [URPC, 'serve', ...args]);
  const out = watchOutput(p.stdout!);
  const err = watchOutput(p.stderr!);
  await out.until(/\n/, 'first line of urpc serve', 20_000).catch((e: Error) => { p.kill('SIGKILL'); throw new Error(`urpc serve did not start: ${err.text()} ${e.message}`); });
  return { p, line: out.text().split('\n')[0]!, err: err.text };
}
async function stop(p: ChildProcess): Promise<number | null> {
  if (p.exitCode !== null) return p.exitCode;
  p.kill('SIGTERM');
  return new Promise((r) => p.on('close', (c) => r(c)));
}

/** A TCP relay to `port` that keeps every byte the client sends. */
async function tap(port: number): Promise<{ port: number; sent: () => Buffer; close: () => void }> {
  const chunks: Buffer[] = [];
  const socks: net.Socket[] = [];
  const srv = net.createServer((c) => {
    const u = net.connect(port, '127.0.0.1');
    socks.push(c, u);
    c.on('data', (b: Buffer) => { chunks.push(b); u.write(b); });
    u.on('data', (b: Buffer) => c.write(b));
    c.on('close', () => u.destroy());
    u.on('close', () => c.destroy());
    c.on('error', () => undefined);
    u.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { port: (srv.address() as net.AddressInfo).port, sent: () => Buffer.concat(chunks), close: () => { for (const s of socks) s.destroy(); srv.close(); } };
}

describe('urpc serve --tls-key (TLS with a pre-shared key)', function () {
  this.timeout(90_000);
  let dir: string;
  before(async () => {
    await ensureNative();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-tls-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--init-tls makes a 0600 key; tls: clients with it are served, the token and calls never cross in clear; another key is refused', async () => {
    const key = path.join(dir, 'board.psk');
    const s = await serve(['native', '--listen', '127.0.0.1:0', '--tls-key', key, '--init-tls', '--token', 's3cretTOKEN']);
    const t = await tap(Number(/^serving native on tls:127\.0\.0\.1:(\d+)\?key=.*&token=<token>$/.exec(s.line)?.[1]));
    try {
      assert.match(fs.readFileSync(key, 'utf8'), /^[0-9a-f]{64}\n$/);
      assert.equal(fs.statSync(key).mode & 0o777, 0o600);
      const uri = `tls:127.0.0.1:${t.port}?key=${key}&token=s3cretTOKEN`;
      const r = await urpcAsync(['call', uri, 'urpc.echo', '7', '"in the clear?"']);
      assert.equal(r.code, 0, r.err + s.err());
      assert.equal(r.out, '7\nin the clear?\n');
      const sess = await connect(uri);
      try {
        assert.deepEqual(await sess.functions.echo('hidden payload'), ['hidden payload']);
      } finally { await sess.close(); }
      const sent = t.sent();
      assert.equal(sent[0], 0x16, 'a TLS handshake record first');
      for (const secret of ['s3cretTOKEN', 'URPC-TOKEN', 'in the clear?', 'hidden payload', 'urpc.echo']) {
        assert.equal(sent.indexOf(secret), -1, `'${secret}' crossed the link in clear`);
      }
      // A client holding another key fails the TLS handshake, with a message that says so.
      const other = path.join(dir, 'other.psk');
      fs.writeFileSync(other, `${'ab'.repeat(32)}\n`);
      const bad = await urpcAsync(['call', `tls:127.0.0.1:${t.port}?key=${other}&token=s3cretTOKEN`, 'urpc.echo', '1', '--timeout', '5000']);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /TLS handshake failed|closed/);
      // And a plain tcp: client gets nothing from a TLS port (no token, no wire bytes reach the device).
      const plain = await urpcAsync(['call', `tcp:127.0.0.1:${t.port}?token=s3cretTOKEN`, 'urpc.echo', '1', '--timeout', '3000']);
      assert.equal(plain.code, 2);
      // The server still serves the right key afterwards.
      assert.equal((await urpcAsync(['call', uri, 'echo', '2'])).out, '2\n');
      assert.match(s.err(), /TLS handshake failed/);
    } finally {
      t.close();
      assert.equal(await stop(s.p), 0);
    }
  });

  it('--init-tls never overwrites a key; a bad key file, a tls: URI without key, --tls-key with --tvm are exit 2', async () => {
    const key = path.join(dir, 'keep.psk');
    fs.writeFileSync(key, `${'cd'.repeat(32)}\n`);
    const r = await urpcAsync(['serve', 'native', '--listen', '127.0.0.1:0', '--tls-key', key, '--init-tls']);
    assert.equal(r.code, 2);
    assert.match(r.err, /exists; --init-tls makes a new key and never overwrites one/);
    assert.equal(fs.readFileSync(key, 'utf8'), `${'cd'.repeat(32)}\n`);
    const junk = path.join(dir, 'junk.psk');
    fs.writeFileSync(junk, 'not a key\n');
    const j = await urpcAsync(['serve', 'native', '--listen', '127.0.0.1:0', '--tls-key', junk]);
    assert.equal(j.code, 2);
    assert.match(j.err, /is not a urpc TLS key/);
    const u = await urpcAsync(['call', 'tls:127.0.0.1:4560', 'echo', '1']);
    assert.equal(u.code, 2);
    assert.match(u.err, /bad TLS URI 'tls:127\.0\.0\.1:4560': no key file/);
    const v = await urpcAsync(['serve', 'native', '--tvm', '--tls-key', key, '--listen', '127.0.0.1:0']);
    assert.equal(v.code, 2);
    assert.match(v.err, /TVM RPC has neither/);
  });
});
