// The urpc command as a user runs it: a real subprocess, its exit code, stdout and stderr.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, buildDir } from '../codegen/helpers.ts';

function urpc(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin/urpc.js'), ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('cli: urpc ts2c / difftest', function () {
  this.timeout(180_000);

  it('ts2c writes the C of a module and its imports, exit 0', () => {
    const out = buildDir('cli-ts2c');
    const r = urpc('ts2c', 'firmware/framing/framer.ts', '-o', out, '--report');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /wrote \d+ files/);
    assert.match(r.out, /^framer\s+\d+\s+\d+/m);
    for (const f of ['framer.c', 'framer.h', 'crc16.c', 'errors.h', 'fw_rt.h']) assert.ok(fs.existsSync(path.join(out, f)), f);
  });

  it('ts2c on code outside FwTS prints the diagnostics, writes nothing, exit 1', () => {
    const out = buildDir('cli-ts2c-bad');
    const r = urpc('ts2c', 'test/codegen/reject/integers.ts', '-o', out);
    assert.equal(r.code, 1);
    assert.match(r.err, /integers\.ts:7:7 - error FW2003:/);
    assert.match(r.err, /fix: /);
    assert.deepEqual(fs.readdirSync(out), []);
  });

  it('difftest --json gives {cases, mismatches, sanitizer_reports}', () => {
    const r = urpc('difftest', 'test/codegen/fixtures/sample.ts', '--cases', '20', '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { cases: number; mismatches: number; sanitizer_reports: number };
    assert.ok(j.cases >= 20);
    assert.equal(j.mismatches, 0);
    assert.equal(j.sanitizer_reports, 0);
  });

  it('bad usage exits 2 with a message that says what was wrong', () => {
    const r = urpc('difftest', 'test/codegen/fixtures/sample.ts', '--cases', 'many');
    assert.equal(r.code, 2);
    assert.match(r.err, /expected a positive integer, got 'many'/);
    assert.equal(urpc('no-such-command').code, 2);
  });

  it('--help lists the commands with examples', () => {
    const r = urpc('--help');
    assert.equal(r.code, 0);
    for (const c of ['ts2c', 'difftest', 'fuzz-codegen', 'demo']) assert.match(r.out, new RegExp(`\\b${c}\\b`));
    assert.match(urpc('ts2c', '--help').out, /Examples:/);
  });
});
