// The behavioural suite of issue 4 (test/e2e/behaviour-suite.ts), run unchanged against
// RemoteSession(native) (the C firmware built by `urpc build --board native`, over its
// stdin/stdout) and LocalSession (the FwTS device code in-process). test/qemu runs it on QEMU boards.
import { connect } from '../../host/client/connect.ts';
import { behaviourSuite } from './behaviour-suite.ts';
import { ensureNative } from './helpers.ts';

behaviourSuite('RemoteSession(native)', async () => {
  await ensureNative();
  return connect('native');
});
behaviourSuite('LocalSession', async () => connect('local'));
