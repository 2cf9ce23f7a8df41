// The CLI's side of issue 13 items 6 and 15: reliable mode is the default (compact mode on top of
// it since issue 16; --no-compact stops at reliable mode, --plain asks for plain mode), and `urpc call --timeout` is one end-to-end budget named in the error.
import assert from 'node:assert/strict';
import { urpcAsync } from '../cli/subprocess.ts';
import { ensureNative } from '../e2e/helpers.ts';

describe('urpc: session mode flags and the end-to-end --timeout', function () {
  this.timeout(120_000);
  before(async () => {
    await ensureNative();
  });

  it('urpc soak uses compact (and so reliable) mode by default against a urpc device, reliable mode with --no-compact, plain mode with --plain; --plain --reliable is a usage error', async () => {
    const [byDefault, noCompact, plain, both] = await Promise.all([
      urpcAsync(['soak', 'native', '--operations', '5', '--json']),
      urpcAsync(['soak', 'native', '--operations', '5', '--json', '--no-compact']),
      urpcAsync(['soak', 'native', '--operations', '5', '--json', '--plain']),
      urpcAsync(['soak', 'native', '--operations', '5', '--plain', '--reliable']),
    ]);
    assert.equal(byDefault.code, 0, byDefault.err);
    assert.deepEqual(JSON.parse(byDefault.out) as { reliable: boolean; compact: boolean }, { ...JSON.parse(byDefault.out), reliable: true, compact: true });
    assert.equal(noCompact.code, 0, noCompact.err);
    assert.deepEqual(JSON.parse(noCompact.out) as { reliable: boolean; compact: boolean }, { ...JSON.parse(noCompact.out), reliable: true, compact: false, succeeded: 5 });
    assert.equal(plain.code, 0, plain.err);
    const p = JSON.parse(plain.out) as { reliable: boolean; compact: boolean; succeeded: number; desyncs: number };
    assert.equal(p.reliable, false);
    assert.equal(p.compact, false);
    assert.equal(p.succeeded, 5);
    assert.equal(p.desyncs, 0);
    assert.equal(both.code, 2);
    assert.match(both.err, /--plain and --reliable exclude each other/);
  });

  it('urpc call --timeout 1000 on a call that needs 3000 ms: TimeoutError naming the 1000 ms deadline, exit 2', async () => {
    // urpc.sleep extends its reply deadline by its argument; the end-to-end budget still holds.
    const r = await urpcAsync(['call', 'native', 'urpc.sleep', '3000', '--timeout', '1000']);
    assert.equal(r.code, 2, `exit ${r.code}: ${r.out} ${r.err}`);
    assert.match(r.err, /urpc\.sleep: no reply from .* within the 1000 ms deadline/);
  });
});
