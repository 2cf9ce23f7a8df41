// User device functions (examples/app): the native firmware built with `--app examples/app` and
// LocalSession with the same app loaded in-process run one behavioural suite: typed calls through
// functions.<name> (AppFunctions from the generated examples/app/app.d.ts), every malformed-call
// class (kException, then a good call), the built-in handles unchanged. Then the generated .d.ts
// is type-checked against a correct and a wrong call, and the generator's refusals are checked.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { connect } from '../../host/client/connect.ts';
import { RemoteError, DType } from '../../host/client/client.ts';
import type { RpcSession } from '../../host/client/rpc-session.ts';
import { RPCCode, callFuncPacket, int, str, type Value, type DLTensor } from '../../host/client/packet.ts';
import { buildBoard } from '../../host/board/build.ts';
import { loadApp } from '../../host/app/load.ts';
import { readApp, AppError } from '../../host/app/generate.ts';
import { REPO_ROOT } from '../../codegen/src/program.ts';
import { FUNCTIONS } from '../../host/app/rpc-tables.ts';
import type { AppFunctions } from '../../examples/app/app.d.ts';

const APP = path.join(REPO_ROOT, 'examples/app');
const OUT = path.join(REPO_ROOT, 'build/native-app');
const G = (i: number): bigint => BigInt(0x80028000 + i);
const T = (t: DLTensor): Value => ({ type: 'tensor', value: t });

async function exc(s: RpcSession<AppFunctions>, fn: string, args: Value[], re: RegExp): Promise<void> {
  const h = await s.client.func(fn);
  const r = await s.client.request(callFuncPacket(h, args), fn);
  assert.equal(r.code, RPCCode.Exception, `${fn}: expected kException, got code ${r.code}`);
  assert.match(r.message, re);
  // ... and the next call works.
  assert.equal(await s.functions.addBytes(1, 2), 3);
}

