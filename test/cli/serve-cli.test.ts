// `urpc serve` as a user runs it: a subprocess serving a device over TCP, reached by `urpc call
// tcp:...` subprocesses and by connect() (client -> tcp -> serve -> device), with and without a token.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../../host/client/connect.ts';
import { DType } from '../../host/client/rpc-session.ts';
import { NATIVE_FIRMWARE } from '../../host/transport/process.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { socatPty, urpcAsync, watchOutput, withDeadline } from './subprocess.ts';
import { requireTools } from '../tools.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

/** Starts `urpc serve ...`; resolves with the URI it prints. */
async function serve(args: string[]): Promise<{ p: ChildProcess; uri: string; err: () => string; errUntil: (re: RegExp, what: string, ms: number) => Promise<RegExpExecArray> }> {
  const p = spawn(process.execPath, [URPC, 'serve', ...args]);
  const out = watchOutput(p.stdout!);
  const err = watchOutput(p.stderr!);
  await out.until(/\n/, 'urpc serve started').catch((e: Error) => { throw new Error(`urpc serve did not start: ${err.text()} ${e.message}`); });
  const m = /^serving \S+ on (tcp:\S+?)(\?token=<token>)?\n/.exec(out.text());
  assert.ok(m, out.text());
  return { p, uri: m[1]!, err: err.text, errUntil: err.until };
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
        // One client at a time: a second one waits for the first to leave, then is served.
        const second = urpcAsync(['call', s.uri, 'echo', '5', '--timeout', '20000']);
        await s.errUntil(/waits for the device \(1 waiting\)/, "serve's note that a client waits", 30_000);
        assert.equal((await t.copyTo()).length, 20_000); // the first still has the device
        await sess.close();
        const r = await second;
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, '5\n');
      } finally {
        await sess.close();
      }
      assert.equal((await urpcAsync(['call', s.uri, 'echo', '2'])).out, '2\n');
      assert.match(s.err(), /127\.0\.0\.1:\d+ connected/);
    } finally {
      assert.equal(await stop(s.p), 0);
    }
  });

  it('--queue 0 refuses a second client at once; one that waits longer than --queue-timeout is refused busy', async () => {
    const s0 = await serve(['native', '--listen', '127.0.0.1:0', '--queue', '0']);
    try {
      const sess = await connect(s0.uri);
      try {
        const busy = await urpcAsync(['call', s0.uri, 'echo', '1']);
        assert.equal(busy.code, 2);
        assert.match(busy.err, /refused by the server: busy: another client is connected/);
      } finally {
        await sess.close();
      }
    } finally {
      assert.equal(await stop(s0.p), 0);
    }
    const s = await serve(['native', '--listen', '127.0.0.1:0', '--token', 'q', '--queue-timeout', '300']);
    try {
      const sess = await connect(`${s.uri}?token=q`);
      try {
        await assert.rejects(connect(`${s.uri}?token=q`, { startTimeoutMs: 20_000 }), /refused by the server: busy: waited 300 ms for another client to leave/);
        assert.deepEqual(await sess.functions.echo(3), [3]);
      } finally {
        await sess.close();
      }
      assert.deepEqual(await (await connect(`${s.uri}?token=q`)).functions.echo(4), [4]);
    } finally {
      assert.equal(await stop(s.p), 0);
    }
  });

  it('a client that stays silent, sends half a token line, or a wrong token and stays connected holds nothing: the next client is served at once, it is dropped at the token deadline', async () => {
    const s = await serve(['native', '--listen', '127.0.0.1:0', '--token', 'tk']);
    const [host, port] = [s.uri.split(':')[1]!, Number(s.uri.split(':')[2])];
    try {
      for (const [what, bytes] of [['silent', ''], ['half a token line', 'URPC-TOKEN t'], ['a wrong token', 'URPC-TOKEN nope\n']] as const) {
        // allowHalfOpen: the bad client never closes its side itself (it used to hold the slot until it did).
        const bad = net.connect({ host, port, allowHalfOpen: true });
        let got = '';
        bad.on('data', (b: Buffer) => { got += b.toString(); });
        bad.on('error', () => undefined);
        const gone = new Promise<void>((r) => { bad.once('end', r); bad.once('close', r); }); // dropped by the server
        await new Promise<void>((r) => bad.once('connect', () => r()));
        if (bytes !== '') bad.write(bytes);
        const good = await connect(`${s.uri}?token=tk`);
        try {
          assert.deepEqual(await good.functions.echo(what), [what], what);
        } finally {
          await good.close();
        }
        // ... and the bad one is told why and disconnected by the server (bounded wait: 3 s deadline).
        await withDeadline(gone, 15_000, () => `disconnect of the client that sent ${what}`);
        bad.destroy();
        assert.match(got, what === 'a wrong token' ? /^URPC-DENIED wrong token\n$/ : /^URPC-DENIED no token within 3000 ms\n$/, what);
      }
      assert.match(s.err(), /refused 127\.0\.0\.1:\d+: no token within 3000 ms/);
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
      // A token client that waits in the queue past its own deadline says so.
      const first = await connect(`${s.uri}?token=s3cret`);
      try {
        await assert.rejects(connect(`${s.uri}?token=s3cret`, { startTimeoutMs: 1500 }),
          /waited 1500 ms in the server's queue \(another client has the device; this one was number 1 in line\)/);
      } finally {
        await first.close();
      }
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

  it('chains client -> tcp -> serve -> serial pty -> firmware', async function () {
    requireTools(this, ['socat']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-serve-'));
    const tty = path.join(dir, 'tty');
    const socat = await socatPty(tty, NATIVE_FIRMWARE);
    try {
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
