// npm test: builds the native board with the app and calls it, and checks the device against the
// same FwTS running in Node (the reference semantics).
import { strict as assert } from 'node:assert';
import { before, after, describe, it } from 'node:test';
import { connect, RemoteError, type RpcSession } from 'urpc';
import { buildBoard } from 'urpc/build';
import { i32 } from 'urpc/fwts';
import { madd } from '../app/math.ts';
import type { AppFunctions } from '../app/app.d.ts';

describe('app on the native board', () => {
  let s: RpcSession<AppFunctions>;
  before(async () => {
    const built = await buildBoard('native', { app: 'app' });
    s = await connect<AppFunctions>(`native:${built.output}`);
  });
  after(async () => s?.close());

  it('madd gives what Node gives, wrapping included', async () => {
    for (const [a, b, c] of [[6, 7, 100], [-3, 5, 0], [0x10000, 0x10000, 1], [2147483647, 2, 3]]) {
      assert.equal(await s.functions.madd(a, b, c), madd(i32(a), i32(b), i32(c)));
    }
  });

  it('total sums an int32 tensor', async () => {
    const t = await s.array(new Int32Array([1, 2, 3, 4]));
    assert.equal(await s.functions.total(t), 10);
  });

  it('total refuses a tensor that is not int32', async () => {
    const t = await s.array(new Float32Array([1, 2]));
    await assert.rejects(s.functions.total(t), (e: unknown) => e instanceof RemoteError && /error 1\b/.test(e.remoteMessage));
  });
});
