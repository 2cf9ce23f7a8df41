// A group of every local kind of link at once: the native firmware on pipes, the same firmware on a
// pty (serial:, through socat), behind `urpc serve` (tcp:, a subprocess) and the FwTS device code in
// this process (local). One session per URI, whatever its scheme; results and a collective agree
// across them; shutdown releases the links (the pty opens again, `urpc serve` takes the next
// client at once).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectGroup } from '../../host/client/connect.ts';
import { NATIVE_FIRMWARE } from '../../host/transport/process.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { onPath } from '../qemu/helpers.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

/** Polls until `cond` holds; false after `ms`. */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

function stop(p: ChildProcess | undefined): Promise<void> {
  if (p === undefined || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  const closed = new Promise<void>((r) => p.on('close', () => r()));
  p.kill('SIGKILL');
  return closed;
}

describe('group: native, serial (pty), tcp (urpc serve) and local in one group', function () {
  this.timeout(120_000);
  let dir: string;
  let socat: ChildProcess | undefined;
  let serve: ChildProcess | undefined;
  let tty: string;
  let tcp: string;

  before(async function () {
    if (!onPath('socat')) {
      if (process.env.CI === 'true') throw new Error('socat not found on PATH (apt-get install socat)');
      this.skip();
    }
    await ensureNative();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-group-'));
    tty = path.join(dir, 'tty');
    socat = spawn('socat', [`PTY,link=${tty},rawer,echo=0`, `EXEC:${NATIVE_FIRMWARE}`], { stdio: 'ignore' });
    assert.ok(await until(() => fs.existsSync(tty), 10_000), 'socat made no pty');
    serve = spawn(process.execPath, [URPC, 'serve', 'native', '--listen', '127.0.0.1:0']);
    let out = '';
    serve.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
    assert.ok(await until(() => /\n/.test(out) || serve!.exitCode !== null, 30_000), 'urpc serve did not start');
    const m = /^serving \S+ on (tcp:\S+)\n/.exec(out);
    assert.ok(m, out);
    tcp = m[1]!;
  });
  after(async () => {
    await Promise.all([stop(socat), stop(serve)]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('one session per URI; calls, scatter and allreduce agree across the links; shutdown closes them', async () => {
    const uris = ['native', `serial:${tty}?baud=115200`, tcp, 'local'];
    const g = await connectGroup(uris, { timeoutMs: 20_000 });
    try {
      assert.deepEqual(await g.call('urpc.echo', 'all'), ['all', 'all', 'all', 'all']);
      const infos = await g.call('urpc.info') as string[];
      assert.deepEqual(infos.map((t) => /^board=(.*)$/m.exec(t)?.[1]), ['native', 'native', 'native', 'local']);
      const data = Int32Array.from({ length: 16 }, (_, i) => (i - 8) * 1_000_003);
      const t = g.scatter(data);
      assert.deepEqual(await g.call('urpc.sum', t), [0, 1, 2, 3].map((i) => data.slice(i * 4, i * 4 + 4).reduce((a, x) => a + x, 0)));
      const sum = new Int32Array((await g.allreduce(t, 'sum')).slice().buffer);
      assert.deepEqual(Array.from(sum), [0, 1, 2, 3].map((j) => data[j]! + data[4 + j]! + data[8 + j]! + data[12 + j]!));
      await g.syncAll();
    } finally {
      await g.shutdown();
    }
    // The links were released: the pty opens again, and `urpc serve` (one client at a time)
    // takes a new client at once instead of queueing it behind ours.
    const again = await connectGroup([`serial:${tty}?baud=115200`, tcp], { timeoutMs: 10_000, startTimeoutMs: 10_000 });
    try {
      assert.deepEqual(await again.call('urpc.echo', 2), [2, 2]);
    } finally {
      await again.shutdown();
    }
    assert.equal(serve!.exitCode, null);
  });
});
