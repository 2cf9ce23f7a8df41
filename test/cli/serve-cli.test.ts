// `urpc serve` as a user runs it: a subprocess serving a device over TCP, reached by `urpc call
// tcp:...` subprocesses and by connect() (client -> tcp -> serve -> device), with and without a token.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../../host/client/connect.ts';
import { DType } from '../../host/client/rpc-session.ts';
import { NATIVE_FIRMWARE } from '../../host/transport/process.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { urpcAsync } from './subprocess.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

/** Starts `urpc serve ...`; resolves with the URI it prints. */
async function serve(args: string[]): Promise<{ p: ChildProcess; uri: string; err: () => string }> {
  const p = spawn(process.execPath, [URPC, 'serve', ...args]);
  let out = '';
  let err = '';
  p.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  p.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
  const t0 = Date.now();
  while (!/\n/.test(out)) {
    if (p.exitCode !== null || Date.now() - t0 > 15_000) throw new Error(`urpc serve did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 30));
  }
  const m = /^serving \S+ on (tcp:\S+?)(\?token=<token>)?\n/.exec(out);
  assert.ok(m, out);
  return { p, uri: m[1]!, err: () => err };
}
async function stop(p: ChildProcess): Promise<number | null> {
  if (p.exitCode !== null) return p.exitCode;
  p.kill('SIGTERM');
  return new Promise((r) => p.on('close', (c) => r(c)));
}

describe('urpc serve (subprocess)', function () {
  this.timeout(90_000);
  before(async () => {
    await ensureNative();
  });

  it('serves the native board: urpc call tcp:... end to end, client after client; connect() moves tensors', async () => {
    const s = await serve(['native', '--listen', '127.0.0.1:0']);
    try {
      const a = await urpcAsync(['call', s.uri, 'urpc.echo', '1', '"via serve"']);
      assert.equal(a.code, 0, a.err);
      assert.equal(a.out, '1\nvia serve\n');
      const b = await urpcAsync(['call', s.uri, 'urpc.info']);
      assert.equal(b.code, 0, b.err);
      assert.match(b.out, /^urpc=0\.1\.0\nwire=microtvm-0\.13\nboard=native\n/);
      const c = await urpcAsync(['call', s.uri, 'log', '3', '4', '--json']);
      assert.equal(c.code, 0, c.err);
      assert.ok((JSON.parse(c.out) as { logs: string[] }).logs.includes('urpc.log 3 4'), c.out);
      const sess = await connect(s.uri);
      try {
        const data = new Uint8Array(20_000).map((_, i) => (i * 13) & 0xff);
        const t = await sess.array(data, { dtype: DType.uint8 });
        assert.ok(Buffer.from(await t.copyTo()).equals(Buffer.from(data)));
        // One client at a time: a second one is told why.
        const busy = await urpcAsync(['call', s.uri, 'echo', '1']);
        assert.equal(busy.code, 2);
        assert.match(busy.err, /refused by the server: busy: another client is connected/);
      } finally {
        await sess.close();
      }
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await urpcAsync(['call', s.uri, 'echo', '2'])).out, '2\n');
      assert.match(s.err(), /127\.0\.0\.1:\d+ connected/);
    } finally {
      assert.equal(await stop(s.p), 0);
    }
  });

  it('with --token: the right token gets through; none or a wrong one is refused', async () => {
    const s = await serve(['native', '--listen', '127.0.0.1:0', '--token', 's3cret']);
    try {
      const ok = await urpcAsync(['call', `${s.uri}?token=s3cret`, 'echo', '7']);
      assert.equal(ok.code, 0, ok.err);
      assert.equal(ok.out, '7\n');
      const none = await urpcAsync(['call', s.uri, 'echo', '7']);
      assert.equal(none.code, 2);
      assert.match(none.err, /refused by the server: token required/);
      const wrong = await urpcAsync(['call', `${s.uri}?token=guess`, 'echo', '7']);
      assert.equal(wrong.code, 2);
      assert.match(wrong.err, /refused by the server: wrong token/);
      assert.match(s.err(), /refused 127\.0\.0\.1:\d+: wrong token/);
    } finally {
      assert.equal(await stop(s.p), 0);
    }
  });

  it('refuses to listen off loopback without --token; bad --listen and URIs are exit 2', async () => {
    const r = await urpcAsync(['serve', 'native', '--listen', '0.0.0.0:0']);
    assert.equal(r.code, 2);
    assert.match(r.err, /refusing to listen on 0\.0\.0\.0 without --token/);
    const l = await urpcAsync(['serve', 'native', '--listen', 'nowhere']);
    assert.equal(l.code, 2);
    assert.match(l.err, /bad --listen 'nowhere'; expected <address>:<port>/);
    const d = await urpcAsync(['serve', 'serial:/dev/ttyNOPE1', '--listen', '127.0.0.1:0']);
    assert.equal(d.code, 2);
    assert.match(d.err, /no such device '\/dev\/ttyNOPE1'/);
    const u = await urpcAsync(['call', 'tcp:127.0.0.1:80?tok=1', 'echo']);
    assert.equal(u.code, 2);
    assert.match(u.err, /unknown parameter 'tok' \(known: token\)/);
    const s = await serve(['native', '--listen', '0.0.0.0:0', '--token', 'abc']);
    assert.match(s.uri, /^tcp:0\.0\.0\.0:\d+$/);
    const ok = await urpcAsync(['call', `${s.uri.replace('0.0.0.0', '127.0.0.1')}?token=abc`, 'echo', '1']);
    assert.equal(ok.out, '1\n', ok.err);
    assert.equal(await stop(s.p), 0);
  });

  it('chains client -> tcp -> serve -> serial pty -> firmware', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-serve-'));
    const tty = path.join(dir, 'tty');
    const socat = spawn('socat', [`PTY,link=${tty},rawer,echo=0`, `EXEC:${NATIVE_FIRMWARE}`], { stdio: 'ignore' });
    try {
      const t0 = Date.now();
      while (!fs.existsSync(tty)) {
        assert.ok(Date.now() - t0 < 5000, 'socat made no pty within 5000 ms');
        await new Promise((r) => setTimeout(r, 20));
      }
      const s = await serve([`serial:${tty}?baud=115200`, '--listen', '127.0.0.1:0', '--token', 't0k']);
      try {
        const r = await urpcAsync(['call', `${s.uri}?token=t0k`, 'urpc.echo', '42', '"over uart"']);
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, '42\nover uart\n');
      } finally {
        assert.equal(await stop(s.p), 0);
      }
    } finally {
      socat.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
