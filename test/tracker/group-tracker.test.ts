// Groups through a tracker: two native boards registered under one key with the spec's tracker,
// a group of two `tracker:` URIs and a local native board; each tracker URI takes its own board,
// and `urpc group 'tracker:...*2'` does the same from the shell.
import assert from 'node:assert/strict';
import { ensureNative } from '../e2e/helpers.ts';
import { connectGroup, openTransport } from '../../host/client/connect.ts';
import { DeviceLink } from '../../host/tvm/device-link.ts';
import { TvmRpcServer } from '../../host/tvm/rpc-server.ts';
import { TrackerRegistration } from '../../host/tvm/tracker-register.ts';
import { TestTracker } from './tracker.ts';
import { urpcAsync } from '../cli/subprocess.ts';

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('groups of tracker: URIs (two native boards behind one tracker)', function () {
  this.timeout(90_000);
  const tracker = new TestTracker();
  const boards: { server: TvmRpcServer; device: DeviceLink; reg: TrackerRegistration }[] = [];

  before(async () => {
    await ensureNative();
    await tracker.listen();
    for (let i = 0; i < 2; i++) {
      const device = new DeviceLink({ open: () => openTransport('native', { deviceStderr: false }), note: () => undefined });
      const server = new TvmRpcServer({ deviceKey: 'stm32', device, note: () => undefined });
      const port = await server.listen('127.0.0.1', 0);
      const reg = new TrackerRegistration({ tracker: { host: '127.0.0.1', port: tracker.port }, key: 'stm32', port, server, note: () => undefined, pingMs: 100, retryMs: 200 });
      server.onSessionEnd = () => reg.sessionEnded();
      reg.start();
      boards.push({ server, device, reg });
    }
    await until('both boards registered', () => boards.every((b) => b.reg.puts >= 1));
  });
  after(async () => {
    for (const b of boards) { await b.reg.stop(); b.server.close(); await b.device.close(); }
    await tracker.close();
  });

  it('connectGroup([tracker, tracker, native]): one board each, calls and a broadcast tensor on all three', async () => {
    const uri = `tracker:127.0.0.1:${tracker.port}/stm32`;
    const g = await connectGroup([uri, uri, 'native'], { timeoutMs: 10_000, startTimeoutMs: 10_000 });
    try {
      assert.deepEqual(boards.map((b) => b.server.sessions), [1, 1]);
      assert.deepEqual(await g.call('urpc.echo', 7), [7, 7, 7]);
      const t = g.broadcast(new Uint8Array([1, 2, 3, 4]));
      assert.deepEqual([...(await g.gather(t)).bytes], [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
      await g.syncAll();
    } finally { await g.shutdown(); }
    await until('both boards offered again', () => boards.every((b) => b.reg.puts >= 2));
    const r = await urpcAsync(['group', `${uri}*2`, 'urpc.echo', '5', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual((JSON.parse(r.out) as { devices: { result: unknown }[] }).devices.map((d) => d.result), [[5], [5]]);
    assert.deepEqual(boards.map((b) => b.server.sessions), [2, 2]);
  });
});
