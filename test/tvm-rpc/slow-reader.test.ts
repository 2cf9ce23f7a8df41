// A TVM RPC client that keeps sending requests but stops reading the replies: once the socket's
// buffers are full, the relay's reply write never completes. Without a deadline on that write the
// client held the board forever (the idle deadline covers reads only) and every queued client
// was dropped at its queue deadline.
import assert from 'node:assert/strict';
import { nativeTvmServer } from './native-server.ts';
import { Raw, TvmRpcClient, handshakeBytes } from './tvm-client.ts';
import { callFunc } from '../microtvm-host/minrpc.ts';

describe('TVM RPC server: a client that stops reading its replies', function () {
  this.timeout(120_000);
  const s = nativeTvmServer({ deviceKey: 'k', replyTimeoutMs: 3000, queueTimeoutMs: 90_000 });

  it('loses the board at the reply deadline; the next client gets it', async () => {
    const hog = await TvmRpcClient.connect(s.port, 'k');
    const echo = await hog.getFunction('urpc.echo');
    hog.c.sock.pause(); // reads nothing more: the replies pile up in the socket buffers
    const payload = new Uint8Array(1800).fill(0x5a);
    const request = callFunc(echo, [{ code: 12, v: payload }]);
    // About 14 MB of replies, more than loopback's socket buffers hold together.
    for (let k = 0; k < 8000; k++) hog.c.write(request);
    // The next client waits in the queue (TvmRpcClient.connect's 5 s read deadline is too short).
    const next = await Raw.connect(s.port);
    next.write(handshakeBytes('client:k'));
    const answer = await next.read(4, 80_000).catch((e: Error) => e);
    assert.ok(!(answer instanceof Error), `the next client was not served: ${String(answer)} (notes: ${s.notes.slice(-3).join(' / ')})`);
    assert.equal(answer.readInt32LE(0), 0xff271);
    assert.ok(s.notes.some((n) => /took no reply for 3000 ms/.test(n)), s.notes.join('\n'));
    next.close();
    hog.c.close();
    // And the board still answers a client.
    const c = await TvmRpcClient.connect(s.port, 'k');
    const f = await c.getFunction('urpc.echo');
    assert.deepEqual(await c.call(f, [{ code: 0, v: 7n }]), { kind: 'value', value: { code: 0, v: 7n } });
    c.shutdown();
  });
});
