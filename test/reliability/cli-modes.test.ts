// The CLI's side of issue 13 items 6 and 15: reliable mode is the default (--plain asks for plain
// mode), and `urpc call --timeout` is one end-to-end budget named in the error.
import assert from 'node:assert/strict';
import { urpcAsync } from '../cli/subprocess.ts';
import { ensureNative } from '../e2e/helpers.ts';

describe('urpc: session mode flags and the end-to-end --timeout', function () {
  this.timeout(120_000);
  before(async () => {
    await ensureNative();
  });

  it('urpc soak uses reliable mode by default against a urpc device, plain mode with --plain; both flags at once is a usage error', async () => {
    const [byDefault, plain, both] = await Promise.all([
      urpcAsync(['soak', 'native', '--operations', '5', '--json']),
      urpcAsync(['soak', 'native', '--operations', '5', '--json', '--plain']),
      urpcAsync(['soak', 'native', '--operations', '5', '--plain', '--reliable']),
    ]);
    assert.equal(byDefault.code, 0, byDefault.err);
    assert.equal((JSON.parse(byDefault.out) as { reliable: boolean }).reliable, true);
    assert.equal(plain.code, 0, plain.err);
    const p = JSON.parse(plain.out) as { reliable: boolean; succeeded: number; desyncs: number };
    assert.equal(p.reliable, false);
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
