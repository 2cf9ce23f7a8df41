// Which built-in device functions a build links (host/board/builtins.ts): the selection (system
// functions always, FUNCTIONS order, unknown names refused with the list), the names and handler
// modules it renders for a build (loaded here in Node: what the firmware is lowered with), the
// stand-in for the time evaluator, and board.json's "builtins" checked when the board is loaded.
// The builds themselves: test/board/builtins.test.ts (native) and test/qemu/builtins.test.ts (M3).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { selectBuiltins, linkBuiltins, BuiltinsError } from '../../host/board/builtins.ts';
import { FUNCTIONS, SYSTEM_FUNCTIONS } from '../../host/app/rpc-tables.ts';
import { loadBoard, BuildError } from '../../host/board/build.ts';
import { REPO } from '../../host/repo.ts';
import { FN_ASYNC_MASK, Fn } from '../../firmware/rpc/names.ts';
import { fnEcho } from '../../firmware/functions/echo.ts';
import { fnSystemLib, fnModuleGetFunction, fnGetCRTMaxPacketSize } from '../../firmware/functions/system.ts';
import { fnSleep } from '../../firmware/functions/sleep.ts';

const wire = (fns: readonly (readonly string[])[]): string[] => fns.map((f) => f[1]);
const decode = (t: readonly number[]): string[] => Buffer.from(t as number[]).toString('latin1').split('\0').slice(0, -1);

describe('built-in functions a build links (host/board/builtins.ts)', () => {
  let tmp: string;
  before(() => {
    fs.mkdirSync(path.join(REPO, 'build'), { recursive: true });
    tmp = fs.mkdtempSync(path.join(REPO, 'build', 'builtins-unit-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('no list: all of them; a list: the system functions and the listed ones, in registry order', () => {
    assert.deepEqual(wire(selectBuiltins(undefined, 'x')), wire(FUNCTIONS));
    assert.deepEqual(wire(selectBuiltins(['urpc.sleep', 'urpc.echo'], 'x')), [...SYSTEM_FUNCTIONS, 'urpc.echo', 'urpc.sleep']);
    assert.deepEqual(wire(selectBuiltins([], 'x')), SYSTEM_FUNCTIONS);
    // Listing a system function is allowed (it is linked anyway).
    assert.deepEqual(wire(selectBuiltins(['runtime.SystemLib'], 'x')), SYSTEM_FUNCTIONS);
  });

  it('an unknown name is an error naming it, where it was listed, and the built-ins', () => {
    assert.throws(() => selectBuiltins(['urpc.echo', 'echo', 'urpc.nope'], 'boards/b/board.json "builtins"'), (e: unknown) => {
      assert.ok(e instanceof BuiltinsError);
      assert.match(e.message, /^boards\/b\/board.json "builtins": 'echo' \(did you mean 'urpc.echo'\?\), 'urpc.nope' are not built-in device functions; /);
      assert.match(e.message, /the built-ins are runtime.RPCTimeEvaluator, tvm.contrib.random.random_fill, urpc.echo, .*urpc.sleep \(runtime.SystemLib, .* are always linked\)$/);
      return true;
    });
    assert.throws(() => selectBuiltins('urpc.echo' as unknown as string[], 'x'), /x must be a list of function names/);
  });

  it('all of them: nothing stands in for the committed modules (the default build is unchanged)', () => {
    assert.equal(linkBuiltins(FUNCTIONS, REPO, path.join(tmp, 'all')).substitutes.size, 0);
    assert.ok(!fs.existsSync(path.join(tmp, 'all', 'builtins')));
  });

  it('a selection: names.ts and builtins.ts for it, numbered from 0, loaded in Node as the firmware would be', () => {
    const out = path.join(tmp, 'echo');
    const link = linkBuiltins(selectBuiltins(['urpc.echo'], 'x'), REPO, out);
    const fw = (p: string): string => path.join(REPO, 'firmware', p);
    assert.deepEqual([...link.substitutes.keys()].sort(),
      [fw('functions/timeeval.ts'), fw('rpc/builtins.ts'), fw('rpc/evaluator.ts'), fw('rpc/names.ts')]);
    assert.equal(link.substitutes.get(fw('rpc/evaluator.ts')), fw('rpc/no_time_evaluator.ts'));
    assert.equal(link.substitutes.get(fw('functions/timeeval.ts')), fw('rpc/no_time_evaluator.ts'));
    const req = createRequire(import.meta.url);
    const names = req(link.substitutes.get(fw('rpc/names.ts'))!) as typeof import('../../firmware/rpc/names.ts');
    const { HANDLERS } = req(link.substitutes.get(fw('rpc/builtins.ts'))!) as typeof import('../../firmware/rpc/builtins.ts');
    assert.deepEqual(decode(names.FN_NAMES), [...SYSTEM_FUNCTIONS, 'urpc.echo']);
    assert.deepEqual(Object.entries(names.Fn), [['SystemLib', 0], ['ModuleGetFunction', 1], ['GetCRTMaxPacketSize', 2], ['Echo', 3]]);
    assert.equal(names.FN_COUNT, 4);
    assert.equal(names.FN_MODULE_FIRST, 3);
    assert.equal(names.FN_ASYNC_MASK, 0);
    assert.deepEqual(HANDLERS, [fnSystemLib, fnModuleGetFunction, fnGetCRTMaxPacketSize, fnEcho]);
  });

  it('with the time evaluator its own modules stay; the async mask follows the numbering', () => {
    const out = path.join(tmp, 'eval');
    const link = linkBuiltins(selectBuiltins(['runtime.RPCTimeEvaluator', 'urpc.sleep'], 'x'), REPO, out);
    assert.ok(![...link.substitutes.values()].some((f) => f.endsWith('no_time_evaluator.ts')));
    const names = createRequire(import.meta.url)(path.join(out, 'builtins', 'names.ts')) as typeof import('../../firmware/rpc/names.ts');
    assert.deepEqual(decode(names.FN_NAMES), ['runtime.SystemLib', 'tvm.rpc.server.ModuleGetFunction', 'runtime.RPCTimeEvaluator',
      'tvm.rpc.server.GetCRTMaxPacketSize', 'urpc.sleep']);
    assert.equal(names.FN_ASYNC_MASK, 1 << 4);
    const { HANDLERS } = createRequire(import.meta.url)(path.join(out, 'builtins', 'builtins.ts')) as typeof import('../../firmware/rpc/builtins.ts');
    assert.equal(HANDLERS[4], fnSleep);
    // All of them (the committed names.ts): urpc.sleep's bit.
    assert.equal(FN_ASYNC_MASK, 1 << Fn.Sleep);
  });

  it('board.json "builtins" is checked when the board is loaded', () => {
    const repo = path.join(tmp, 'repo');
    const board = (builtins: unknown): void => {
      fs.mkdirSync(path.join(repo, 'boards', 'b'), { recursive: true });
      const cfg = JSON.parse(fs.readFileSync(path.join(REPO, 'boards/native/board.json'), 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(path.join(repo, 'boards', 'b', 'board.json'), JSON.stringify({ ...cfg, name: 'b', builtins }));
    };
    board(['urpc.echo', 'urpc.info']);
    assert.deepEqual(loadBoard('b', repo).builtins, ['urpc.echo', 'urpc.info']);
    board(['urpc.echo', 'urpc.ad']);
    assert.throws(() => loadBoard('b', repo), (e: unknown) => e instanceof BuildError &&
      /boards\/b\/board.json "builtins": 'urpc.ad' is not a built-in device function; the built-ins are /.test(e.message));
  });
});
