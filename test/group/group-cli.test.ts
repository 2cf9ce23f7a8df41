// `urpc group` (host/cli/group.ts) as a real subprocess on native boards: the table, --json,
// --count (pipelined), a device failing its call (exit 1, the others' results still printed) and a
// device that cannot be opened (exit 2, named); the device list syntax alone.
import assert from 'node:assert/strict';
import { parseDevices, MAX_DEVICES } from '../../host/cli/group.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { urpcAsync } from '../cli/subprocess.ts';

describe('urpc group (subprocess)', function () {
  this.timeout(120_000);
  before(async () => {
    await ensureNative();
  });

  it('parses the device list: comma-separated URIs, uri*N repeats one; bad lists are refused', () => {
    assert.deepEqual(parseDevices('native*2,qemu:lm3s6965evb'), ['native', 'native', 'qemu:lm3s6965evb']);
    assert.deepEqual(parseDevices('tcp:127.0.0.1:4555?token=ab'), ['tcp:127.0.0.1:4555?token=ab']);
    assert.throws(() => parseDevices('native,,native'), /empty device/);
    assert.throws(() => parseDevices('native*0'), /count of at least 1/);
    assert.throws(() => parseDevices(`native*${MAX_DEVICES + 1}`), new RegExp(`more than ${MAX_DEVICES} devices`));
  });

  it('prints one row per device; --json gives the same as data', async () => {
    const t = await urpcAsync(['group', 'native*3', 'urpc.echo', '7']);
    assert.equal(t.code, 0, t.err);
    const rows = t.out.trim().split('\n');
    assert.match(rows[0]!, /^#\s+device\s+result\s+ms$/);
    assert.equal(rows.length, 4);
    for (const [i, r] of rows.slice(1).entries()) assert.match(r, new RegExp(`^${i}\\s+native\\s+7\\s+\\d+\\.\\d$`));
    const j = await urpcAsync(['group', 'native,native', 'echo', '"x"', '--json']);
    assert.equal(j.code, 0, j.err);
    const d = JSON.parse(j.out);
    assert.deepEqual(d.devices.map((x: { index: number; uri: string; ok: number; failed: number; result: unknown; error: unknown }) =>
      [x.index, x.uri, x.ok, x.failed, x.result, x.error]), [[0, 'native', 1, 0, ['x'], null], [1, 'native', 1, 0, ['x'], null]]);
  });

  it('--count n queues n calls per device; every one is counted', async () => {
    const r = await urpcAsync(['group', 'native*2', 'sum', '--count', '25', '--json']);
    // urpc.sum without its tensor: every call fails on the device, each is counted
    assert.equal(r.code, 1, r.err);
    const d = JSON.parse(r.out);
    for (const x of d.devices) {
      assert.equal(x.ok, 0);
      assert.equal(x.failed, 25);
      assert.match(x.error, /urpc\.sum: device error/);
    }
    const ok = await urpcAsync(['group', 'native*2', 'echo', '3', '--count', '40']);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^#\s+device\s+last result\s+ok\s+failed\s+calls\/s\s+ms$/m);
    assert.match(ok.out, /^0\s+native\s+3\s+40\s+0\s/m);
    assert.match(ok.out, /^1\s+native\s+3\s+40\s+0\s/m);
  });

  it('a call the devices refuse: exit 1, the error in each device row', async () => {
    const r = await urpcAsync(['group', 'native,native', 'urpc.sleep', 'x']);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^0\s+native\s+error: urpc\.sleep: device error: argument 0: type code 11, expected 0/m);
    assert.match(r.out, /^1\s+native\s+error: urpc\.sleep: device error/m);
  });

  it('a device that cannot be opened: exit 2, named by index and URI', async () => {
    const r = await urpcAsync(['group', 'native,native:/nonexistent/fw', 'echo', '1']);
    assert.equal(r.code, 2);
    assert.match(r.err, /device 1 \(native:\/nonexistent\/fw\): connect: .*does not exist/);
    // Deadlines setTimeout cannot honour are usage errors naming the value, before any device is
    // opened (0 failed every open as "nothing came back"; 3e9 ms fired at once and failed the calls).
    for (const bad of ['0', '3000000000']) {
      const t = await urpcAsync(['group', 'native,native', 'echo', '1', '--timeout', bad]);
      assert.equal(t.code, 2, `--timeout ${bad}: ${t.out}${t.err}`);
      assert.match(t.err, new RegExp(`--timeout.*'${bad}'`));
      assert.doesNotMatch(t.err, /connect|TimeoutOverflowWarning/);
    }
    const c = await urpcAsync(['group', 'native', 'echo', '1', '--count', '0']);
    assert.equal(c.code, 2);
    assert.match(c.err, /--count.*'0'/);
    const u = await urpcAsync(['group', 'native,', 'echo', '1']);
    assert.equal(u.code, 2);
    assert.match(u.err, /empty device/);
  });
});
