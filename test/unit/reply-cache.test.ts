// Reliable mode's deduplication unit (firmware/rpc/reply_cache.ts) on its own: new, repeated and
// ignored requests, and the two rules the fuzz harness found (743c6f1: a refusal made while an
// async call runs is cached as a copy; 2d926df: an async reply that comes after other requests
// goes out under its own number and is not cached).
import assert from 'node:assert/strict';
import { ReplyCache, Take, BUSY_REPLY_BYTES } from '../../firmware/rpc/reply_cache.ts';
import { asBytes, u8, type Bytes } from '../../firmware/lib/prelude.ts';

const B = (...x: number[]): Bytes => asBytes(Uint8Array.from(x));
const arr = (b: Bytes): number[] => [...(b as unknown as Uint8Array)];

describe('reply cache (reliable-mode deduplication)', () => {
  it('a new number is served, its repeat answered from the cache, a new session starts afresh', () => {
    const c = new ReplyCache();
    assert.equal(c.take(u8(7)), Take.New);
    assert.deepEqual(arr(c.keep(B(1, 2, 3), false)), [1, 2, 3]);
    assert.equal(c.take(u8(7)), Take.Repeat);
    assert.equal(c.current(), 7);
    assert.deepEqual(arr(c.cached()), [1, 2, 3]);
    assert.equal(c.repeats, 1);
    assert.equal(c.take(u8(8)), Take.New);
    c.reset();
    assert.equal(c.take(u8(8)), Take.New, 'after reset the same number is a new request');
  });
  it('a repeat of a request not answered yet (async, or no reply) is ignored', () => {
    const c = new ReplyCache();
    assert.equal(c.take(u8(1)), Take.New);
    c.wentAsync();
    assert.equal(c.take(u8(1)), Take.Ignore);
    assert.equal(c.repeats, 0);
  });
  it('the cached reply is a view of the server buffer, except a refusal while an async call runs: a copy (fuzz finding 743c6f1)', () => {
    const c = new ReplyCache();
    const buf = new Uint8Array([9, 9, 9, 9]);
    c.take(u8(1));
    c.keep(asBytes(buf.subarray(0, 3)), true); // refused Busy while an async call runs
    buf.fill(0); // tick() rewrites the server's reply buffer
    assert.equal(c.take(u8(1)), Take.Repeat);
    assert.deepEqual(arr(c.cached()), [9, 9, 9], 'the repeat gets the refusal as it was sent');
    // Without the copy rule the view would have changed: the plain case is a view.
    c.take(u8(2));
    c.keep(asBytes(buf.subarray(0, 2)), false);
    buf[0] = 5;
    assert.deepEqual(arr(c.cached()), [5, 0]);
  });
  it('a refusal too long for the copy is sent but not cached: its repeat is ignored', () => {
    const c = new ReplyCache();
    c.take(u8(3));
    const long = asBytes(new Uint8Array(BUSY_REPLY_BYTES + 1));
    assert.equal(c.keep(long, true), long);
    assert.equal(c.take(u8(3)), Take.Ignore);
  });
  it('an async reply after other requests goes out under its own number and is not cached (fuzz finding 2d926df)', () => {
    const c = new ReplyCache();
    assert.equal(c.take(u8(10)), Take.New);
    c.wentAsync(); // urpc.sleep / a time-evaluator run
    assert.equal(c.take(u8(11)), Take.New); // refused Busy meanwhile
    c.keep(B(0xbb), true);
    assert.equal(c.staleAsync(true), true, 'the async reply is not the current request\'s');
    assert.equal(c.asyncNumber(), 10);
    assert.equal(c.staleAsync(false), false, 'a reply from handle() answers the current request');
    assert.equal(c.take(u8(11)), Take.Repeat);
    assert.deepEqual(arr(c.cached()), [0xbb], 'the repeat of 11 still gets 11\'s refusal');
  });
  it('an async reply while its request is still current is cached for repeats', () => {
    const c = new ReplyCache();
    c.take(u8(20));
    c.wentAsync();
    assert.equal(c.staleAsync(true), false);
    c.keep(B(0xcc), false);
    assert.equal(c.take(u8(20)), Take.Repeat);
    assert.deepEqual(arr(c.cached()), [0xcc]);
  });
});
