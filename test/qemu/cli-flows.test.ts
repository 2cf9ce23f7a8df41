// The device commands against QEMU (lm3s6965evb, its UART on a socket), run as a user runs them:
// bench (its bulk fits the board's 44 KiB pool), serve + call through it with a token, logs, and
// open (line mode, stdin from a pipe).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from '../../host/cli/bench.ts';
import { urpcAsync } from '../cli/subprocess.ts';
import { QEMU_TOOLS, requireTools, ensureBoard } from './helpers.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));
const DEV = 'qemu:lm3s6965evb';

describe('urpc device commands on qemu:lm3s6965evb (subprocess)', function () {
  this.timeout(120_000);
  before(async function () {
    requireTools(this, QEMU_TOOLS);
    await ensureBoard('qemu-lm3s6965evb');
  });

  it('bench --json: the bulk size is cut to the free tensor memory', async () => {
    const r = await urpcAsync(['bench', DEV, '--json', '--count', '10']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as BenchResult;
    assert.equal(j.echo.length, 6);
    assert.ok(j.bulk.bytes <= 44 * 1024 && j.bulk.bytes >= 32 * 1024, String(j.bulk.bytes));
    assert.ok(j.bulk.toDeviceKiBps > 0 && j.bulk.fromDeviceKiBps > 0);
    assert.equal(j.baseline, null);
  });

  it('serve with a token, then call and logs through it', async () => {
    const p = spawn(process.execPath, [URPC, 'serve', DEV, '--listen', '127.0.0.1:0', '--token', 'qq']);
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    try {
      const t0 = Date.now();
      while (!out.includes('\n')) {
        assert.ok(p.exitCode === null && Date.now() - t0 < 20_000, `serve did not start: ${err}`);
        await new Promise((r) => setTimeout(r, 30));
      }
      const uri = /on (tcp:\S+?)\?token=<token>/.exec(out)![1]!;
      const r = await urpcAsync(['call', `${uri}?token=qq`, 'log', '9', '8', '--json']);
      assert.equal(r.code, 0, r.err);
      assert.ok((JSON.parse(r.out) as { logs: string[] }).logs.includes('urpc.log 9 8'), r.out);
      const i = await urpcAsync(['call', `${uri}?token=qq`, 'urpc.info']);
      assert.match(i.out, /board=qemu-lm3s6965evb/);
      const no = await urpcAsync(['call', uri, 'urpc.info']);
      assert.equal(no.code, 2);
      assert.match(no.err, /refused by the server: token required/);
    } finally {
      p.kill('SIGTERM');
      assert.equal(await new Promise((r) => p.on('close', r)), 0);
    }
  });

  it('logs shows the board\'s session log and stops at --duration; open runs line mode from a pipe', async () => {
    const l = await urpcAsync(['logs', DEV, '--duration', '300', '--json']);
    assert.equal(l.code, 0, l.err);
    // The board logs its session start: a real device log line.
    const lines = l.out.trim().split('\n').map((x) => JSON.parse(x) as { uri: string; text: string });
    assert.ok(lines.some((x) => /^urpc session established: id \d+$/.test(x.text)), l.out);
    assert.ok(lines.every((x) => x.uri === DEV));
    const o = spawn(process.execPath, [URPC, 'open', DEV], { env: { ...process.env, URPC_HISTORY: '/dev/null' } });
    let out = '';
    o.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    o.stdin.end('let a = uint8 [1,2,250]\nsum $a\nlog 1\nquit\n');
    assert.equal(await new Promise((r) => o.on('close', r)), 0);
    assert.match(out, /^connected to qemu:lm3s6965evb: \d+ functions/);
    assert.match(out, /a: uint8 \[3\]\nurpc> 253 {3}\(/);
    assert.match(out, /device: urpc\.log 1/);
  });
});
