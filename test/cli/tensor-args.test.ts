// `urpc call` takes and prints tensors (issue 14 item 4) and never wraps a value silently (item 5).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isTensorLiteral, parseTensorLiteral } from '../../host/cli/tensor-arg.ts';
import { parseCliArg } from '../../host/cli/call.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { urpcAsync } from './subprocess.ts';

describe('tensor arguments: parsing', () => {
  it('the three forms: values, shape and values, a file', () => {
    assert.ok(isTensorLiteral('int32:[1]'));
    assert.ok(!isTensorLiteral('"int32:[1]"'));
    assert.ok(!isTensorLiteral('hello:world'));
    const a = parseTensorLiteral('int32:[1,-2,3]');
    assert.deepEqual({ ...a, data: [...a.data] }, { dtype: 'int32', shape: [3], data: [1, -2, 3] });
    const b = parseTensorLiteral('float32:[2,2]:[1,2.5,3,4]');
    assert.deepEqual({ ...b, data: [...b.data] }, { dtype: 'float32', shape: [2, 2], data: [1, 2.5, 3, 4] });
    const c = parseTensorLiteral('uint16:[2]:@x.bin', () => Uint8Array.of(1, 0, 0xff, 0xff));
    assert.deepEqual({ ...c, data: [...c.data] }, { dtype: 'uint16', shape: [2], data: [1, 65535] });
  });
  it('bad literals are errors that say what is wrong', () => {
    assert.throws(() => parseTensorLiteral('int16:[1,70000]'), (e: Error) => e instanceof RangeError && /element 1: 70000 is outside the range of int16 \(-32768\.\.32767\)/.test(e.message));
    assert.throws(() => parseTensorLiteral('int32:[1e12]'), /1000000000000 is outside the range of int32/);
    assert.throws(() => parseTensorLiteral('float32:["x"]'), /"x" is not a number: expected float32/);
    assert.throws(() => parseTensorLiteral('int32:[2,2]:[1,2,3]'), /shape \[2,2\] holds 4 elements, but 3 were given/);
    assert.throws(() => parseTensorLiteral('int32:1,2'), /malformed values in tensor 'int32:1,2'/);
    assert.throws(() => parseTensorLiteral('int32:@odd.bin', () => Uint8Array.of(1, 2, 3)), /3 bytes, not a whole number of int32 elements/);
    assert.throws(() => parseTensorLiteral('uint8:@/no/such/file'), /cannot read \/no\/such\/file/);
  });
  it('a scalar integer past 2^53 stays exact (a bigint), so its range check sees the real value', () => {
    assert.equal(parseCliArg('100000000000000000000000'), 10n ** 23n);
    assert.equal(parseCliArg('1e23'), 1e23);
    assert.equal(parseCliArg('7'), 7);
  });
});

describe('tensor arguments: urpc call (subprocess)', function () {
  this.timeout(300_000); // CLI starts on a shared machine
  let dir: string;
  before(async () => {
    await ensureNative();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-tensors-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('native: tensors in, the tensors after the call printed (text and --json)', async () => {
    const r = await urpcAsync(['call', 'native', 'add', 'int32:[1,2,3]', 'int32:[10,20,30]', 'int32:[0,0,0]']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '(void)\narg 0: int32 [3] [1, 2, 3]\narg 1: int32 [3] [10, 20, 30]\narg 2: int32 [3] [11, 22, 33]\n');
    const file = path.join(dir, 'bytes.bin');
    fs.writeFileSync(file, Uint8Array.of(200, 100, 7));
    const j = await urpcAsync(['call', 'native', 'sum', `uint8:@${file}`, '--json']);
    assert.equal(j.code, 0, j.err);
    const out = JSON.parse(j.out) as { result: number; args: unknown[]; tensors: unknown[] };
    assert.equal(out.result, 307);
    assert.deepEqual(out.args, [{ dtype: 'uint8', shape: [3], values: [200, 100, 7] }]);
    assert.deepEqual(out.tensors, [{ arg: 0, dtype: 'uint8', shape: [3], values: [200, 100, 7] }]);
  });
  it('local --app: the app\'s function on a shaped tensor, written in place', async () => {
    const r = await urpcAsync(['call', 'local', '--app', 'examples/app', 'scale', 'int32:[2,2]:[1,2,3,4]', '3']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '30\narg 0: int32 [2,2] [3, 6, 9, 12]\n');
  });
  it('out of range: exit 2 naming the value and the range, nothing called', async () => {
    const t = await urpcAsync(['call', 'native', 'sum', 'int16:[1,70000]']);
    assert.equal(t.code, 2, t.out + t.err);
    assert.match(t.err, /element 1: 70000 is outside the range of int16 \(-32768\.\.32767\)/);
    const i = await urpcAsync(['call', 'native', 'echo', '100000000000000000000000', '--json']);
    assert.equal(i.code, 2, i.out + i.err);
    assert.match((JSON.parse(i.out) as { error: string }).error, /integer argument 100000000000000000000000 is outside int64 \(-9223372036854775808\.\.9223372036854775807\)/);
  });
});

describe('urpc open with piped commands (subprocess)', function () {
  this.timeout(300_000);
  before(async () => {
    await ensureNative();
  });

  it('a value outside its dtype is an error line, not a wrapped tensor; a failed piped command is exit 1', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const p = spawn(process.execPath, [fileURLToPath(new URL('../../bin/urpc.js', import.meta.url)), 'open', 'native'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    p.stdin.end('let a = int16 [1, 70000]\nlet b = int16 [-32768, 32767]\nshow b\nquit\n');
    const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
    assert.match(out, /error: element 1: 70000 is outside the range of int16 \(-32768\.\.32767\)/);
    assert.match(out, /\[-32768, 32767\]/);
    assert.equal(code, 1, out);
  });
});
