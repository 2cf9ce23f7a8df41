// What a plain microTVM host sees of a firmware linked with urpc.echo and without urpc.add
// (test/microtvm-host: written from the wire spec, no code shared with urpc's host): the session
// opens, runtime.SystemLib and ModuleGetFunction find urpc.echo, which answers, and urpc.add is
// missing as any unknown name (GetGlobalFunc 0, ModuleGetFunction None). Shared by the native and
// QEMU builtins suites.
import { strict as assert } from 'node:assert';
import { MicroTvmHost } from '../microtvm-host/host.ts';
import type { Link } from '../microtvm-host/link.ts';
import { int } from '../microtvm-host/minrpc.ts';

export async function checkTvmHost(link: Link): Promise<void> {
  const host = new MicroTvmHost(link);
  try {
    await host.open();
    const lib = await host.systemLib();
    const echo = await host.moduleFunction(lib, 'urpc.echo');
    assert.ok(echo !== undefined, 'ModuleGetFunction(urpc.echo)');
    const r = await host.call(echo, [int(42)]);
    assert.equal(r.kind, 'value');
    assert.equal((r as { value: { v?: unknown } }).value.v, 42n);
    assert.equal(await host.moduleFunction(lib, 'urpc.add'), undefined);
    assert.equal(await host.getGlobalFunc('urpc.add'), 0n);
    assert.equal(await host.getGlobalFunc('runtime.RPCTimeEvaluator'), 0n);
  } finally {
    await host.close();
  }
}
