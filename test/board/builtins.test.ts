// Native firmware built with fewer built-in device functions (board.json "builtins", here the
// build option; host/board/builtins.ts): a TVM-style session opens, the linked functions work and
// are numbered from 0, an unlinked one is not found, exactly like any unknown name (GetGlobalFunc,
// ModuleGetFunction, the host's "no function" error), urpc.info lists only what is linked, and an
// app's functions follow the built-ins that are there. An unknown name fails the build before
// anything is lowered. The M3 image's size and symbols: test/qemu/builtins.test.ts.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBoard, BuildError, type BuildResult } from '../../host/board/build.ts';
import { connect } from '../../host/client/connect.ts';
import { RpcError } from '../../host/client/client.ts';
import type { RpcSession } from '../../host/client/rpc-session.ts';
import { SYSTEM_FUNCTIONS } from '../../host/app/rpc-tables.ts';
import { REPO } from '../../host/repo.ts';
import { requireTools } from '../tools.ts';
import { nativeLink } from '../microtvm-host/link.ts';
import { checkTvmHost } from './builtins-tvm.ts';

const G = (i: number): bigint => BigInt(0x80028000 + i);
const M = (i: number): bigint => BigInt(0x80008000 + i);

describe('native firmware with fewer built-in functions', function () {
  this.timeout(300_000);
  let tmp: string;
  before(function () {
    requireTools(this, ['gcc']);
    fs.mkdirSync(path.join(REPO, 'build'), { recursive: true });
    tmp = fs.mkdtempSync(path.join(REPO, 'build', 'builtins-native-'));
  });
  after(() => { if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true }); });

  describe('urpc.echo and urpc.info only', () => {
    let r: BuildResult;
    let s: RpcSession;
    before(async () => {
      r = await buildBoard('native', { outDir: path.join(tmp, 'echo-info'), builtins: ['urpc.info', 'urpc.echo'] });
      s = await connect(`native:${r.output}`); // the session handshake and the version negotiation
    });
    after(async () => { await s?.close(); });

    it('the build reports what it linked, in registry order', () => {
      assert.deepEqual(r.builtins, [...SYSTEM_FUNCTIONS, 'urpc.echo', 'urpc.info']);
    });
    it('the linked functions work, numbered from 0 without gaps', async () => {
      assert.equal(await s.call('urpc.echo', 'seven'), 'seven');
      assert.equal(await s.client.getGlobalFunc('urpc.echo'), G(3));
      assert.equal(await s.client.getGlobalFunc('urpc.info'), G(4));
    });
    it('TVM\'s session functions are there: SystemLib, ModuleGetFunction, GetCRTMaxPacketSize', async () => {
      const lib = await s.client.systemLib();
      assert.equal(await s.client.moduleGetFunction(lib, 'urpc.echo'), M(3));
      assert.deepEqual(await s.client.callByName('tvm.rpc.server.GetCRTMaxPacketSize'), { type: 'int', value: 2037n });
    });
    it('an unlinked function is not found, as any unknown name: GetGlobalFunc, ModuleGetFunction, the host\'s error', async () => {
      for (const name of ['urpc.add', 'urpc.sleep', 'runtime.RPCTimeEvaluator', 'tvm.contrib.random.random_fill', 'urpc.nosuch']) {
        assert.equal(await s.client.getGlobalFunc(name), undefined, name);
      }
      assert.equal(await s.client.moduleGetFunction(await s.client.systemLib(), 'urpc.add'), undefined);
      await assert.rejects(s.call('urpc.add'), (e: unknown) => e instanceof RpcError && /the device has no function 'urpc.add'$/.test(e.message));
      await assert.rejects(s.client.timeEvaluator('urpc.echo'), /runtime.RPCTimeEvaluator/);
      // ... and the session still serves.
      assert.equal(await s.call('urpc.echo', 1), 1);
    });
    it('a handle past the linked functions is unknown', async () => {
      const h = G(5);
      await assert.rejects(s.client.call(h, []), /UnknownFnHandle|unknown function handle/i);
    });
    it('a plain microTVM host opens a session and finds urpc.echo, not urpc.add', async () => {
      await checkTvmHost(nativeLink(r.output));
    });
    it('urpc.info lists only the linked functions', async () => {
      const info = await s.info();
      assert.deepEqual(info.functions.map((f) => f.name), [...SYSTEM_FUNCTIONS, 'urpc.echo', 'urpc.info']);
    });
  });

  it('only the system functions, with an app: the app\'s functions follow them', async () => {
    const r = await buildBoard('native', { outDir: path.join(tmp, 'app'), builtins: [], app: path.join(REPO, 'examples/app') });
    const s = await connect<{ addBytes(a: number, b: number): Promise<number> }>(`native:${r.output}`);
    try {
      assert.equal(await s.functions.addBytes(200, 55), 255);
      assert.equal(await s.client.getGlobalFunc('scale'), G(SYSTEM_FUNCTIONS.length));
      assert.equal(await s.client.getGlobalFunc('urpc.echo'), undefined);
      assert.equal(await s.client.getGlobalFunc('urpc.info'), undefined);
    } finally {
      await s.close();
    }
  });

  it('an unknown name fails the build before anything is lowered', async () => {
    const out = path.join(tmp, 'unknown');
    await assert.rejects(buildBoard('native', { outDir: out, builtins: ['urpc.echo', 'urpc.ech'] }),
      (e: unknown) => e instanceof BuildError && /^the builtins option: 'urpc.ech' is not a built-in device function; the built-ins are /.test(e.message));
    assert.ok(!fs.existsSync(path.join(out, 'gen')));
  });
});
