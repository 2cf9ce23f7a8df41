// The REPL's line queue (host/cli/repl-queue.ts) alone: one interrupt abandons every line
// accepted and not finished, whether its call has started or not.
import assert from 'node:assert/strict';
import { LineQueue, type Outcome } from '../../host/cli/repl-queue.ts';

/** A queue whose lines wait until released by name; what ran and how each ended, in order. */
function harness(): { q: LineQueue; ran: string[]; ends: [string, Outcome][]; release: (line: string) => void; fail: (line: string) => void } {
  const ran: string[] = [];
  const ends: [string, Outcome][] = [];
  const gates = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  const q = new LineQueue((line) => {
    ran.push(line);
    return new Promise<void>((resolve, reject) => gates.set(line, { resolve, reject }));
  }, (line, outcome) => ends.push([line, outcome]));
  return { q, ran, ends, release: (l) => gates.get(l)!.resolve(), fail: (l) => gates.get(l)!.reject(new Error(`${l} failed`)) };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('REPL line queue', () => {
  it('an interrupt right after a line is accepted, before its call started: it never runs', async () => {
    const h = harness();
    h.q.push('sleep 1000');
    assert.equal(h.q.interrupt(), true);
    await h.q.idle();
    assert.deepEqual(h.ran, []);
    assert.deepEqual(h.ends, [['sleep 1000', { kind: 'abandoned', started: false }]]);
    assert.equal(h.q.size, 0);
  });

  it('one interrupt abandons the running line and those waiting behind it', async () => {
    const h = harness();
    h.q.push('sleep 1000');
    h.q.push('echo 9');
    await turn();
    assert.deepEqual(h.ran, ['sleep 1000']);
    assert.equal(h.q.size, 2);
    h.q.interrupt();
    await h.q.idle();
    assert.deepEqual(h.ran, ['sleep 1000']);
    assert.deepEqual(h.ends, [['sleep 1000', { kind: 'abandoned', started: true }], ['echo 9', { kind: 'abandoned', started: false }]]);
    h.fail('sleep 1000'); // its late failure is nobody's concern (no unhandled rejection)
    h.q.push('echo 5');
    await turn();
    h.release('echo 5');
    await h.q.idle();
    assert.deepEqual(h.ends.at(-1), ['echo 5', { kind: 'done' }]);
  });

  it('lines run one at a time in order; a failure is reported and the next runs; idle: nothing to interrupt', async () => {
    const h = harness();
    assert.equal(h.q.interrupt(), false);
    h.q.push('a');
    h.q.push('b');
    await turn();
    assert.deepEqual(h.ran, ['a']);
    h.fail('a');
    await turn();
    assert.deepEqual(h.ran, ['a', 'b']);
    h.release('b');
    await h.q.idle();
    assert.equal(h.ends.length, 2);
    assert.equal(h.ends[0]![1].kind, 'failed');
    assert.match(String((h.ends[0]![1] as { error: Error }).error), /a failed/);
    assert.deepEqual(h.ends[1], ['b', { kind: 'done' }]);
    assert.equal(h.q.interrupt(), false);
  });
});
