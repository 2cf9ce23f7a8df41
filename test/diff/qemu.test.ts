// Three-way difftest: the corpus (test/diff/corpus/) and a fixed slice of fuzz-codegen programs
// cross-compiled for Cortex-M3 (arm-none-eabi-gcc, picolibc over semihosting) and run in QEMU
// (lm3s6965evb) against Node, with the same 2,000 + edge cases as the host builds; mismatches are
// reported as on the host. The harness's own check: a planted bug in a hand-written C twin and a
// hard fault are caught on the target.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { difftestCorpus, formatCorpus, type CorpusResult } from '../../codegen/src/difftest/corpus.ts';
import { writeFiles } from '../../codegen/src/difftest/cdriver.ts';
import { runDiffBatch, makeInputs } from '../../codegen/src/difftest/index.ts';
import { parseQemuTarget, qemuConfigs } from '../../codegen/src/difftest/qemu.ts';
import { generateProgram } from '../../codegen/src/fuzz/index.ts';
import { checkModule, corpusFiles } from './corpus-check.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LM3S = qemuConfigs(parseQemuTarget('qemu:lm3s6965evb'), ['-O2']);
const FUZZ_SEEDS = Array.from({ length: 12 }, (_, k) => 9100 + k);
// sample.ts logs on 3-byte inputs, panics on a leading 0xee and on the empty input (division by
// zero); the planted fault fires on 5-byte inputs (case 3 first).
const INPUTS = [new Uint8Array([1, 2, 3]), new Uint8Array([0xee, 1]), new Uint8Array(0), new Uint8Array([9, 9, 9, 9, 9]), ...makeInputs(30, 3)];

describe('difftest on Cortex-M3 in QEMU (lm3s6965evb): the harness', function () {
  this.timeout(300_000);
  const work = path.join(REPO, 'build', `test-qemu-harness-${process.pid}`);
  const fx = (f: string): string => path.join(REPO, 'test', 'diff', 'fixtures', f);
  const twin = (patch: (c: string) => string): Map<string, string> =>
    new Map([
      ['sample.h', readFileSync(fx('sample.h'), 'utf8')],
      ['sample.c', patch(readFileSync(fx('sample.c'), 'utf8'))],
      ['fw_rt.h', readFileSync(path.join(REPO, 'codegen', 'runtime', 'fw_rt.h'), 'utf8')],
    ]);
  const runTwin = async (name: string, patch: (c: string) => string) => {
    const dir = path.join(work, name);
    mkdirSync(dir, { recursive: true });
    writeFiles(dir, twin(patch));
    return runDiffBatch(dir, [{ tsPath: fx('sample.ts'), prefix: 'sample' }], INPUTS, { outSize: 256, configs: LM3S });
  };
  after(() => rmSync(work, { recursive: true, force: true }));

  it('the faithful twin agrees with Node, logs and panics included', async () => {
    const r = await runTwin('faithful', (c) => c);
    assert.equal(r.configs[0]!.config, 'qemu:lm3s6965evb-O2');
    assert.equal(r.buildFailures.length, 0, r.buildFailures[0]?.log);
    const m = r.modules[0]!;
    assert.deepEqual(m.mismatches, []);
    assert.deepEqual(m.sanitizer, []);
    assert.ok(m.node.cases.some((c) => c.status === 1) && m.node.cases.some((c) => c.logs.length > 0));
  });

  it('catches lost module state on the target', async () => {
    const r = await runTwin('nostate', (c) => `#define BUG_NO_STATE\n${c}`);
    assert.ok(r.modules[0]!.mismatchCases.length > 10, JSON.stringify(r.modules[0]!.mismatches[0]));
    assert.deepEqual(r.modules[0]!.mismatches[0]!.differs, ['output']);
  });

  it('reports a hard fault with the case where the target died', async () => {
    const r = await runTwin('fault', (c) => c.replace('  return 8u;\n}', '  if (input.len == 5u) ((void (*)(void))(uintptr_t)0xE0000001u)();\n  return 8u;\n}'));
    const m = r.modules[0]!;
    assert.equal(m.sanitizer.length, 1);
    assert.match(m.sanitizer[0]!.text, /ARM fault/);
    assert.equal(m.mismatches[0]!.c, null); // the first case of length 5 has no record
    assert.equal(m.mismatches[0]!.case, 3);
  });
});

