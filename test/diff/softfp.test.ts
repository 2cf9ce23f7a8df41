// f64 add/sub on Cortex-M (host/board/softfp.ts): libgcc-dsub-m3.c, built the way the difftest
// QEMU targets build (buildQemuBinary), prints Node's c3dfffffffe00000 on Cortex-M3 and M4F,
// where the same source linked against plain libgcc prints c3dfffffffe00001 (v7-m assembler).
// An image without f64 add/sub links nothing of the archive.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../codegen/src/difftest/cdriver.ts';
import { buildQemuBinary, parseQemuTarget, qemuFlags, QEMU_BINARY, QEMU_COMPILER } from '../../codegen/src/difftest/qemu.ts';
import { softfpArchive, softfpLinkFlags } from '../../host/board/softfp.ts';
import { floatRoutines } from '../../bench/float-size.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const REPRO = path.join(REPO, 'test', 'diff', 'toolchain', 'libgcc-dsub-m3.c');
const NODE = ((): string => {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, -(2 ** 63) - -(2 ** 31 - 1));
  return b.getBigUint64(0).toString(16);
})();

/** The repro's output in QEMU (its semihosting console is QEMU's stderr, beside QEMU's own lines). */
async function runElf(machine: string, elf: string): Promise<string> {
  const r = await run(QEMU_BINARY, ['-M', machine, '-display', 'none', '-monitor', 'none', '-serial', 'null', '-semihosting-config', 'enable=on,target=native', '-kernel', elf], null, 60_000);
  assert.ok(!r.timedOut && r.code === 0, `${machine}: ${r.code} ${r.stderr}`);
  return `${r.stdout.toString('utf8')}\n${r.stderr}`.split('\n').filter((l) => /^[0-9a-f]{16}$/.test(l)).join(',');
}

describe('f64 add/sub from the v6-m C soft-fp on Cortex-M (softfp.ts)', function () {
  this.timeout(300_000);
  const work = path.join(REPO, 'build', `test-softfp-${process.pid}`);
  before(() => mkdirSync(work, { recursive: true }));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('Node gives c3dfffffffe00000', () => assert.equal(NODE, 'c3dfffffffe00000'));

  for (const machine of ['lm3s6965evb', 'mps2-an386']) {
    it(`the repro built by buildQemuBinary prints Node's bits on qemu:${machine}`, async () => {
      const dir = path.join(work, machine);
      mkdirSync(dir, { recursive: true });
      copyFileSync(REPRO, path.join(dir, 'repro.c'));
      const b = await buildQemuBinary(dir, ['repro.c'], { compiler: QEMU_COMPILER, opt: '-O2', target: `qemu:${machine}` });
      assert.ok(b.ok, b.log);
      assert.equal(await runElf(machine, b.binary), NODE);
      // The bench's float runtime counts the wrapped routine (bench/float-size.ts).
      assert.ok((await floatRoutines(b.binary)).routines.some((r) => r.name === '__wrap___aeabi_dsub'));
    });
  }

  it('without the archive the same repro shows the defect (what the test above tells apart)', async function () {
    const t = parseQemuTarget('qemu:lm3s6965evb');
    const elf = path.join(work, 'plain.elf');
    const r = await run(QEMU_COMPILER, [...qemuFlags(t), '-O2', REPRO, '-o', elf], null, 120_000);
    assert.equal(r.code, 0, r.stderr);
    const got = await runElf(t.machine, elf);
    // A later libgcc may have fixed its assembler: then the archive is only a safeguard.
    if (got === NODE) this.skip();
    assert.equal(got, 'c3dfffffffe00001');
  });

  it('an image that adds no doubles links nothing of it (0 bytes)', async () => {
    const src = path.join(work, 'int.c');
    writeFileSync(src, 'volatile int a = 3;\nint main(void) { return a * 7; }\n');
    const flags = qemuFlags(parseQemuTarget('qemu:lm3s6965evb')).filter((f) => f !== '-DDIFFTEST_FILES');
    const text = async (extra: readonly string[], name: string): Promise<number> => {
      const elf = path.join(work, name);
      const r = await run(QEMU_COMPILER, [...flags, '-O2', src, ...extra, '-o', elf], null, 120_000);
      assert.equal(r.code, 0, r.stderr);
      const s = await run('arm-none-eabi-size', ['-A', elf], null, 60_000);
      const m = /^\.text\s+(\d+)/m.exec(s.stdout.toString('utf8'));
      assert.ok(m, s.stdout.toString('utf8'));
      return Number(m[1]);
    };
    assert.equal(await text(await softfpLinkFlags(QEMU_COMPILER), 'int-w.elf'), await text([], 'int.elf'));
  });

  it('a missing compiler is a clear error', async () => {
    await assert.rejects(softfpArchive('arm-none-eabi-gcc-nonexistent', work), /softfp: arm-none-eabi-gcc-nonexistent .*failed/);
  });
});
