// A tensor or function handle is a number naming memory of the device that made it. Sent to
// another device it names that device's memory at the same address: on identical boards often the
// other device's own tensor, so the call answers with a plausible wrong result. A session refuses
// another session's handles before anything is sent (host/client/rpc-session.ts, argValue).
import assert from 'node:assert/strict';
import { connectGroup, DeviceGroup } from '../../host/client/connect.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { wire } from './helpers.ts';

describe('group: a handle of one device is refused on another', function () {
  this.timeout(60_000);
  let g: DeviceGroup;

  before(async () => {
    await ensureNative();
    g = await connectGroup(['native', 'native', 'native'], { timeoutMs: 20_000 });
  });
  after(async () => {
    await g?.shutdown();
  });

  it("device 0's tensor passed to every device (not the DRef): device 0 answers, the others refuse without sending", async () => {
    const t = g.scatter(new Int32Array([1, 2, 3, 4, 5, 6]), { shape: [6] });
    assert.deepEqual(await g.call('urpc.sum', t), [3, 7, 11], 'the DRef: each device sums its own part');
    const t0 = await t.get(0);
    const before = wire(g);
    const err = await g.call('urpc.sum', t0).then(() => undefined, (e: unknown) => e as { failures: { index: number; message: string }[]; results: unknown[] });
    assert.ok(err !== undefined, 'a plain tensor of device 0 was summed on every device (devices 1 and 2 read their own memory at its address)');
    assert.deepEqual(err.failures.map((f) => f.index), [1, 2]);
    for (const f of err.failures) assert.match(f.message, /argument 0 is a tensor \[2\] of another session/);
    assert.deepEqual(err.results, [3, undefined, undefined]);
    const after = wire(g);
    assert.equal(after[1]!.sent, before[1]!.sent, 'nothing sent to device 1');
    assert.equal(after[2]!.sent, before[2]!.sent, 'nothing sent to device 2');
    await g.syncAll().catch(() => undefined);
  });

  it("one session refuses another's tensor and function handles (call, echo, typed functions)", async () => {
    const s0 = g.session(0);
    const s1 = g.session(1);
    const a = await s0.array(new Int32Array([40, 2]));
    const f = await s0.getFunction('urpc.sum');
    const before = wire(g);
    await assert.rejects(s1.call('urpc.sum', a), /urpc\.sum: argument 0 is a tensor \[2\] of another session/);
    await assert.rejects(s1.functions.sum(a), /argument 0 is a tensor \[2\] of another session/);
    await assert.rejects(s1.functions.echo(1, a), /urpc\.echo: argument 1 is a tensor \[2\] of another session/);
    await assert.rejects(s1.call('urpc.echo', f), /argument 0 is function urpc\.sum of another session/);
    assert.equal(wire(g)[1]!.sent, before[1]!.sent, 'nothing sent to device 1');
    assert.equal(await s0.call('urpc.sum', a), 42, 'on its own device the tensor works');
    await s0.call('urpc.echo', f); // and its function handle is sent
    await a.free();
  });
});
