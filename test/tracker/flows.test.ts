// Register -> request -> session -> re-register -> tracker restart, with the real native board
// behind urpc's TVM RPC server and the spec's tracker (test/tracker/tracker.ts): the board's
// registration is read from the tracker's log, sessions are opened both by the independent TVM
// client (test/tvm-rpc/tvm-client.ts) and by urpc's connect('tracker:...').
import assert from 'node:assert/strict';
import { ensureNative } from '../e2e/helpers.ts';
import { connect, openTransport } from '../../host/client/connect.ts';
import { DeviceLink } from '../../host/tvm/device-link.ts';
import { TvmRpcServer } from '../../host/tvm/rpc-server.ts';
import { TrackerRegistration } from '../../host/tvm/tracker-register.ts';
import { TrackerConnection } from '../../host/tvm/tracker-client.ts';
import { TestTracker } from './tracker.ts';
import { RawTracker, TvmRpcClient } from '../tvm-rpc/tvm-client.ts';
import { int } from '../microtvm-host/minrpc.ts';

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('tracker flows: register, request, session, re-register, tracker restart (native board)', function () {
  this.timeout(90_000);
  let tracker: TestTracker;
  let server: TvmRpcServer;
  let device: DeviceLink;
  let reg: TrackerRegistration;
  let rpcPort: number;
  const notes: string[] = [];
  const puts = (): string[] => tracker.log.filter((m) => m.text.startsWith('[3,')).map((m) => m.text);
  const updates = (): string[] => tracker.log.filter((m) => m.text.startsWith('[5,')).map((m) => m.text);

  before(async () => {
    await ensureNative();
    tracker = new TestTracker();
    await tracker.listen();
    device = new DeviceLink({ open: () => openTransport('native', { deviceStderr: false }), note: (m) => notes.push(m) });
    server = new TvmRpcServer({ deviceKey: 'stm32', device, note: (m) => notes.push(m) });
    rpcPort = await server.listen('127.0.0.1', 0);
    reg = new TrackerRegistration({
      tracker: { host: '127.0.0.1', port: tracker.port }, key: 'stm32', port: rpcPort, server, note: (m) => notes.push(m),
      pingMs: 100, unusedMs: 1500, retryMs: 200, answerTimeoutMs: 3000,
    });
    server.onSessionEnd = () => reg.sessionEnded();
    reg.start();
  });
  after(async () => {
    await reg.stop();
    server.close();
    await device.close();
    await tracker.close();
  });

  it('registers as server.py does: UPDATE_INFO, then PUT with a <key>:<random> match key; pings while idle', async () => {
    await until('a PUT', () => puts().length === 1);
    assert.deepEqual(updates(), [`[5, {"key": "server:stm32", "addr": [null, ${rpcPort}]}]`]);
    assert.match(puts()[0]!, new RegExp(`^\\[3, "stm32", \\[${rpcPort}, "stm32:0\\.\\d+"\\], null\\]$`));
    await until('a GET_PENDING_MATCHKEYS ping', () => tracker.log.some((m) => m.text === '[7]'));
    const t = await TrackerConnection.open('127.0.0.1', tracker.port, 3000);
    try {
      const s = await t.summary(3000);
      assert.deepEqual(s.queueInfo.stm32, { free: 1, pending: 0 });
      assert.deepEqual(s.servers, [{ key: 'server:stm32', addr: ['127.0.0.1', rpcPort] }]);
    } finally { t.close(); }
  });

  it('a TVM client requests the board, runs a session with the handed-out key; the server then PUTs a new key (no UPDATE_INFO)', async () => {
    const n = puts().length;
    const c = await RawTracker.connect(tracker.port);
    const reply = JSON.parse(await c.ask('[4, "stm32", "", 1]')) as [number, [string, number, string]];
    c.close();
    assert.equal(reply[0], 0);
    const [addr, port, matchKey] = reply[1];
    assert.deepEqual([addr, port], ['127.0.0.1', rpcPort]);
    assert.ok(puts().at(-1)!.includes(`"${matchKey}"`));
    const cl = await TvmRpcClient.connect(port, matchKey);
    assert.deepEqual(await cl.call(await cl.getFunction('urpc.echo'), [int(9)]), { kind: 'value', value: { code: 0, v: 9n } });
    cl.shutdown();
    await until('the re-registration', () => puts().length === n + 1);
    assert.ok(!puts().at(-1)!.includes(`"${matchKey}"`), 'a new match key');
    assert.equal(updates().length, 1);
  });

  it("connect('tracker:host:port/key') gets a session through the tracker; an unknown key fails within the deadline", async () => {
    const n = puts().length;
    // retryMs of 10 min: the link answers the first Init (a link that answered too early made the
    // host wait out its whole retry period, ~1 s by default; here the test would time out).
    const s = await connect(`tracker:127.0.0.1:${tracker.port}/stm32`, { startTimeoutMs: 600_000, retryMs: 600_000 });
    try {
      assert.deepEqual(await s.functions.echo(5, 'five'), [5, 'five']);
      const t = await s.array(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
      assert.deepEqual([...(await t.copyTo())], [1, 2, 3, 4, 5, 6, 7, 8]);
    } finally { await s.close(); }
    await until('the re-registration', () => puts().length === n + 1);
    const t0 = Date.now();
    await assert.rejects(connect(`tracker:127.0.0.1:${tracker.port}/nucleo`, { startTimeoutMs: 800 }), /no board with key 'nucleo' became free within \d+ ms \(urpc ls --tracker/);
    assert.ok(Date.now() - t0 < 10_000);
  });

  it('a key handed out to a client that never comes is replaced; a wrong key gets no new PUT', async () => {
    const c = await RawTracker.connect(tracker.port);
    const reply = JSON.parse(await c.ask('[4, "stm32", "", 1]')) as [number, [string, number, string]];
    c.close();
    const n = puts().length;
    await until('the regenerated key', () => puts().length === n + 1);
    assert.ok(!puts().at(-1)!.includes(reply[1][2]));
    await assert.rejects(TvmRpcClient.connect(rpcPort, reply[1][2]), /cannot find server that matches key/);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(puts().length, n + 1);
  });

  it('the tracker restarts: the server registers again (UPDATE_INFO + PUT) and clients get the board', async () => {
    const port = tracker.port;
    await tracker.close();
    await until('the server to notice', () => !reg.registered);
    tracker = new TestTracker();
    await tracker.listen(port);
    await until('registration with the new tracker', () => puts().length === 1 && reg.registered);
    assert.equal(updates().length, 1);
    const s = await connect(`tracker:127.0.0.1:${port}/stm32`, { startTimeoutMs: 10_000 });
    try {
      assert.deepEqual(await s.functions.echo(1), [1]);
    } finally { await s.close(); }
  });
});
