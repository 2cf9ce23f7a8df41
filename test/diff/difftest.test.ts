// The Node-vs-C harness itself: a hand-written C twin of fixtures/sample.ts (to the transpiler's
// naming contract) must agree with Node, and planted C bugs must be caught.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { difftest, formatDifftest, makeInputs } from '../../codegen/src/difftest/index.ts';

const fx = (f: string): string => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url));
const SAMPLE = fx('sample.ts');

function handC(define?: string, extra = ''): Map<string, string> {
  const files = new Map<string, string>();
  files.set('sample.h', readFileSync(fx('sample.h'), 'utf8'));
  files.set('sample.c', (define ? `#define ${define}\n` : '') + readFileSync(fx('sample.c'), 'utf8') + extra);
  files.set('fw_rt.h', readFileSync(new URL('../../codegen/runtime/fw_rt.h', import.meta.url), 'utf8'));
  return files;
}

describe('difftest harness (hand-written C)', function () {
  this.timeout(120_000);

  it('inputs are deterministic and include the edge cases', () => {
    const a = makeInputs(50, 3);
    const b = makeInputs(50, 3);
    assert.deepEqual(a, b);
    assert.notDeepEqual(makeInputs(50, 4), a);
    assert.ok(a.some((x) => x.length === 0));
    assert.ok(a.some((x) => x.length === 256 && x.every((v) => v === 0xff)));
    assert.ok(a.some((x) => x.length > 100));
  });

  it('agrees with Node on the faithful twin (gcc and clang, -O0 and -O2)', async () => {
    const r = await difftest(SAMPLE, { cases: 120, seed: 11, c: { files: handC(), prefix: 'sample' } });
    assert.equal(r.configs.length, 4);
    assert.ok(r.ok, formatDifftest(r));
    assert.equal(r.cases, 120 + 13);
  });

  it('catches lost module state (state persists across cases in both worlds)', async () => {
    const r = await difftest(SAMPLE, { cases: 30, seed: 1, compilers: ['gcc'], optLevels: ['-O0'], c: { files: handC('BUG_NO_STATE'), prefix: 'sample' } });
    assert.equal(r.ok, false);
    assert.ok(r.mismatches > 10, formatDifftest(r));
    const m = r.first_mismatch!;
    assert.deepEqual(m.differs, ['output']);
    assert.equal(m.first_diff_byte, 6);
  });

  it('reports sanitizer output and the case where C died', async () => {
    const r = await difftest(SAMPLE, { cases: 5, seed: 2, compilers: ['clang'], optLevels: ['-O2'], c: { files: handC('BUG_OOB_READ'), prefix: 'sample' } });
    assert.equal(r.sanitizer_reports, 1);
    assert.match(r.sanitizer_excerpt ?? '', /AddressSanitizer: heap-buffer-overflow/);
    assert.equal(r.first_mismatch?.c, null);
  });

  it('a -Wconversion warning in the C is a build failure', async () => {
    const r = await difftest(SAMPLE, {
      cases: 2,
      compilers: ['gcc'],
      optLevels: ['-O0'],
      c: { files: handC(undefined, 'uint8_t sample_narrow(uint32_t x);\nuint8_t sample_narrow(uint32_t x) { return x; }\n'), prefix: 'sample' },
    });
    assert.equal(r.build_failures, 1);
    assert.match(r.configs[0]!.log ?? '', /Wconversion/);
  });

  it('panic codes, partial writes before a panic and log lines are compared', async () => {
    const inputs = [new Uint8Array([0xee, 1, 2]), new Uint8Array(0), new Uint8Array(250), new Uint8Array([1, 2, 3])];
    const r = await difftest(SAMPLE, { inputs, compilers: ['gcc'], optLevels: ['-O2'], c: { files: handC(), prefix: 'sample' }, allMismatches: true });
    assert.ok(r.ok, formatDifftest(r));
    // A C twin that panics with another code must be caught.
    const files = handC();
    files.set('sample.c', files.get('sample.c')!.replace('fw_panic(0x123u)', 'fw_panic(0x124u)'));
    const bad = await difftest(SAMPLE, { inputs, compilers: ['gcc'], optLevels: ['-O2'], c: { files, prefix: 'sample' } });
    assert.equal(bad.mismatches, 1);
    assert.deepEqual(bad.first_mismatch!.differs, ['value']);
    const files2 = handC();
    files2.set('sample.c', files2.get('sample.c')!.replace('fw_platform_log("three"', 'fw_platform_log("thr3e"'));
    const bad2 = await difftest(SAMPLE, { inputs, compilers: ['gcc'], optLevels: ['-O2'], c: { files: files2, prefix: 'sample' } });
    assert.equal(bad2.mismatches, 2); // case 0 logs before its panic, case 3 logs
    assert.deepEqual(bad2.first_mismatch!.differs, ['logs']);
  });
});

describe('difftest with the real transpiler', function () {
  this.timeout(300_000);
  it('fixtures/sample.ts: Node and C agree', async function () {
    const r = await difftest(SAMPLE, { cases: 200, seed: 5 });
    assert.ok(r.ok, formatDifftest(r));
  });
});
