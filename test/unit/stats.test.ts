// One statistics module (host/cli/stats.ts) for `urpc bench` and `npm run bench` (issue 13,
// "the house"): before, urpc bench took p50/p99 by floor(p * n) and npm run bench by
// ceil(p * n) - 1, so the same samples gave different figures.
import assert from 'node:assert/strict';
import { percentile, median } from '../../host/cli/stats.ts';
import { row } from '../../host/cli/bench.ts';

describe('statistics (p50 / p99, nearest rank)', () => {
  const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  it('nearest-rank percentiles and the lower median', () => {
    assert.equal(percentile(ten, 50), 5);
    assert.equal(percentile(ten, 99), 10);
    assert.equal(percentile(ten, 10), 1);
    assert.equal(percentile([3], 99), 3);
    assert.ok(Number.isNaN(percentile([], 50)));
    assert.equal(median([4, 1, 3]), 3);
    assert.equal(median(ten), 5);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(hundred, 99), 99);
    assert.equal(percentile(hundred, 50), 50);
  });
  it('urpc bench rows use it (floor(p * n) gave p50 6 and p99 of 100 samples 100)', () => {
    assert.deepEqual(row(8, ten), { bytes: 8, count: 10, p50Ms: 5, p99Ms: 10 });
    assert.equal(row(8, Array.from({ length: 100 }, (_, i) => i + 1)).p99Ms, 99);
  });
});
