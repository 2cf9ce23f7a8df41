// urpc bench and urpc soak on a device without urpc's own functions (issue 13 item 3): a TVM
// device has no urpc.echo or urpc.info (before, bench exited 2 and soak counted RpcErrors). The
// device here is urpc's own (LocalSession: the FwTS stack in this process); its function table
// is made TVM's by answering GetGlobalFunc of urpc.* with "not found", as a TVM device does
// (handle 0). Every call still goes to the real device stack.
import assert from 'node:assert/strict';
import { connect } from '../../host/client/connect.ts';
import type { RpcSession } from '../../host/client/rpc-session.ts';
import { roundTrips } from '../../host/cli/bench.ts';
import { soak } from '../../host/client/soak.ts';

async function tvmLike(): Promise<{ s: RpcSession; asked: string[] }> {
  const s = await connect('local');
  const asked: string[] = [];
  const lookup = s.client.getGlobalFunc.bind(s.client);
  s.client.getGlobalFunc = async (name: string) => {
    asked.push(name);
    return name.startsWith('urpc.') ? undefined : lookup(name);
  };
  return { s, asked };
}

describe('bench and soak on a device without urpc.echo (a TVM device)', () => {
  it('urpc bench times round trips of tvm.rpc.server.GetCRTMaxPacketSize', async () => {
    const { s } = await tvmLike();
    try {
      const r = await roundTrips(s, [0, 16, 64], 7);
      assert.equal(r.roundTrip, 'tvm.rpc.server.GetCRTMaxPacketSize');
      assert.equal(r.echo.length, 1);
      assert.equal(r.echo[0]!.bytes, 0);
      assert.equal(r.echo[0]!.count, 7);
      assert.ok(r.echo[0]!.p50Ms >= 0 && r.echo[0]!.p99Ms >= r.echo[0]!.p50Ms);
    } finally {
      await s.close();
    }
  });
  it('urpc bench on a urpc device still sweeps urpc.echo', async () => {
    const s = await connect('local');
    try {
      const r = await roundTrips(s, [0, 16], 3);
      assert.equal(r.roundTrip, 'urpc.echo');
      assert.deepEqual(r.echo.map((x) => [x.bytes, x.count]), [[0, 3], [16, 3]]);
    } finally {
      await s.close();
    }
  });
  it('urpc soak checks GetCRTMaxPacketSize calls and tensor round trips: every operation right', async () => {
    const { s, asked } = await tvmLike();
    try {
      const r = await soak(s, { operations: 40, seed: 3 });
      assert.equal(r.callOp, 'tvm.rpc.server.GetCRTMaxPacketSize');
      assert.equal(r.succeeded, 40, JSON.stringify(r.problems));
      assert.deepEqual(r.failedTyped, {});
      assert.equal(r.corruptedAccepted, 0);
      assert.ok(!asked.some((n) => n !== 'urpc.echo' && n.startsWith('urpc.')), `asked for ${asked.join(', ')}`);
    } finally {
      await s.close();
    }
  });
});

describe('the host time evaluator finds functions as TVM does (issue 13 item 2)', () => {
  it('a function of the system library that is not a global (a TVM model function) is timed', async () => {
    // Before: timeEvaluator looked the name up with GetGlobalFunc and failed with "no function".
    const s = await connect('local');
    const lookup = s.client.getGlobalFunc.bind(s.client);
    s.client.getGlobalFunc = async (name: string) => (name === 'urpc.sum' ? undefined : lookup(name));
    try {
      const t = await s.array(new Int32Array([1, 2, 3]));
      const time = await s.timeEvaluator('urpc.sum', { number: 2, repeat: 3 });
      const r = await time(t);
      assert.equal(r.results.length, 3);
      assert.ok(r.results.every((x) => x >= 0));
    } finally {
      await s.close();
    }
  });
  it('a global that is not in the system library is refused with a clear error before the device is asked', async () => {
    const s = await connect('local');
    try {
      await assert.rejects(s.timeEvaluator('tvm.contrib.random.random_fill'),
        /system library has no function 'tvm\.contrib\.random\.random_fill'; the time evaluator times functions of the module \(as TVM\), not global functions/);
    } finally {
      await s.close();
    }
  });
});
