// Device resets and deadlines, with the FwTS DeviceStack (the same composition the boards run)
// in this process behind an in-memory transport: a reboot mid-call fails the call with
// SessionResetError and the next call re-opens the session by itself; a silent device gives
// TimeoutError for the handshake and for a reply.
import assert from 'node:assert/strict';
import { RemoteSession } from '../../host/client/remote.ts';
import { SessionResetError } from '../../host/client/session.ts';
import { StaleTensorError, TimeoutError } from '../../host/client/client.ts';
import { connect } from '../../host/client/connect.ts';
import { InProcessDevice } from './in-process-device.ts';


describe('sessions: device reset and deadlines', function () {
  this.timeout(30_000);

  it('a reboot mid-call gives SessionResetError; the next call re-opens the session', async () => {
    const dev = new InProcessDevice();
    const s = await RemoteSession.open('in-process', dev, { timeoutMs: 2000, retryMs: 200 });
    assert.deepEqual(await s.functions.echo(1, 'x'), [1, 'x']);
    const t = await s.array(new Uint8Array(10).fill(1));
    const first = s.session.sessionId;
    dev.mute = true;
    const pending = s.functions.sum(t);
    await new Promise((r) => setTimeout(r, 20));
    dev.mute = false;
    dev.reboot(); // the boot Terminate reaches the host while it waits
    await assert.rejects(pending, (e: unknown) => e instanceof SessionResetError && /ended the session/.test(e.message));
    assert.equal(await s.functions.sum(await s.array(new Uint8Array(4).fill(2))), 8);
    // The tensor from before the reboot is gone: using it fails here, before reaching the device.
    const requests = dev.stack.requests();
    await assert.rejects(s.functions.sum(t), (e: unknown) => e instanceof StaleTensorError && /was lost: the device session was reset/.test(e.message));
    await assert.rejects(t.copyTo(), StaleTensorError);
    await t.free();
    assert.equal(dev.stack.requests(), requests, 'nothing was sent for the stale tensor');
    assert.notEqual(s.session.sessionId, 0);
    assert.equal(s.session.resets, 1);
    assert.equal(s.session.established_, 2);
    assert.ok(first !== 0);
    await s.close();
  });

  it('a silent device: the handshake fails with TimeoutError after startTimeoutMs (retrying meanwhile)', async () => {
    const dev = new InProcessDevice();
    dev.mute = true;
    const t0 = Date.now();
    await assert.rejects(RemoteSession.open('in-process', dev, { retryMs: 100, startTimeoutMs: 450 }),
      (e: unknown) => e instanceof TimeoutError && /handshake failed after 450 ms \(\d attempts/.test(e.message));
    assert.ok(Date.now() - t0 < 5000, 'the handshake deadline was honoured');
  });

  it('a device that stops answering: the call fails with TimeoutError, the next one works', async () => {
    const dev = new InProcessDevice();
    const s = await RemoteSession.open('in-process', dev, { timeoutMs: 300, firstTimeoutMs: 300 });
    assert.equal(await s.call('tvm.rpc.server.GetCRTMaxPacketSize'), 2037);
    dev.mute = true;
    await assert.rejects(s.functions.log(1), TimeoutError);
    dev.mute = false;
    assert.equal(await s.call('tvm.rpc.server.GetCRTMaxPacketSize'), 2037);
    await s.close();
  });

  it('the native firmware exiting fails the call with a link error naming it', async () => {
    const { ensureNative } = await import('./helpers.ts');
    await ensureNative();
    const s = await connect('native', { timeoutMs: 3000 });
    const { ProcessTransport } = await import('../../host/transport/process.ts');
    ((s as RemoteSession).session.transport as InstanceType<typeof ProcessTransport>).child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(s.functions.log(), /native ended \(signal SIGKILL\)/);
    await s.close();
  });

  it('connect: a missing serial device, an unknown QEMU board and an unknown scheme are named', async () => {
    await assert.rejects(connect('serial:/dev/urpc-no-such-tty?baud=115200'), /no such device '\/dev\/urpc-no-such-tty'; is the board plugged in\?/);
    await assert.rejects(connect('qemu:mps2-an385'), /unknown QEMU board 'mps2-an385'; QEMU boards: .*lm3s6965evb/);
    await assert.rejects(connect('bogus'), /unknown device URI/);
  });
});