function suite(kind: string, open: () => Promise<RpcSession<AppFunctions>>): void {
  describe(`app functions: ${kind}`, function () {
    this.timeout(120_000);
    let s: RpcSession<AppFunctions>;
    before(async () => {
      s = await open();
    });
    after(async () => {
      await s?.close();
    });

    it('scale(t, k) through functions.scale: the tensor is scaled in place, the sum returned', async () => {
      const t = await s.array(new Int32Array([1, -2, 3, 40000]));
      assert.equal(await s.functions.scale(t, 3), 3 * (1 - 2 + 3 + 40000));
      assert.deepEqual(new Int32Array((await t.copyTo()).buffer), new Int32Array([3, -6, 9, 120000]));
      assert.equal(await s.functions.scale(t, -1), -(3 - 6 + 9 + 120000));
      await t.free();
    });
    it('every parameter and return type: u8, i32, bool, void, tensor shape and bytes', async () => {
      assert.equal(await s.functions.addBytes(200, 55), 255);
      assert.equal(await s.functions.isNegative(-5), true);
      assert.equal(await s.functions.isNegative(0), false);
      const t = await s.empty([2, 3], DType.uint8);
      assert.equal(await s.functions.describe(t), 202);
      assert.equal(await s.functions.fillBytes(t, 7), undefined);
      assert.deepEqual(await t.copyTo(), new Uint8Array(6).fill(7));
      // A tensor with a byte offset: the function sees exactly its extent.
      const view = { ...t.tensor, shape: [2n], byteOffset: 4n };
      const h = await s.client.func('fillBytes');
      await s.client.call(h, [T(view), int(9)]);
      assert.deepEqual(await t.copyTo(), Uint8Array.of(7, 7, 7, 7, 9, 9));
      await t.free();
    });
    it('app functions follow the built-ins: built-in handles unchanged, info lists the app', async () => {
      assert.equal(await s.client.func('urpc.echo'), G(5));
      assert.equal(await s.client.func('tvm.rpc.server.GetCRTMaxPacketSize'), G(3));
      assert.equal(await s.client.func('scale'), G(FUNCTIONS.length));
      assert.equal(await s.client.func('fillBytes'), G(FUNCTIONS.length + 4));
      assert.equal(await s.client.moduleGetFunction(await s.client.systemLib(), 'scale'), BigInt(0x80008000 + FUNCTIONS.length));
      assert.equal(await s.client.getGlobalFunc('scal'), undefined);
      assert.equal(await s.client.getGlobalFunc('scalee'), undefined);
      const info = await s.info();
      assert.deepEqual(info.functions.slice(FUNCTIONS.length).map((f) => `${f.name} ${f.signature}`), [
        'scale (tensor t, i32 k) -> i32', 'addBytes (u8 a, u8 b) -> u32', 'describe (tensor t) -> u32',
        'isNegative (i32 x) -> bool', 'fillBytes (tensor t, u8 v) -> void']);
      assert.deepEqual(await s.functions.echo(1, 'x'), [1, 'x']);
    });
    it('the time evaluator times an app function', async () => {
      const run = await s.timeEvaluator('addBytes', { number: 3, repeat: 2 });
      const r = await run(1, 2);
      assert.equal(r.results.length, 2);
    });

    describe('malformed calls: kException with a clear text, then a good call', () => {
      it('wrong argument count', async () => {
        await exc(s, 'addBytes', [int(1)], /expected 2 arguments, got 1/);
        await exc(s, 'describe', [], /expected 1 arguments, got 0/);
      });
      it('wrong type for an integer', async () => {
        await exc(s, 'addBytes', [str('1'), int(2)], /argument 0: expected an integer \(type code 0\), got type code 11/);
        await exc(s, 'addBytes', [int(1), { type: 'float', value: 2.5 }], /argument 1: expected an integer .* got type code 2/);
      });
      it('integer out of range for its width', async () => {
        await exc(s, 'addBytes', [int(256), int(0)], /argument 0: integer out of range \[0, 255\]/);
        await exc(s, 'addBytes', [int(-1), int(0)], /argument 0: integer out of range \[0, 255\]/);
        await exc(s, 'isNegative', [int(2n ** 31n)], /argument 0: integer out of range \[-2147483648, 2147483647\]/);
        await exc(s, 'isNegative', [int(-(2n ** 31n) - 1n)], /integer out of range/);
        assert.equal(await s.functions.isNegative(-(2 ** 31)), true);
      });
      it('wrong type for a tensor', async () => {
        await exc(s, 'describe', [int(5)], /argument 0: expected a tensor \(DLTensor, type code 7\), got type code 0/);
      });
      it('a tensor the device did not allocate (never, freed, null)', async () => {
        const rec = (data: bigint): DLTensor => ({ data, device: { deviceType: 1, deviceId: 0 }, dtype: DType.uint8, shape: [4n], byteOffset: 0n });
        await exc(s, 'describe', [T(rec(0x123456n))], /argument 0: tensor data 1193046 is not memory allocated by this device/);
        await exc(s, 'describe', [T(rec(0n))], /argument 0: tensor data 0 is not memory allocated by this device/);
        const t = await s.empty([4], DType.uint8);
        await t.free();
        await exc(s, 'fillBytes', [T(t.tensor), int(1)], /not memory allocated by this device/);
      });
      it('a tensor reaching past its allocation, too many dimensions, another device', async () => {
        const t = await s.array(new Uint8Array(4));
        await exc(s, 'fillBytes', [T({ ...t.tensor, shape: [5n] }), int(1)], /access outside allocation \d+: offset 0 \+ 5 bytes/);
        await exc(s, 'fillBytes', [T({ ...t.tensor, byteOffset: 1n }), int(1)], /access outside allocation \d+: offset 1 \+ 4 bytes/);
        await exc(s, 'describe', [T({ ...t.tensor, shape: Array(9).fill(1n) })], /argument 0: tensor has 9 dimensions, at most 8/);
        await exc(s, 'describe', [T({ ...t.tensor, device: { deviceType: 2, deviceId: 0 } })], /unsupported device type 2/);
        assert.deepEqual(await t.copyTo(), new Uint8Array(4), 'nothing was written');
        await t.free();
      });
      it('the function itself refuses (fail()): wrong dtype for scale', async () => {
        const t = await s.array(new Float32Array([1, 2]));
        await assert.rejects(s.functions.scale(t, 2), (e: unknown) => e instanceof RemoteError && /device function failed with error 1/.test(e.remoteMessage));
        assert.equal(await s.functions.addBytes(1, 1), 2);
        await t.free();
      });
    });
  });
}

