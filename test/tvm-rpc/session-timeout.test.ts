// A TVM client's `-timeout=<s>` (its session_timeout) ends the session after that many seconds.
// A long one (3,000,000 s is 3e9 ms, past setTimeout's 2^31-1 ms) used to fire after 1 ms: the
// session was killed with RPCSessionTimeoutError at once.
import assert from 'node:assert/strict';
import { nativeTvmServer } from './native-server.ts';
import { TvmRpcClient } from './tvm-client.ts';

describe('TVM RPC server: a client session timeout past setTimeout range', function () {
  this.timeout(60_000);
  const s = nativeTvmServer({ deviceKey: 'k' });

  it('-timeout=3000000 keeps the session (calls answered after the first event-loop turns)', async () => {
    const c = await TvmRpcClient.connect(s.port, 'k', { sessionTimeoutS: 3_000_000 });
    const f = await c.getFunction('urpc.echo');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await c.call(f, [{ code: 0, v: 5n }]), { kind: 'value', value: { code: 0, v: 5n } });
    c.shutdown();
  });
});
