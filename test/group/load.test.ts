// Issue 18 item 5, small: 16 native boards in one group, pipelined broadcast calls, one board
// SIGKILLed halfway through its queue (bench/group.ts's run; `npm run bench` does 10,000
// broadcasts). Its failures are all reported, the other 15 boards answer every call right.
// Figures are printed, never asserted.
import assert from 'node:assert/strict';
import { benchGroup } from '../../bench/group.ts';
import { ensureNative } from '../e2e/helpers.ts';

describe('group load: 16 native boards', function () {
  this.timeout(240_000);

  it('200 pipelined broadcasts twice (and the sequential baseline); a board killed mid-run is reported, the rest finish', async () => {
    const fw = await ensureNative();
    const boards = 16;
    const calls = 200;
    const r = await benchGroup({ firmware: fw.output, boards, calls, log: (s) => console.log(`      ${s}`) });
    const echo = r.throughput[0]!;
    assert.equal(echo.pipelined.calls, boards * calls);
    assert.ok(echo.pipelined.callsPerS > 0 && echo.sequential.callsPerS > 0);
    const k = r.kill;
    assert.equal(k.killedAfter, calls / 2);
    assert.equal(k.killedFailures, calls - calls / 2, 'every call after the kill failed and was reported');
    assert.equal(k.otherFailures, 0);
    assert.equal(k.othersAnswered, (boards - 1) * calls);
    assert.match(k.reported, new RegExp(`^syncAll: 1 device failed: device ${k.killed} \\(native:.*\\): urpc\\.echo: .* \\(and ${calls / 2 - 1} later commands\\)$`));
  });
});
