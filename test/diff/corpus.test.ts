// The corpus of realistic firmware modules (test/diff/corpus/): every module difftested against
// Node with 2,000 random cases plus the edge cases, on gcc and clang at -O0 and -O2 with
// ASan+UBSan. All modules are linked into one binary per configuration and every case runs in
// that one process (four C builds in all). Known failures are pending (corpus-known.ts).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { difftestCorpus, type CorpusResult } from '../../codegen/src/difftest/corpus.ts';
import { checkModule, corpusFiles, KNOWN_FAILING } from './corpus-check.ts';
import { FAST_TIER } from '../tier.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

// The fast tier runs every module on one of the four builds (clang -O2, ASan+UBSan: where
// optimisation meets undefined behaviour) with a tenth of the cases.
const CASES = FAST_TIER ? 200 : 2000;
const CONFIGS = FAST_TIER ? ['clang-O2'] : ['gcc-O0', 'gcc-O2', 'clang-O0', 'clang-O2'];

describe('difftest corpus: realistic firmware modules, Node vs gcc/clang -O0/-O2 (ASan+UBSan)', function () {
  this.timeout(1_800_000);
  const files = corpusFiles();
  const work = path.join(REPO, 'build', `test-corpus-${process.pid}`);
  let r: CorpusResult;

  before(async function () {
    this.timeout(1_800_000);
    r = await difftestCorpus(files, {
      cases: CASES, seed: 1, targets: ['host'], workDir: work,
      ...(FAST_TIER ? { compilers: ['clang'], optLevels: ['-O2'] } as const : {}),
    });
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
    // The cost, for the record (CI time of the corpus).
    if (r) console.log(`      corpus: ${r.modules.length} modules x ${r.cases} cases in ${(r.ms / 1000).toFixed(1)} s; ${r.configs.map((c) => `${c.config} build ${c.build_ms} ms run ${c.run_ms} ms`).join(', ')}`);
  });

  it(`has at least 25 modules, each with ${CASES.toLocaleString('en')} random cases plus the edge cases, on ${FAST_TIER ? 'clang -O2 (fast tier)' : 'four builds'}`, () => {
    assert.ok(files.length >= 25, `${files.length} modules`);
    assert.ok(r.cases >= CASES);
    assert.deepEqual(r.configs.map((c) => c.config), CONFIGS);
  });

  for (const f of files) {
    it(`${path.basename(f)}${KNOWN_FAILING[path.basename(f)] ? ` [known: ${KNOWN_FAILING[path.basename(f)]!.finding}]` : ''}`, function () {
      checkModule(this, r, f);
    });
  }
});
