// Issue 17 item 5: the kernel example (examples/kernels: int8 dense layer, float32 dense + bias +
// ReLU, biquad filter) on LocalSession, the native firmware and the lm3s6965evb firmware
// (soft-float Cortex-M3) in QEMU: every device result equals the JavaScript reference
// (examples/kernels/reference.ts) byte for byte, and wrong tensors are refused.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { connect } from '../../host/client/connect.ts';
import { loadApp } from '../../host/app/load.ts';
import { REPO } from '../../host/repo.ts';
import { requireTools, QEMU_TOOLS } from '../qemu/helpers.ts';
import { checkKernels, type KernelSession } from '../../examples/kernels/check.ts';
import type { AppFunctions } from '../../examples/kernels/app/app.d.ts';
import { appBuild } from './helpers.ts';

const KERNELS = path.join(REPO, 'examples/kernels/app');

function suite(kind: string, open: (ctx: Mocha.Context) => Promise<KernelSession>): void {
  describe(`kernel example: ${kind}`, function () {
    this.timeout(300_000);
    let s: KernelSession;
    before(async function () {
      s = await open(this);
    });
    after(async () => {
      await s?.close();
    });
    it('int8-quantised dense layer, requantisation, float32 dense + bias + ReLU and a biquad filter equal the reference bit for bit', async () => {
      const r = await checkKernels(s, { seed: 0x5eed, cases: 12 });
      assert.ok(r.requantize > 250 && r.denseQ8 >= 14 && r.denseF32 === 12 && r.biquadF32 === 600, JSON.stringify(r));
    });
  });
}

suite('LocalSession', async () => connect<AppFunctions>('local', { app: await loadApp(KERNELS) }));
suite('native', async () => connect<AppFunctions>(`native:${await appBuild('native', KERNELS, 'kernels')}`));
suite('qemu:lm3s6965evb', async (ctx) => {
  requireTools(ctx, QEMU_TOOLS);
  return connect<AppFunctions>(`qemu:lm3s6965evb?elf=${await appBuild('qemu-lm3s6965evb', KERNELS, 'kernels')}`);
});