suite('RemoteSession(native --app examples/app)', async () => {
  await buildBoard('native', { outDir: OUT, app: APP });
  return connect<AppFunctions>(`native:${path.join(OUT, 'firmware')}`);
});
suite('LocalSession(app loaded in-process)', async () => connect<AppFunctions>('local', { app: await loadApp(APP) }));

describe('app: generated host types and generator checks', function () {
  this.timeout(60_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-app-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function typecheck(body: string): string[] {
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, 'build', 'dts-'));
    try {
      const file = path.join(dir, 'use.ts');
      const rel = (p: string): string => path.relative(dir, p).split(path.sep).join('/');
      fs.writeFileSync(file, [
        `import { connect } from '${rel(path.join(REPO_ROOT, 'host/client/connect.ts'))}';`,
        `import type { AppFunctions } from '${rel(path.join(APP, 'app.d.ts'))}';`,
        'export async function use(): Promise<void> {',
        "  const s = await connect<AppFunctions>('local');",
        '  const t = await s.empty([4]);',
        body,
        '}',
      ].join('\n'));
      const cfg = ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), ts.sys.readFile).config as { compilerOptions: object };
      const { options } = ts.convertCompilerOptionsFromJson(cfg.compilerOptions, REPO_ROOT);
      const program = ts.createProgram([file], options);
      return ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('the committed examples/app/app.d.ts is what the generator writes', async () => {
    const before = fs.readFileSync(path.join(APP, 'app.d.ts'), 'utf8');
    await loadApp(APP, path.join(tmp, 'reg'));
    assert.equal(fs.readFileSync(path.join(APP, 'app.d.ts'), 'utf8'), before);
  });
  it('app.d.ts: a correct call type-checks, with the declared return types', () => {
    assert.deepEqual(typecheck([
      '  const n: number = await s.functions.scale(t, 3);',
      '  const b: boolean = await s.functions.isNegative(n);',
      '  const v: void = await s.functions.fillBytes(t, 1);',
      '  await s.functions.sleep(1); await s.functions.echo(b, v === undefined);',
    ].join('\n')), []);
  });
  it('app.d.ts: wrong argument types, counts, return types and unknown function names are rejected', () => {
    const errs = typecheck([
      "  await s.functions.scale(t, 'three');",
      '  await s.functions.scale(3, 3);',
      '  await s.functions.addBytes(1);',
      '  const x: string = await s.functions.describe(t);',
      '  await s.functions.scael(t, 3);',
      '  void x;',
    ].join('\n'));
    assert.equal(errs.length, 5, errs.join('\n'));
    assert.match(errs[0]!, /'string' is not assignable to parameter of type 'number'/);
    assert.match(errs[1]!, /'number' is not assignable to parameter of type 'NDArray'/);
    assert.match(errs[2]!, /Expected 2 arguments, but got 1/);
    assert.match(errs[3]!, /'number' is not assignable to type 'string'/);
    assert.match(errs[4]!, /Property 'scael' does not exist/);
  });

  function app(source: string): () => unknown {
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, 'build', 'badapp-'));
    fs.writeFileSync(path.join(dir, 'm.ts'), source);
    return () => {
      try {
        return readApp(dir);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
  }
  const PRE = "import { u32 } from '../../firmware/lib/prelude.ts';\n";
  it('the generator refuses unsupported parameter and return types, built-in names and empty apps', () => {
    assert.throws(app("import { u32, type Bytes } from '../../firmware/lib/prelude.ts';\nexport function f(b: Bytes): u32 { return b.length; }\n"),
      (e: unknown) => e instanceof AppError && /parameter 'b' of f: type Bytes is not a device function parameter type/.test(e.message));
    assert.throws(app("import { u32, bytes, type Bytes } from '../../firmware/lib/prelude.ts';\nconst BUF = bytes(4);\nexport function g(x: u32): Bytes { return x === 0 ? BUF : BUF; }\n"),
      (e: unknown) => e instanceof AppError && /g returns Bytes; a device function returns void/.test(e.message));
    assert.throws(app(PRE + 'export function echo(x: u32): u32 { return x; }\n'),
      (e: unknown) => e instanceof AppError && /'echo' is the name of a built-in device function/.test(e.message));
    assert.throws(app(PRE + 'function hidden(x: u32): u32 { return x; }\nexport const K = hidden(u32(1));\n'),
      (e: unknown) => e instanceof AppError && /exports no functions/.test(e.message));
  });
});
