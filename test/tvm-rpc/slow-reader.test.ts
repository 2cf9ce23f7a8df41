// A TVM RPC client that keeps sending requests but stops reading the replies: once the socket's
// buffers are full, the relay's reply write never completes. Without a deadline on that write the
// client held the board forever (the idle deadline covers reads only) and every queued client
// was dropped at its queue deadline.
import assert from 'node:assert/strict';
import { ensureNative } from '../e2e/helpers.ts';
import { openTransport } from '../../host/client/connect.ts';
import { DeviceLink } from '../../host/tvm/device-link.ts';
import { TvmRpcServer } from '../../host/tvm/rpc-server.ts';
import { Raw, TvmRpcClient, handshakeBytes } from './tvm-client.ts';
import { callFunc } from '../microtvm-host/minrpc.ts';

describe('TVM RPC server: a client that stops reading its replies', function () {
  this.timeout(120_000);
  let server: TvmRpcServer;
  let device: DeviceLink;
  let port: number;
  const notes: string[] = [];

  before(async () => {
    await ensureNative();
    device = new DeviceLink({ open: () => openTransport('native', { deviceStderr: false }), note: (m) => notes.push(m) });
    server = new TvmRpcServer({ deviceKey: 'k', device, note: (m) => notes.push(m), replyTimeoutMs: 3000, queueTimeoutMs: 90_000 });
    port = await server.listen('127.0.0.1', 0);
  });
  after(async () => {
    server.close();
    await device.close();
  });

  it('loses the board at the reply deadline; the next client gets it', async () => {
    const hog = await TvmRpcClient.connect(port, 'k');
    const echo = await hog.getFunction('urpc.echo');
    hog.c.sock.pause(); // reads nothing more: the replies pile up in the socket buffers
    const payload = new Uint8Array(1800).fill(0x5a);
    const request = callFunc(echo, [{ code: 12, v: payload }]);
    // About 14 MB of replies, more than loopback's socket buffers hold together.
    for (let k = 0; k < 8000; k++) hog.c.write(request);
    // The next client waits in the queue (TvmRpcClient.connect's 5 s read deadline is too short).
    const next = await Raw.connect(port);
    next.write(handshakeBytes('client:k'));
    const answer = await next.read(4, 80_000).catch((e: Error) => e);
    assert.ok(!(answer instanceof Error), `the next client was not served: ${String(answer)} (notes: ${notes.slice(-3).join(' / ')})`);
    assert.equal(answer.readInt32LE(0), 0xff271);
    assert.ok(notes.some((n) => /took no reply for 3000 ms/.test(n)), notes.join('\n'));
    next.close();
    hog.c.close();
    // And the board still answers a client.
    const c = await TvmRpcClient.connect(port, 'k');
    const f = await c.getFunction('urpc.echo');
    assert.deepEqual(await c.call(f, [{ code: 0, v: 7n }]), { kind: 'value', value: { code: 0, v: 7n } });
    c.shutdown();
  });
});
