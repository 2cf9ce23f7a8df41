// Three-way difftest on two more Cortex-M cores (codegen/src/difftest/qemu.ts): Cortex-M4F with
// its FPU (QEMU mps2-an386, -mfpu=fpv4-sp-d16 -mfloat-abi=hard) and Cortex-M0+ soft-float
// (-mcpu=cortex-m0plus, run on QEMU's micro:bit, a Cortex-M0: the same ARMv6-M instructions).
// The harness's own checks on each (the faithful C twin agrees, a hard fault is reported), the
// floating-point code each build really contains, and small fuzz-codegen slices (integers, then
// floats) on both.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, writeFiles } from '../../codegen/src/difftest/cdriver.ts';
import { makeInputs, runDiffBatch } from '../../codegen/src/difftest/index.ts';
import { parseQemuTarget, qemuConfigs, qemuFlags, QEMU_COMPILER } from '../../codegen/src/difftest/qemu.ts';
import { fuzzCodegen } from '../../codegen/src/fuzz/index.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TARGETS = ['qemu:mps2-an386', 'qemu:microbit'] as const;
const INPUTS = [new Uint8Array([1, 2, 3]), new Uint8Array([0xee, 1]), new Uint8Array(0), new Uint8Array([9, 9, 9, 9, 9]), ...makeInputs(20, 3)];

/** Instructions of an ELF's functions, by name (arm-none-eabi-objdump -d). */
async function disassemble(elf: string): Promise<Map<string, string[]>> {
  const r = await run('arm-none-eabi-objdump', ['-d', elf], null, 60_000);
  assert.equal(r.code, 0, r.stderr);
  const fns = new Map<string, string[]>();
  let cur: string[] = [];
  for (const line of r.stdout.toString().split('\n')) {
    const head = /^[0-9a-f]+ <(.+)>:$/.exec(line);
    if (head) fns.set(head[1]!, (cur = []));
    else {
      // "   8:	ee30 0a20 	vadd.f32	s0, s0, s1": the mnemonic is the third tab-separated field.
      const f = line.split('\t');
      if (f.length >= 3) cur.push(f.slice(2).join(' ').trim());
    }
  }
  return fns;
}

