// Node vs C: the protocol core (framing, session, allocator) transpiled to C99 and built with
// ASan/UBSan must give the same bytes as Node on random inputs (harness: fixtures/protocol_diff.ts).
import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { difftest, formatDifftest } from '../../codegen/src/difftest/index.ts';

const HARNESS = fileURLToPath(new URL('./fixtures/protocol_diff.ts', import.meta.url));

describe('protocol core: Node vs C (difftest)', function () {
  this.timeout(300_000);

  it('framer, unframer, session and page allocator agree byte for byte with their C build', async () => {
    const r = await difftest(HARNESS, { cases: 400, seed: 0x5eed, outSize: 512, compilers: ['gcc'], optLevels: ['-O0', '-O2'] });
    assert.ok(r.transpile_ok, r.diagnostics);
    assert.equal(r.build_failures, 0, formatDifftest(r));
    assert.ok(r.configs.every((c) => c.built && c.relaxed !== true), formatDifftest(r));
    assert.ok(r.ok, formatDifftest(r));
    assert.equal(r.mismatches, 0);
    assert.ok(r.cases >= 400);
  });
});
