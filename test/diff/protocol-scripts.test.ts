// Node vs C for each protocol module driven by command scripts (test/diff/protocol/*_script.ts):
// every script's transcript must be identical in Node and in the C built with gcc -O0 and
// clang -O2 under ASan/UBSan, warning-free under -Werror. CI runs 1500 scripts per module; the
// issue-3 acceptance run used 100,000 per module (node bin/urpc.js difftest <driver> --cases N).
import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { difftest, formatDifftest, type Compiler, type OptLevel } from '../../codegen/src/difftest/index.ts';
import { FAST_TIER } from '../tier.ts';

const SCRIPTS = 1500;
// The fast tier (test/tier.ts) builds with gcc -O0 only.
const BUILDS: readonly (readonly [Compiler, OptLevel])[] = FAST_TIER ? [['gcc', '-O0']] : [['gcc', '-O0'], ['clang', '-O2']];

describe('protocol modules: command scripts, Node vs C', function () {
  this.timeout(120_000);
  for (const mod of ['framer', 'unframer', 'session', 'page_allocator', 'compact']) {
    it(`${mod}: ${SCRIPTS} scripts give identical transcripts (${BUILDS.map((b) => b.join(' ')).join(', ')})`, async () => {
      const file = fileURLToPath(new URL(`./protocol/${mod}_script.ts`, import.meta.url));
      for (const [compiler, opt] of BUILDS) {
        const r = await difftest(file, { cases: SCRIPTS, seed: 0x3c, outSize: 512, compilers: [compiler], optLevels: [opt] });
        assert.ok(r.transpile_ok, r.diagnostics);
        assert.ok(r.ok, formatDifftest(r));
        assert.ok(r.configs.length === 1 && r.configs.every((c) => c.built && c.relaxed !== true), formatDifftest(r));
        assert.ok(r.cases >= SCRIPTS);
      }
    });
  }
});