describe('difftest on Cortex-M4F (mps2-an386) and Cortex-M0+ (microbit) in QEMU', function () {
  this.timeout(600_000);
  const work = path.join(REPO, 'build', `test-qemu-targets-${process.pid}`);
  const fx = (f: string): string => path.join(REPO, 'test', 'diff', 'fixtures', f);
  after(() => rmSync(work, { recursive: true, force: true }));

  for (const target of TARGETS) {
    const configs = qemuConfigs(parseQemuTarget(target), ['-O2']);
    const runTwin = async (name: string, patch: (c: string) => string) => {
      const dir = path.join(work, target.replace(':', '-'), name);
      mkdirSync(dir, { recursive: true });
      writeFiles(dir, new Map([
        ['sample.h', readFileSync(fx('sample.h'), 'utf8')],
        ['sample.c', patch(readFileSync(fx('sample.c'), 'utf8'))],
        ['fw_rt.h', readFileSync(path.join(REPO, 'codegen', 'runtime', 'fw_rt.h'), 'utf8')],
      ]));
      return runDiffBatch(dir, [{ tsPath: fx('sample.ts'), prefix: 'sample' }], INPUTS, { outSize: 256, configs });
    };

    it(`${target}: the faithful twin agrees with Node, logs and panics included`, async () => {
      const r = await runTwin('faithful', (c) => c);
      assert.equal(r.buildFailures.length, 0, r.buildFailures[0]?.log);
      assert.equal(r.configs[0]!.config, `${target}-O2`);
      const m = r.modules[0]!;
      assert.deepEqual(m.mismatches, []);
      assert.deepEqual(m.sanitizer, []);
      assert.ok(m.node.cases.some((c) => c.status === 1) && m.node.cases.some((c) => c.logs.length > 0));
    });

    it(`${target}: catches lost module state and reports a hard fault`, async () => {
      const lost = await runTwin('nostate', (c) => `#define BUG_NO_STATE\n${c}`);
      assert.ok(lost.modules[0]!.mismatchCases.length > 5, JSON.stringify(lost.modules[0]!.mismatches[0]));
      const fault = await runTwin('fault', (c) => c.replace('  return 8u;\n}', '  if (input.len == 5u) ((void (*)(void))(uintptr_t)0xE0000001u)();\n  return 8u;\n}'));
      const m = fault.modules[0]!;
      assert.equal(m.sanitizer.length, 1);
      assert.match(m.sanitizer[0]!.text, /ARM fault/);
      assert.equal(m.mismatches[0]!.case, 3);
    });
  }

  it('the M4F image computes f32 in FPU instructions (FPU enabled by the start-up code), the M0+ image in libgcc', async () => {
    const dir = path.join(work, 'fpu');
    mkdirSync(dir, { recursive: true });
    const src = path.join(dir, 'f.c');
    writeFileSync(src, [
      'volatile float a = 1.5f, b = 2.25f; volatile double c = 3.0;',
      'float f32ops(void) { return (a + b) * (a - b) / b; }',
      'double f64ops(void) { return c * c + (double)a; }',
      'int main(void) { return (int)f32ops() + (int)f64ops(); }',
      '',
    ].join('\n'));
    const elf = async (target: string): Promise<Map<string, string[]>> => {
      const out = path.join(dir, `${target.replace(':', '-')}.elf`);
      const r = await run(QEMU_COMPILER, [...qemuFlags(parseQemuTarget(target)).filter((f) => f !== '-DDIFFTEST_FILES'), '-O2', src, '-o', out], null, 120_000);
      assert.equal(r.code, 0, r.stderr);
      return disassemble(out);
    };
    const m4 = await elf('qemu:mps2-an386');
    const f32 = m4.get('f32ops')!.join('\n');
    for (const op of ['vadd.f32', 'vsub.f32', 'vmul.f32', 'vdiv.f32']) assert.ok(f32.includes(op), `${op} not in f32ops:\n${f32}`);
    // fpv4-sp-d16 is single precision: f64 stays in libgcc there too.
    assert.ok(m4.get('f64ops')!.some((i) => /__aeabi_dmul|__aeabi_dadd/.test(i)), m4.get('f64ops')!.join('\n'));
    // picolibc's crt0 for the hard-float multilib sets CPACR (0xE000ED88) CP10/CP11 before main.
    const start = m4.get('_start')!.join('\n');
    assert.ok(start.includes('0xd88') && start.includes('0xf00000') && start.includes('vmsr'), start);
    const m0 = await elf('qemu:microbit');
    const all = [...m0.values()].flat().join('\n');
    assert.ok(!/\sv(add|mul|div|sub|ldr|str|mov|msr)(\.f32|\.f64)?\s/.test(all), 'VFP instruction in the M0+ image');
    assert.ok(m0.get('f32ops')!.some((i) => i.includes('__aeabi_fadd')), m0.get('f32ops')!.join('\n'));
  });

  it('a fuzz-codegen slice on both targets: 0 findings', async () => {
    const r = await fuzzCodegen({
      programs: 12, seed: 626001, casesPerProgram: 16, batch: 12, targets: TARGETS, shrink: false, regressionsDir: null,
      workDir: path.join(work, 'fuzz'),
    });
    assert.deepEqual(r.rejections.map((x) => x.diagnostics), []);
    assert.deepEqual(r.signatures, {});
    assert.deepEqual(r.findings, []);
    assert.equal(r.mismatches + r.sanitizer_reports + r.unrun + r.c_compile_errors, 0);
    assert.ok(r.cases >= 12 * 16);
  });

  it('a fuzz-codegen --floats slice on both targets: 0 findings (f32 in the M4F FPU, f64 and the M0+ in libgcc)', async () => {
    const r = await fuzzCodegen({
      programs: 12, seed: 727001, casesPerProgram: 16, batch: 12, targets: TARGETS, shrink: false, regressionsDir: null, gen: { floats: true },
      workDir: path.join(work, 'fuzz-floats'),
    });
    assert.deepEqual(r.rejections.map((x) => x.diagnostics), []);
    assert.deepEqual(r.signatures, {});
    assert.deepEqual(r.findings, []);
    assert.equal(r.mismatches + r.sanitizer_reports + r.unrun + r.c_compile_errors, 0);
    assert.ok(r.coverage.features['float-f32-op']! > 0 && r.coverage.features['float-decode']! > 0);
  });
});
