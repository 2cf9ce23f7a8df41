// `urpc bench` as a user runs it: subprocesses against the native board (raw baseline over
// native:/bin/cat), over a serial pty (baseline: a pty that echoes), and with a progress bar on a pty.
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_FIRMWARE } from '../../host/transport/process.ts';
import type { BenchResult } from '../../host/cli/bench.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { socatPty, urpcAsync } from './subprocess.ts';
import { requireTools } from '../tools.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

async function ptyTo(dir: string, name: string, exec: string): Promise<{ tty: string; p: ChildProcess }> {
  const tty = path.join(dir, name);
  return { tty, p: await socatPty(tty, exec) };
}

describe('urpc bench (subprocess)', function () {
  this.timeout(120_000);
  before(async () => {
    await ensureNative();
  });

  it('native --json: echo sweep to the packet limit, bulk both ways, raw baseline over native:/bin/cat', async () => {
    const r = await urpcAsync(['bench', 'native', '--json', '--count', '30', '--bulk', '32768']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as BenchResult;
    assert.equal(j.uri, 'native');
    assert.ok(j.maxPacket > 1000);
    assert.deepEqual(j.echo.slice(0, 5).map((e) => e.bytes), [0, 16, 64, 256, 1024]);
    const top = j.echo[j.echo.length - 1]!.bytes;
    assert.ok(top > 1024 && top < j.maxPacket, String(top));
    for (const e of j.echo) assert.ok(e.count === 30 && e.p50Ms > 0 && e.p99Ms >= e.p50Ms, JSON.stringify(e));
    assert.ok(j.bulk.bytes === 32768 && j.bulk.toDeviceKiBps > 0 && j.bulk.fromDeviceKiBps > 0);
    assert.equal(j.baseline?.uri, 'native:/bin/cat');
    assert.equal(j.baseline.echo.length, j.echo.length);
    assert.ok(j.baseline.bulk.echoKiBps > 0);
  });

  it('over a serial pty, with a pty that echoes as the baseline; a table for people', async function () {
    requireTools(this, ['socat']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-bench-'));
    const fw = await ptyTo(dir, 'fw', NATIVE_FIRMWARE);
    const cat = await ptyTo(dir, 'cat', 'cat');
    try {
      const r = await urpcAsync(['bench', `serial:${fw.tty}?baud=115200`, '--count', '20', '--baseline', `serial:${cat.tty}`]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^serial:\S+: max_packet \d+ B, 20 round trips per size\n\n {2}echo payload {3}p50 ms {4}p99 ms {3}\| raw echo p50 {4}p99\n/);
      assert.match(r.out, /\n {9}0 B +\d+\.\d{3} +\d+\.\d{3} +\| +\d+\.\d{3} +\d+\.\d{3}\n/);
      assert.match(r.out, /bulk 65536 B: to device [\d.]+ KiB\/s, from device [\d.]+ KiB\/s\n {2}raw echo baseline \(serial:\S+\): [\d.]+ KiB\/s each way\n$/);
    } finally {
      fw.p.kill('SIGKILL');
      cat.p.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a progress bar on a terminal; exit 2 when it cannot connect', async () => {
    const r = spawnSync('script', ['-qfec', `${process.execPath} ${URPC} bench native --count 50`, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /bench [█░]+ 100% \| raw echo \d+ B/);
    const e = await urpcAsync(['bench', 'tcp:127.0.0.1:9']);
    assert.equal(e.code, 2);
    assert.match(e.err, /urpc bench: tcp:127\.0\.0\.1:9: nothing is listening there/);
  });
});
