// Issue 17 item 3: a panic inside a user device function (a bounds error, a division by zero, an
// explicit panic()) answers that call with an exception naming the function, the panic and its
// .ts file:line, and the device keeps serving with its tensors intact. The same suite runs on
// LocalSession (Node: the FwPanic caught in firmware/rpc/contain.ts), the native firmware and the
// lm3s6965evb (Cortex-M3) and mps2-an505 (Cortex-M33) firmware in QEMU (C: setjmp/longjmp in
// firmware/platform/common/trap.h), each built with the app in test/device-functions/app.
import assert from 'node:assert/strict';
import { connect } from '../../host/client/connect.ts';
import { RemoteError, DType } from '../../host/client/client.ts';
import type { RpcSession, BaseSession } from '../../host/client/rpc-session.ts';
import { loadApp } from '../../host/app/load.ts';
import { APP, withApp, siteOf } from './helpers.ts';
import { requireTools, QEMU_TOOLS } from '../qemu/helpers.ts';
import type { AppFunctions } from './app/app.d.ts';

const SRC = 'test/device-functions/app/panics.ts';
/** Where each panic is raised (the FwTS statement that panics). */
const AT = {
  getI32: siteOf('firmware/app/api.ts', 'panic(u32(Panic.Bounds))'), // Tensor.at(): index past the end
  quotient: siteOf(SRC, 'return divu(a, b);'),
  boom: siteOf(SRC, '    panic(code);'),
  writeThenPanic: siteOf('firmware/app/api.ts', 'panic(u32(Panic.Bounds))'),
};

async function rejects(p: Promise<unknown>, text: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RemoteError, `expected RemoteError, got ${String(e)}`);
    assert.equal(e.remoteMessage, text);
    return;
  }
  assert.fail(`expected the exception "${text}"`);
}

function panicSuite(kind: string, open: (ctx: Mocha.Context) => Promise<RpcSession<AppFunctions>>): void {
  describe(`contained panics of device functions: ${kind}`, function () {
    this.timeout(180_000);
    let s: RpcSession<AppFunctions>;
    before(async function () {
      s = await open(this);
    });
    after(async () => {
      await s?.close();
    });

    it('a bounds error answers its call with the function, the panic and the .ts file:line; the next call works', async () => {
      const t = await s.array(new Int32Array([5, -6, 7]));
      assert.equal(await s.functions.elementAt(t, 2), 7);
      await rejects(s.functions.elementAt(t, 3), `device function elementAt panicked: Bounds (index outside a buffer) at ${AT.getI32}`);
      // An index that a byte offset i * 4 would wrap back into the tensor (2^30 * 4 = 2^32 = 0).
      await rejects(s.functions.elementAt(t, 0x40000000), `device function elementAt panicked: Bounds (index outside a buffer) at ${AT.getI32}`);
      assert.equal(await s.functions.elementAt(t, 1), -6);
      await t.free();
    });
    it('a division by zero and an explicit panic(code) are contained the same way', async () => {
      assert.equal(await s.functions.quotient(7, 2), 3);
      await rejects(s.functions.quotient(7, 0), `device function quotient panicked: DivZero (division by zero) at ${AT.quotient}`);
      await rejects(s.functions.boom(0x1234), `device function boom panicked: panic(4660) at ${AT.boom}`);
      await rejects(s.functions.boom(1), `device function boom panicked: Bounds (index outside a buffer) at ${AT.boom}`);
      assert.equal(await s.functions.boom(0), 7);
    });
    it('tensors allocated before the panic keep their bytes; what the function wrote before it stays written', async () => {
      const keep = await s.array(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
      const t = await s.empty([4], DType.uint8);
      await t.copyFrom(new Uint8Array([9, 9, 9, 9]));
      await rejects(s.functions.writeThenPanic(t, 42), `device function writeThenPanic panicked: Bounds (index outside a buffer) at ${AT.writeThenPanic}`);
      assert.deepEqual(await keep.copyTo(), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
      assert.deepEqual(await t.copyTo(), new Uint8Array([42, 9, 9, 9]));
      // The log line went out through the session while the trap was suspended (trap.h).
      const logs = (s as unknown as BaseSession).logs;
      assert.ok(logs.some((l) => l.includes('writeThenPanic wrote 42')), `log lines: ${logs.join(' | ')}`);
      // The device still allocates, serves built-ins and keeps module state.
      const more = await s.array(new Int32Array([1, 2]));
      assert.equal(await s.functions.sum(more), 3);
      const n = await s.functions.callCount();
      assert.equal(await s.functions.callCount(), n + 1);
      await Promise.all([keep.free(), t.free(), more.free()]);
    });
    it('many panics in a row leave the device serving (no stack or state leak)', async () => {
      for (let i = 0; i < 50; i++) {
        await rejects(s.functions.quotient(i, 0), `device function quotient panicked: DivZero (division by zero) at ${AT.quotient}`);
      }
      assert.equal(await s.functions.quotient(100, 7), 14);
    });
  });
}

panicSuite('LocalSession', async () => connect<AppFunctions>('local', { app: await loadApp(APP) }));
panicSuite('native', async () => connect<AppFunctions>(`native:${await withApp('native')}`));
panicSuite('qemu:lm3s6965evb', async (ctx) => {
  requireTools(ctx, QEMU_TOOLS);
  return connect<AppFunctions>(`qemu:lm3s6965evb?elf=${await withApp('qemu-lm3s6965evb')}`);
});
panicSuite('qemu:mps2-an505', async (ctx) => {
  requireTools(ctx, QEMU_TOOLS);
  return connect<AppFunctions>(`qemu:mps2-an505?elf=${await withApp('qemu-mps2-an505')}`);
});
