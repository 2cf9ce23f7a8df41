// libFuzzer on the generated C of the three fuzz targets (test/fuzz/targets), bounded for CI:
// every committed input (seed corpus and crash regressions) replays clean, then each target is
// fuzzed for FUZZ_CI_SECONDS (12 s; about 50 s for the three with corpus loading) from a scratch
// copy of that corpus, and any crash, sanitizer report, timeout or OOM fails. The long runs are
// `npm run fuzz`.
//
// Needs clang with the libFuzzer runtime (libclang-rt-14-dev, installed by scripts/setup.sh).
// Without it the suite is skipped locally, but fails under CI=true: CI must fuzz.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildFuzzer, committedInputs, haveLibFuzzer, TARGETS, type FuzzBuild, type Target } from './build.ts';
import { runLibFuzzer, replayC, formatTable, type LibFuzzerStats } from './run.ts';
import { REPO } from '../../host/repo.ts';

const SECONDS = Number(process.env.FUZZ_CI_SECONDS ?? 12);

describe('fuzz: libFuzzer on the generated C (clang, ASan+UBSan)', function () {
  this.timeout(300_000);
  const builds = new Map<Target, FuzzBuild>();
  const stats: LibFuzzerStats[] = [];
  let scratch = '';

  before(async function () {
    if (!(await haveLibFuzzer())) {
      if (process.env.CI === 'true') assert.fail('clang with the libFuzzer runtime is missing (install clang and libclang-rt-14-dev: scripts/setup.sh)');
      this.skip();
    }
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-fuzz-ci-'));
    for (const t of TARGETS) builds.set(t, await buildFuzzer(t));
  });

  after(() => {
    if (scratch !== '') fs.rmSync(scratch, { recursive: true, force: true });
    if (stats.length > 0) for (const l of formatTable(stats)) console.log(`      ${l}`);
  });

  for (const t of TARGETS) {
    it(`${t}: every committed input (corpus and regressions) replays without a finding`, async () => {
      const files = committedInputs(t);
      assert.ok(files.length > 0, `no committed inputs for ${t}`);
      const bad = await replayC(builds.get(t)!, files);
      assert.deepEqual(bad, []);
    });
  }

  for (const t of TARGETS) {
    it(`${t}: ${SECONDS} s of fuzzing: 0 crashes, 0 sanitizer reports, 0 timeouts`, async () => {
      const s = await runLibFuzzer(builds.get(t)!, {
        seconds: SECONDS,
        timeout: 10,
        corpus: path.join(scratch, t, 'corpus'),
        artifacts: path.join(REPO, 'build', 'fuzz', t, 'ci-artifacts'),
      });
      stats.push(s);
      const what = `${t}: ${JSON.stringify(s)}`;
      assert.equal(s.crashes, 0, `crash: ${s.finding} (input kept in ${s.artifact ?? '?'}, log in its folder)\n${what}`);
      assert.equal(s.sanitizerReports, 0, what);
      assert.equal(s.timeouts, 0, what);
      assert.equal(s.ooms, 0, what);
      assert.ok(s.executions >= 1000, `only ${s.executions} executions: ${what}`);
    });
  }
});
