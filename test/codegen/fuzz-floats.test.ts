// A fixed-seed slice of `urpc fuzz-codegen --floats` (issue 17 item 4): random programs with f32
// and f64 values, operations, conversions, helpers and floats decoded from the case bytes must
// pass the checker, build warning-free under the strict flags, and agree with Node bit for bit on
// gcc and clang at -O0/-O2 under ASan/UBSan; between them they contain every float feature.
// (Cortex-M4F and M0+: test/diff/qemu-targets.test.ts.) About 2-4 minutes on 2 cores.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { fuzzCodegen } from '../../codegen/src/fuzz/index.ts';
import { FLOAT_FEATURES } from '../../codegen/src/fuzz/gen-floats.ts';
import { REPO } from './helpers.ts';
import { FAST_TIER } from '../tier.ts';

// The fast tier (test/tier.ts) runs 10 of the 40; the feature check needs all 40 (and
// test/codegen/fuzz-coverage.test.ts checks every float feature over 300 generated programs).
const PROGRAMS = Number(process.env.URPC_FUZZ_FLOAT_SLICE ?? (FAST_TIER ? 10 : 40));

describe('codegen: fuzz-codegen --floats slice', function () {
  this.timeout(20 * 60_000);
  it(`${PROGRAMS} float programs (seed 717000${PROGRAMS < 40 ? ', fast tier' : ''}): 0 mismatches, 0 sanitizer reports, 0 rejections, 0 strict-build failures`, async () => {
    const r = await fuzzCodegen({
      programs: PROGRAMS, seed: 717000, casesPerProgram: 24, shrink: false, regressionsDir: null, gen: { floats: true },
      workDir: path.join(REPO, 'build', 'test', 'fuzz-floats'),
    });
    assert.deepEqual(r.rejections.map((x) => x.diagnostics), []);
    assert.deepEqual(r.signatures, {});
    assert.deepEqual(r.findings, []);
    assert.equal(r.mismatches + r.sanitizer_reports + r.transpiler_crashes + r.unrun, 0);
    assert.deepEqual(r.warnings, {}, JSON.stringify(r.warning_examples, null, 1));
    if (PROGRAMS >= 40) {
      const missing = Object.keys(FLOAT_FEATURES).filter((f) => !(r.coverage.features[f]! > 0));
      assert.deepEqual(missing, []);
    }
  });
});
