// Killing `urpc call qemu:lm3s6965evb ...` (SIGINT, SIGTERM, SIGKILL to the node process) in the
// middle of a call leaves no qemu-system-arm running (host/transport/child.ts ties QEMU to the
// process that started it, SIGKILL included).
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { killCliWithChild } from '../cli/processes.ts';
import { QEMU_TOOLS, requireTools, ensureBoard } from './helpers.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

describe('urpc call qemu:lm3s6965evb: killing the CLI ends QEMU', function () {
  this.timeout(120_000);
  before(async function () {
    if (process.platform !== 'linux') this.skip();
    requireTools(this, QEMU_TOOLS);
    await ensureBoard('qemu-lm3s6965evb');
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} during urpc.sleep: no QEMU is left`, async () => {
      // 1.5 s after QEMU appears the session is open and the 60 s sleep is running on the board.
      const r = await killCliWithChild(URPC, ['call', 'qemu:lm3s6965evb', 'urpc.sleep', '60000', '--timeout', '90000'], 'qemu-system-arm', signal, 1500);
      assert.equal(r.leftRunning, false, `QEMU ${r.child} still ran 5 s after the CLI got ${signal}`);
    });
  }
});
