// One CLI policy (host/cli/options.ts): option values are checked in one place, exit codes mean
// the same in every command, and --json reports errors as JSON.
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { countOption, intOption, msOption, portOption, exitCodeOf, UsageError } from '../../host/cli/options.ts';
import { RemoteError, RpcError, TimeoutError } from '../../host/client/client.ts';
import { LinkClosedError } from '../../host/client/session.ts';
import { soakExitCode } from '../../host/cli/soak.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { urpcAsync } from './subprocess.ts';

describe('CLI policy: option parsers', () => {
  it('reject what is not a whole number in range, with the value in the message', () => {
    for (const [parse, bad] of [[msOption, 'abc'], [msOption, '0'], [msOption, '1.5'], [msOption, '-3'], [msOption, '2147483648'],
      [countOption, '0'], [countOption, ''], [intOption, '-1'], [intOption, '1e3'], [portOption, '65536'], [portOption, '0x10']] as const) {
      assert.throws(() => parse(bad), (e: Error) => e instanceof InvalidArgumentError && e.message.includes(`'${bad}'`), `${parse.name}(${bad})`);
    }
    assert.equal(msOption('250'), 250);
    assert.equal(countOption('1'), 1);
    assert.equal(intOption('0'), 0);
    assert.equal(portOption('0'), 0);
  });
  it('soak: any failed operation is exit 1, a typed error too', () => {
    const ok = { operations: 10, succeeded: 10, hung: 0, corruptedAccepted: 0 };
    assert.equal(soakExitCode(ok), 0);
    assert.equal(soakExitCode({ ...ok, succeeded: 9 }), 1);
    assert.equal(soakExitCode({ ...ok, succeeded: 9, hung: 1 }), 1);
  });
  it('exit codes: the device or job reported a problem is 1; usage, link and deadline are 2', () => {
    assert.equal(exitCodeOf(new RemoteError('urpc.sum', 'bad argument')), 1);
    assert.equal(exitCodeOf(new RpcError("native: the device has no function 'x'")), 1);
    assert.equal(exitCodeOf(new TimeoutError('no reply')), 2);
    assert.equal(exitCodeOf(new LinkClosedError('gone')), 2);
    assert.equal(exitCodeOf(new UsageError('bad')), 2);
    assert.equal(exitCodeOf(new RangeError('70000 is outside int16')), 2);
  });
});

describe('CLI policy: every command (subprocess)', function () {
  this.timeout(300_000); // several CLI starts each, on a shared machine

  it('--timeout abc, --count 0, --operations 0, --duration x are usage errors (exit 2) naming the value', async () => {
    // One after another: the machine is shared, and each start costs a TypeScript load.
    const runs: { code: number | null; out: string; err: string }[] = [];
    for (const args of [['call', 'native', 'echo', '1', '--timeout', 'abc'], ['bench', 'native', '--count', '0'],
      ['soak', 'native', '--operations', '0'], ['logs', 'native', '--duration', 'x'], ['open', 'native', '--timeout', '-1'],
      ['serve', 'native', '--queue-timeout', 'soon']]) runs.push(await urpcAsync(args));
    for (const [i, bad] of ['abc', '0', '0', 'x', '-1', 'soon'].entries()) {
      const r = runs[i]!;
      assert.equal(r.code, 2, `run ${i}: ${r.out} ${r.err}`);
      assert.ok(r.err.includes(`'${bad}'`), r.err);
      assert.doesNotMatch(r.err + r.out, /NaN|TypeError/);
    }
  });

  it('an unknown board is exit 2 (build, stack, qemu)', async () => {
    const build = await urpcAsync(['build', '--board', 'nope']);
    const stack = await urpcAsync(['stack', '--board', 'nope']);
    const qemu = await urpcAsync(['qemu', '--board', 'nope']);
    for (const r of [build, stack, qemu]) {
      assert.equal(r.code, 2, `${r.out} ${r.err}`);
      assert.match(r.err, /nope/);
    }
    assert.match(build.err, /unknown board 'nope'; boards: .*native/);
  });

  it('--json reports errors as JSON on stdout: usage, a device problem, a link problem', async () => {
    await ensureNative();
    const usage = await urpcAsync(['call', 'native', 'echo', '--timeout', 'abc', '--json']);
    const missing = await urpcAsync(['call', 'native', 'no.such', '--json']);
    const link = await urpcAsync(['call', 'tcp:127.0.0.1:9', 'echo', '--json']);
    const board = await urpcAsync(['build', '--board', 'nope', '--json']);
    const parse = (r: { out: string }): { command: string; error: string; exitCode: number } => JSON.parse(r.out);
    assert.equal(usage.code, 2);
    assert.match(parse(usage).error, /'abc'/);
    assert.equal(parse(usage).exitCode, 2);
    assert.equal(missing.code, 1);
    assert.deepEqual({ ...parse(missing), error: undefined }, { command: 'call', error: undefined, exitCode: 1 });
    assert.match(parse(missing).error, /has no function 'no\.such'/);
    assert.equal(link.code, 2);
    assert.match(parse(link).error, /nothing is listening/);
    assert.equal(board.code, 2);
    assert.match(parse(board).error, /unknown board 'nope'/);
  });

});