/** Run the CLI without blocking the event loop (mocha's timeout must stay live). */
function urpc(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'urpc.js'), ...args], { cwd: REPO });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('urpc difftest --target', function () {
  this.timeout(300_000);
  it('host,qemu:lm3s6965evb: Node vs the four host builds and the Cortex-M3 build', async () => {
    const r = await urpc(['difftest', 'test/diff/fixtures/sample.ts', '--cases', '20', '--target', 'host,qemu:lm3s6965evb', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const j = JSON.parse(r.stdout) as CorpusResult;
    assert.deepEqual(
      j.configs.map((c) => c.config),
      ['gcc-O0', 'gcc-O2', 'clang-O0', 'clang-O2', 'qemu:lm3s6965evb-O2'],
    );
    assert.equal(j.modules.length, 1);
    assert.equal(j.modules[0]!.ok, true);
    assert.equal(j.cases, 20 + 13);
  });
  it('an unknown target is a clear error before any work', async () => {
    const r = await urpc(['difftest', 'test/diff/fixtures/sample.ts', '--target', 'qemu:nosuchboard']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown difftest target 'qemu:nosuchboard': use host or qemu:lm3s6965evb/);
  });
});

describe('difftest on Cortex-M3 in QEMU (lm3s6965evb): the corpus and a fuzz slice, three-way', function () {
  this.timeout(1_800_000);
  const files = corpusFiles();
  const work = path.join(REPO, 'build', `test-qemu-corpus-${process.pid}`);
  const fuzzDir = path.join(work, 'fuzz');
  const fuzzFiles = FUZZ_SEEDS.map((s) => path.join(fuzzDir, `p_${s}.ts`));
  let r: CorpusResult;

  before(async function () {
    this.timeout(1_800_000);
    mkdirSync(fuzzDir, { recursive: true });
    const prelude = path.relative(fuzzDir, path.join(REPO, 'firmware', 'lib', 'prelude.ts')).split(path.sep).join('/');
    FUZZ_SEEDS.forEach((s, k) => writeFileSync(fuzzFiles[k]!, generateProgram(s, { preludeImport: prelude, tag: String(s) })));
    r = await difftestCorpus([...files, ...fuzzFiles], { cases: 2000, seed: 1, targets: ['qemu:lm3s6965evb'], qemuOptLevels: ['-O2'], workDir: path.join(work, 'c') });
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
    if (r) console.log(`      qemu: ${r.modules.length} modules x ${r.cases} cases in ${(r.ms / 1000).toFixed(1)} s; ${r.configs.map((c) => `${c.config} build ${c.build_ms} ms run ${c.run_ms} ms`).join(', ')}`);
  });

  it('one Cortex-M3 build runs every case of every module in one QEMU boot', () => {
    assert.deepEqual(
      r.configs.map((c) => c.config),
      ['qemu:lm3s6965evb-O2'],
    );
    assert.equal(r.configs[0]!.exit, undefined, formatCorpus(r));
  });

  for (const f of files) {
    it(`corpus ${path.basename(f)}`, function () {
      checkModule(this, r, f);
    });
  }

  it(`fuzz-codegen programs of seeds ${FUZZ_SEEDS[0]}..${FUZZ_SEEDS[FUZZ_SEEDS.length - 1]}`, () => {
    const bad = r.modules.filter((m) => fuzzFiles.includes(m.module) && !m.ok);
    assert.deepEqual(bad.map((m) => path.basename(m.module)), [], formatCorpus({ ...r, modules: bad }));
  });
});
