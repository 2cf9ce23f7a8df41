// The fuzz targets in Node: the same FwTS harnesses (test/fuzz/targets) that libFuzzer runs as C,
// here under fast-check with raw, mutated and structured inputs (arbitraries.ts: RPC requests
// built with the host client's packet builders). Also: every committed input (seed corpus and
// crash regressions) replays clean in Node, and Node and the C build (gcc, ASan+UBSan) give
// identical results on all of them (difftest: return value and the 64-byte summary, which holds
// a CRC of everything the device wrote).
//
// A failure prints the input in hex: save it as test/fuzz/regressions/<target>/<name> once fixed.
// FUZZ_SEED=<n> repeats a run; FUZZ_NODE_RUNS=<n> changes the count (default 300 per target).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { committedInputs, harnessPath, TARGETS } from './build.ts';
import { nodeFuzz, runOne } from './node.ts';
import { difftest, formatDifftest } from '../../codegen/src/difftest/index.ts';
import { REPO } from '../../host/repo.ts';

const RUNS = Number(process.env.FUZZ_NODE_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() % 0x7fffffff;

describe('fuzz: the harnesses in Node (fast-check)', function () {
  this.timeout(120_000);
  for (const t of TARGETS) {
    it(`${t}: every committed input replays without a finding`, async () => {
      const bad: string[] = [];
      for (const f of committedInputs(t)) {
        const why = await runOne(t, new Uint8Array(fs.readFileSync(f)));
        if (why !== undefined) bad.push(`${path.relative(REPO, f)}: ${why}`);
      }
      assert.deepEqual(bad, []);
    });
    it(`${t}: ${RUNS} raw, mutated and structured inputs keep every invariant`, async () => {
      const r = await nodeFuzz(t, { runs: RUNS, seed: SEED });
      assert.ok(!r.failed, `${t}: ${r.failure} (FUZZ_SEED=${r.seed})\ninput: ${r.counterexample ? Buffer.from(r.counterexample).toString('hex') : '?'}`);
      assert.equal(r.runs, RUNS);
    });
  }
});

describe('fuzz: Node and C agree on every committed input', function () {
  this.timeout(300_000);
  for (const t of TARGETS) {
    it(`${t}: identical results (gcc -O1, ASan+UBSan)`, async () => {
      const inputs = committedInputs(t).map((f) => new Uint8Array(fs.readFileSync(f)));
      const r = await difftest(harnessPath(t), { inputs, outSize: 64, compilers: ['gcc'], optLevels: ['-O1'] });
      assert.ok(r.transpile_ok, r.diagnostics);
      assert.ok(r.ok, formatDifftest(r));
      assert.equal(r.cases, inputs.length);
    });
  }
});
