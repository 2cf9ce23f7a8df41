// `urpc serve --tvm/--tracker`, `urpc ls --tracker` and `urpc call tracker:...` as a user runs
// them: subprocesses against the spec's tracker (test/tracker/tracker.ts) and the native board.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureNative } from '../e2e/helpers.ts';
import { urpcAsync } from '../cli/subprocess.ts';
import { TestTracker } from '../tracker/tracker.ts';
import { RawTracker, TvmRpcClient } from './tvm-client.ts';
import { int } from '../microtvm-host/minrpc.ts';
import { checkServeTvm } from '../../host/tvm/serve-tvm.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

describe('urpc serve --tvm / --tracker, urpc ls --tracker, urpc call tracker:... (subprocesses)', function () {
  this.timeout(90_000);
  before(async () => { await ensureNative(); });

  it('refuses a non-loopback --tvm listen without --allow-remote-tvm, and --tracker without --key', async () => {
    const r = await urpcAsync(['serve', 'native', '--tvm', '--listen', '0.0.0.0:0']);
    assert.equal(r.code, 2);
    assert.match(r.err, /refusing to serve TVM RPC on 0\.0\.0\.0: TVM's RPC protocol has no authentication/);
    const k = await urpcAsync(['serve', 'native', '--tracker', '127.0.0.1:9190', '--listen', '127.0.0.1:0']);
    assert.equal(k.code, 2);
    assert.match(k.err, /--tracker needs --key/);
    const t = await urpcAsync(['serve', 'native', '--tvm', '--token', 'x', '--listen', '127.0.0.1:0']);
    assert.equal(t.code, 2);
    // The flag is the only way off loopback (checked without opening a port on a network).
    const base = { host: '0.0.0.0', port: 0, queueLength: 1, queueDeadlineMs: 1 };
    assert.match(checkServeTvm(base) ?? '', /refusing/);
    assert.equal(checkServeTvm({ ...base, allowRemoteTvm: true }), undefined);
    assert.equal(checkServeTvm({ ...base, host: '127.0.0.1' }), undefined);
  });

  it('serve registers with the tracker; ls --tracker lists it; call tracker:... and a TVM client reach the board; SIGTERM ends it', async () => {
    const tracker = new TestTracker();
    await tracker.listen();
    let p: ChildProcess | undefined;
    try {
      p = spawn(process.execPath, [URPC, 'serve', 'native', '--tvm', '--listen', '127.0.0.1:0', '--key', 'stm32', '--tracker', `127.0.0.1:${tracker.port}`]);
      let out = '';
      let err = '';
      p.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
      p.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
      await until(`the serving line (stderr: ${err})`, () => out.includes('\n') || p!.exitCode !== null);
      const m = /^serving native to TVM RPC clients on 127\.0\.0\.1:(\d+) \(key 'stm32'\); registering with tracker 127\.0\.0\.1:\d+: connect with tracker:127\.0\.0\.1:\d+\/stm32\n/.exec(out);
      assert.ok(m, out + err);
      await until('the PUT', () => tracker.log.some((x) => x.text.startsWith('[3, "stm32"')));
      const ls = await urpcAsync(['ls', '--tracker', `127.0.0.1:${tracker.port}`]);
      assert.equal(ls.code, 0, ls.err);
      assert.match(ls.out, new RegExp(`^KEY\\s+FREE\\s+PENDING\\s+URI\\nstm32\\s+1\\s+0\\s+tracker:127\\.0\\.0\\.1:${tracker.port}/stm32\\n\\nSERVER\\s+ADDRESS\\nserver:stm32\\s+127\\.0\\.0\\.1:${m[1]}\\n$`));
      const json = await urpcAsync(['ls', '--tracker', `127.0.0.1:${tracker.port}`, '--json']);
      assert.deepEqual((JSON.parse(json.out) as { queueInfo: unknown }).queueInfo, { stm32: { free: 1, pending: 0 } });
      const call = await urpcAsync(['call', `tracker:127.0.0.1:${tracker.port}/stm32`, 'urpc.echo', '1', '"via the tracker"']);
      assert.equal(call.code, 0, call.err);
      assert.equal(call.out, '1\nvia the tracker\n');
      // The board is offered again after the session, and an unmodified TVM client gets it.
      await until('the re-registration', () => tracker.log.filter((x) => x.text.startsWith('[3, "stm32"')).length >= 2);
      const c = await RawTracker.connect(tracker.port);
      const slot = JSON.parse(await c.ask('[4, "stm32", "", 1]', 10_000)) as [number, [string, number, string]];
      c.close();
      const cl = await TvmRpcClient.connect(slot[1][1], slot[1][2]);
      assert.deepEqual(await cl.call(await cl.getFunction('urpc.echo'), [int(11)]), { kind: 'value', value: { code: 0, v: 11n } });
      cl.shutdown();
      const none = await urpcAsync(['call', `tracker:127.0.0.1:${tracker.port}/nucleo`, 'urpc.echo', '1', '--timeout', '1000']);
      assert.equal(none.code, 2);
      assert.match(none.err, /no board with key 'nucleo' became free/);
      p.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => (p!.exitCode !== null ? r(p!.exitCode) : p!.on('close', (c2) => r(c2))));
      assert.equal(code, 0, err);
      assert.match(err, /registered with tracker 127\.0\.0\.1:\d+ as 'stm32'/);
    } finally {
      if (p !== undefined && p.exitCode === null) p.kill('SIGKILL');
      await tracker.close();
    }
  });

  it('ls --tracker: a port with no tracker is a clear error, exit 2', async () => {
    const r = await urpcAsync(['ls', '--tracker', '127.0.0.1:1', '--timeout', '2000']);
    assert.equal(r.code, 2);
    assert.match(r.err, /urpc ls: tracker 127\.0\.0\.1:1: connection refused/);
  });
});
