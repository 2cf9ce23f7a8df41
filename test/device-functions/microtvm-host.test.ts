// Issue 17 item 3, checked by the independent microTVM host (test/microtvm-host: written from
// the wire spec, no code shared with host/client): a panic in a user device function of the native
// firmware is a kException reply a TVM host reads as RPCError with the short text naming the
// panic, its line, the function and its .ts file (`AppPanicBounds(12,"fn","file.ts")`); the
// session and the tensors go on. The time evaluator calls the app's functions through the same trap.
import assert from 'node:assert/strict';
import { MicroTvmHost } from '../microtvm-host/host.ts';
import { nativeLink } from '../microtvm-host/link.ts';
import { T, int, tensor, RPCError, type Returned, type Val } from '../microtvm-host/minrpc.ts';
import { withApp, siteOf } from './helpers.ts';

const SRC = 'test/device-functions/app/panics.ts';

/** What a TVM host reads for a contained panic (docs/exception-codes.md): the error's name, its
 * numbers (the panic code, then the line), then the function and the file, quoted. */
function panicText(name: string, fn: string, site: string, code?: number): string {
  const at = site.lastIndexOf(':');
  const nums = [...(code === undefined ? [] : [code]), Number(site.slice(at + 1))];
  return `${name}(${nums.join(',')},"${fn}","${site.slice(0, at)}")`;
}

const value = (r: Returned): Val => {
  assert.equal(r.kind, 'value', `expected a value, got ${r.kind}`);
  return (r as { value: Val }).value;
};
async function remote(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RPCError, `expected RPCError, got ${String(e)}`);
    return e.remote;
  }
  assert.fail('expected RPCError');
}

describe('independent microTVM host: a panicking user device function on the native firmware', function () {
  this.timeout(180_000);
  let host: MicroTvmHost;
  before(async () => {
    host = new MicroTvmHost(nativeLink(await withApp('native')), 10000);
    await host.open();
  });
  after(async () => {
    await host?.close();
  });

  it('is an RPCError naming the function, the panic and the file:line; the next calls work', async () => {
    const t = await host.empty([2], [0, 32, 1]);
    await host.copyTo(t, new Uint8Array(new Int32Array([11, -12]).buffer));
    assert.equal(await remote(host.callGlobal('boom', [int(0x1234)])),
      panicText('AppPanicCode', 'boom', siteOf(SRC, '    panic(code);'), 4660));
    assert.deepEqual(value(await host.callGlobal('boom', [int(0)])), { code: T.Int, v: 7n });
    assert.equal(await remote(host.callGlobal('elementAt', [tensor(t), int(2)])),
      panicText('AppPanicBounds', 'elementAt', siteOf('firmware/app/api.ts', 'panic(u32(Panic.Bounds))')));
    assert.deepEqual(value(await host.callGlobal('elementAt', [tensor(t), int(1)])), { code: T.Int, v: -12n });
    assert.deepEqual([...new Int32Array((await host.copyFrom(t, 8)).slice().buffer)], [11, -12]);
    assert.ok(host.session.idle(), 'no stray reply');
  });

  it('inside the time evaluator: the run answers the same exception', async () => {
    const mod = await host.systemLib();
    const f = await host.timeEvaluator(mod, 'quotient', 3, 2, 0);
    assert.equal(await remote(host.call(f, [int(7), int(0)])),
      panicText('AppPanicDivZero', 'quotient', siteOf(SRC, 'return divu(a, b);')));
    const ok = await host.call(f, [int(7), int(2)]);
    assert.equal(ok.kind, 'value');
    assert.deepEqual(value(await host.callGlobal('quotient', [int(9), int(3)])), { code: T.Int, v: 3n });
  });
});
