// `urpc call` as a user runs it: a subprocess against the native firmware and in-process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureNative } from './helpers.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));
function urpc(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [URPC, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('urpc call (subprocess)', function () {
  this.timeout(120_000);
  before(async () => {
    await ensureNative();
  });

  it('echo on native prints each value', () => {
    const r = urpc('call', 'native', 'urpc.echo', '1', '2.5', '"text"', 'true', 'null', 'plain');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '1\n2.5\ntext\ntrue\nnull\nplain\n');
  });
  it('--json: result, args, timing and the device logs of the call', () => {
    const r = urpc('call', 'native', 'log', '7', '-8', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { function: string; result: unknown; args: unknown[]; ms: number; logs: string[] };
    assert.equal(j.function, 'log');
    assert.deepEqual(j.args, [7, -8]);
    assert.equal(j.result, null);
    assert.ok(j.ms > 0);
    assert.ok(j.logs.includes('urpc.log 7 -8'), JSON.stringify(j.logs));
  });
  it('info on native and local', () => {
    for (const uri of ['native', 'local']) {
      const r = urpc('call', uri, 'urpc.info');
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`^urpc=0\\.1\\.0\\nwire=microtvm-0\\.13\\nboard=${uri}\\n`));
    }
  });
  it('exit 1 with the device text on an exception or a missing function; 2 for a missing serial device', () => {
    const e = urpc('call', 'native', 'urpc.sum', '3');
    assert.equal(e.code, 1);
    assert.match(e.err, /urpc\.sum: device error: argument 0: type code 0, expected 7/);
    const m = urpc('call', 'native', 'no.such');
    assert.equal(m.code, 1);
    assert.match(m.err, /has no function 'no.such'/);
    const u = urpc('call', 'serial:/dev/ttyNOPE0', 'echo');
    assert.equal(u.code, 2);
    assert.match(u.err, /serial:\/dev\/ttyNOPE0: no such device '\/dev\/ttyNOPE0'/);
    const r = urpc('call', 'tcp:127.0.0.1:9', 'echo');
    assert.equal(r.code, 2);
    assert.match(r.err, /tcp:127\.0\.0\.1:9: nothing is listening there \(connection refused\)/);
  });
});
