// Collectives combine bytes on the host (group.ts exchange): the element type they use is device
// 0's part's. A part of another dtype, an allreduce part of another shape, or an output tensor of
// another dtype (copyFrom checks the size only) would be garbage accepted as a result: refused on
// every device, nothing written.
import assert from 'node:assert/strict';
import { connectGroup, DeviceGroup, GroupError, GroupTensor } from '../../host/client/connect.ts';
import { DType } from '../../host/client/client.ts';
import { ensureNative } from '../e2e/helpers.ts';

const refusedEverywhere = (re: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof GroupError, String(e));
  assert.deepEqual(e.devices, [0, 1]);
  for (const f of e.failures) assert.match(f.message, re);
  return true;
};

describe('group: collectives refuse mismatched element types and shapes', function () {
  this.timeout(60_000);
  let g: DeviceGroup;

  before(async () => {
    await ensureNative();
    g = await connectGroup(['native', 'native'], { timeoutMs: 20_000 });
  });
  after(async () => {
    await g?.shutdown();
  });

  it('an output tensor of another dtype (same size): allreduce and allgather refuse it, it keeps its contents', async () => {
    const t = g.scatter(new Int32Array([1, 2, 3, 4, 5, 6, 7, 8]), { shape: [8] });
    const out = g.broadcast(new Float32Array([0.5, 0.5, 0.5, 0.5]));
    await assert.rejects(g.allreduce(t, 'sum', out), refusedEverywhere(/the output tensor is float32, the result int32/));
    const wide = g.broadcast(new Float32Array(8).fill(0.25));
    await assert.rejects(g.allgather(t, wide), refusedEverywhere(/the output tensor is float32, the result int32/));
    await g.syncAll().catch(() => undefined);
    for (const i of [0, 1]) {
      assert.deepEqual(new Float32Array((await (await out.get(i)).copyTo()).slice().buffer), new Float32Array([0.5, 0.5, 0.5, 0.5]));
    }
    // The same output of the right dtype works.
    const good = g.empty([4], DType.int32);
    assert.deepEqual(new Int32Array((await g.allreduce(t, 'sum', good)).slice().buffer), new Int32Array([6, 8, 10, 12]));
    await Promise.all([t.free(), out.free(), wide.free(), good.free()]);
  });

  it('parts of another dtype or (allreduce) another shape are refused, not read as device 0 type', async () => {
    const mixed = (what: string, make: (i: number) => { data: ArrayBufferView; shape: number[] }): GroupTensor =>
      new GroupTensor(g, what, [0, 1].map((i) => g.enqueue(i, what, (s) => s.array(make(i).data, { shape: make(i).shape }))));
    const types = mixed('int32 and float32', (i) => ({ data: i === 0 ? new Int32Array([1, 2]) : new Float32Array([1, 2]), shape: [2] }));
    await assert.rejects(g.allreduce(types, 'sum'), refusedEverywhere(/device 1's tensor is float32, device 0's int32/));
    await assert.rejects(g.allgather(types, g.empty([4], DType.int32)), refusedEverywhere(/device 1's tensor is float32, device 0's int32/));
    await assert.rejects(g.gather(types), /gather: device 1's tensor is float32, device 0's int32/);
    const shapes = mixed('[2, 2] and [4]', (i) => ({ data: new Int32Array([1, 2, 3, 4]), shape: i === 0 ? [2, 2] : [4] }));
    await assert.rejects(g.allreduce(shapes, 'max'), refusedEverywhere(/device 1 has shape \[4\], device 0 \[2, 2\]/));
    await g.syncAll().catch(() => undefined);
    assert.deepEqual(await g.call('urpc.echo', 5), [5, 5]);
  });
});
