// Killing `urpc call native:...` (SIGINT, SIGTERM, SIGKILL to the node process) ends the firmware
// process it started, even one that does not read its stdin (a firmware busy computing never sees
// the EOF of its closed stdin). The QEMU boards: test/qemu/kill-cli.test.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killCliWithChild } from './processes.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

describe('urpc call native: killing the CLI ends the firmware process', function () {
  this.timeout(60_000);
  let dir: string;
  let fw: string;
  before(function () {
    if (process.platform !== 'linux') this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-kill-'));
    // A "firmware" that never reads stdin nor answers: it outlives a closed stdin.
    fw = path.join(dir, 'busy-firmware');
    fs.writeFileSync(fw, '#!/bin/sh\nexec sleep 120\n', { mode: 0o755 });
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    it(`${signal}: no firmware process is left`, async () => {
      const r = await killCliWithChild(URPC, ['call', `native:${fw}`, 'urpc.echo', '1', '--timeout', '60000'], 'sleep', signal);
      assert.equal(r.leftRunning, false, `firmware ${r.child} still ran 5 s after the CLI got ${signal}`);
    });
  }
});
