// Device groups (host/client/group.ts) on real boards: 4 native firmware processes and 1 QEMU
// lm3s6965evb in one group. Results per device, pipelining (shown by the wire counters of each
// device's session, not by clocks), collectives checked byte for byte against references computed
// here, failures with index/URI/command, a board killed mid-run while the others finish,
// failFast, and shutdown leaving no process behind.
import assert from 'node:assert/strict';
import { connectGroup, DeviceGroup, GroupError, DeviceError, type GroupTensor } from '../../host/client/connect.ts';
import { DType } from '../../host/client/client.ts';
import { SessionResetError, LinkClosedError } from '../../host/client/session.ts';
import { TransportClosedError } from '../../host/transport/transport.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { QEMU_TOOLS, requireTools, ensureBoard } from '../qemu/helpers.ts';
import { running, waitFor } from '../cli/processes.ts';
import { devicePid, killNative, remote, wire } from './helpers.ts';

const URIS = ['native', 'native', 'qemu:lm3s6965evb', 'native', 'native'];
const QEMU = 2;
const N = URIS.length;

/** Deterministic bytes (xorshift32). */
function bytes(n: number, seed: number): Uint8Array {
  let x = seed >>> 0 || 1;
  return Uint8Array.from({ length: n }, () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x & 0xff;
  });
}

describe('group: 4 native boards and 1 QEMU lm3s6965evb', function () {
  this.timeout(120_000);
  let g: DeviceGroup;
  let pids: number[] = [];

  before(async function () {
    requireTools(this, QEMU_TOOLS);
    await ensureNative();
    await ensureBoard('qemu-lm3s6965evb');
    g = await connectGroup(URIS, { timeoutMs: 20_000, perDevice: (_i, uri) => (uri.startsWith('qemu:') ? { timeoutMs: 30_000 } : {}) });
    pids = URIS.map((_, i) => devicePid(g, i));
    assert.deepEqual(URIS.map((_, i) => g.session(i).client.timeoutMs), [20_000, 20_000, 30_000, 20_000, 20_000], 'perDevice options');
  });
  after(async () => {
    await g?.shutdown();
  });

  it('call: one result per device, in device order; info names each board', async () => {
    assert.deepEqual(await g.call('urpc.echo', 'hi'), Array(N).fill('hi'));
    const infos = await g.call('urpc.info') as string[];
    assert.deepEqual(infos.map((t) => /^board=(.*)$/m.exec(t)?.[1]), ['native', 'native', 'qemu-lm3s6965evb', 'native', 'native']);
    const f = g.fn('echo');
    assert.deepEqual(await f.call(41n), Array(N).fill(41));
    // A per-device value: device i gets values[i].
    assert.deepEqual(await g.call('urpc.echo', g.perDevice([10, 11, 12, 13, 14])), [10, 11, 12, 13, 14]);
  });

  it('pipelining: while device 0 has one request on the wire, the others run 20 queued calls each', async () => {
    await g.call('urpc.sleep', 0); // the function handle is looked up once, before counting
    const before = wire(g);
    // Device 0 sleeps 60 s on the device; the others answer at once. Then 20 echoes on every device.
    const sleep = g.call('urpc.sleep', g.perDevice([60_000, 0, 0, 0, 0]));
    const echoes = Array.from({ length: 20 }, (_, k) => g.call('urpc.echo', k));
    assert.equal(g.status()[0]!.queued - g.status()[0]!.done - g.status()[0]!.failed, 21, 'queued on the host without waiting');
    await Promise.all([1, 2, 3, 4].map((i) => g.sync(i)));
    const now = wire(g);
    // Protocol evidence: device 0's sleep request was sent and is still unanswered, and nothing
    // else was sent to it; each other device took 21 replies meanwhile.
    assert.equal(now[0]!.sent - before[0]!.sent, 1);
    assert.equal(now[0]!.taken - before[0]!.taken, 0);
    for (const i of [1, 2, 3, 4]) {
      assert.equal(now[i]!.sent - before[i]!.sent, 21, `device ${i} requests`);
      assert.equal(now[i]!.taken - before[i]!.taken, 21, `device ${i} replies`);
    }
    // End the sleep by rebooting device 0: its sleep fails (reported with index, URI and
    // command), its queued echoes then run on a new session.
    await remote(g, 0).session.transport.reset!();
    await assert.rejects(sleep, (e: unknown) => e instanceof GroupError && e.devices.join() === '0'
      && e.failures[0]!.command === 'urpc.sleep' && e.failures[0]!.uri === 'native' && e.failures[0]!.cause instanceof SessionResetError
      && e.results[1] === undefined && e.results.length === N);
    for (const [k, p] of echoes.entries()) assert.deepEqual(await p, Array(N).fill(k));
    await assert.rejects(g.syncAll(), (e: unknown) => e instanceof GroupError && e.failures.length === 1
      && /device 0 \(native\): urpc\.sleep: .*ended the session/.test(e.message));
    await g.syncAll(); // reported once
  });

  it('pipelining: a request on the wire to every device at once (5 sleeps unanswered together)', async () => {
    await g.call('urpc.sleep', 0); // handles looked up (again, after the reboot above) before counting
    const before = wire(g);
    const sleeps = g.call('urpc.sleep', 60_000);
    // Bounded wait on the session counters: each device has its sleep sent and unanswered.
    const all = await waitFor(() => wire(g).every((w, i) => w.sent - before[i]!.sent === 1 && w.taken === before[i]!.taken), 20_000);
    const seen = JSON.stringify(wire(g));
    // End them: reboot every board (native: SIGUSR1, QEMU: the monitor's system_reset).
    await Promise.all(URIS.map((_, i) => remote(g, i).session.transport.reset!()));
    assert.ok(all, `${JSON.stringify(before)} -> ${seen}`);
    await assert.rejects(sleeps, (e: unknown) => e instanceof GroupError && e.failures.length === N
      && e.failures.every((f) => f.cause instanceof SessionResetError));
    await assert.rejects(g.syncAll(), GroupError);
    assert.deepEqual(await g.call('urpc.echo', 1), Array(N).fill(1));
  });

  it('collectives: scatter / gather / copy to and from device 0 are byte-exact', async () => {
    const data = bytes(10 * 3 * 4, 7);
    const t = g.scatter(new Int32Array(data.buffer), { shape: [10, 3] });
    const sums = await g.call('urpc.sum', t) as number[];
    const parts = Array.from({ length: N }, (_, i) => new Int32Array(data.slice(i * 24, (i + 1) * 24).buffer));
    // urpc.sum wraps like C unsigned arithmetic: compare as u32.
    assert.deepEqual(sums.map((s) => s >>> 0), parts.map((p) => Number(p.reduce((a, x) => (a + BigInt(x)) & 0xffffffffn, 0n))));
    const back = await g.gather(t);
    assert.deepEqual(back.shape, [10, 3]);
    assert.deepEqual(back.bytes, data);

    const e = g.empty([4, 2], DType.uint16);
    const up = bytes(16, 9);
    await g.copyToDevice0(e, up);
    assert.deepEqual(await g.copyFromDevice0(e), up);
    assert.deepEqual(await (await e.get(1)).copyTo().then((b) => b.length), 16);
    await e.free();
    await t.free();
  });

  it('collectives: allreduce sum/min/max over int8, uint16, int32 and float32 parts, byte-exact', async () => {
    const cases = [
      { dtype: DType.int8, ctor: Int8Array, elems: 64 },
      { dtype: DType.uint16, ctor: Uint16Array, elems: 40 },
      { dtype: DType.int32, ctor: Int32Array, elems: 30 },
      { dtype: DType.float32, ctor: Float32Array, elems: 33 },
    ] as const;
    for (const [k, c] of cases.entries()) {
      const size = c.ctor.BYTES_PER_ELEMENT;
      const raw = bytes(N * c.elems * size, 100 + k);
      if (c.dtype === DType.float32) { // finite floats of mixed magnitude (rounding matters)
        const f = new Float32Array(raw.buffer);
        for (let j = 0; j < f.length; j++) f[j] = ((raw[j * 4]! - 128) * 1.000123) * 2 ** ((raw[j * 4 + 1]! % 40) - 20);
      }
      const parts = Array.from({ length: N }, (_, i) => new c.ctor(raw.slice(i * c.elems * size, (i + 1) * c.elems * size).buffer));
      for (const op of ['sum', 'min', 'max'] as const) {
        const t: GroupTensor = g.scatter(new c.ctor(raw.slice().buffer), { shape: [N * c.elems], dtype: c.dtype });
        const got = await g.allreduce(t, op);
        // Reference: a typed array of the element type, folded in device order (its stores wrap
        // integers and round float32 at every step, as the device's C would).
        const want = new c.ctor(parts[0]!);
        for (let i = 1; i < N; i++) {
          for (let j = 0; j < c.elems; j++) {
            const a = want[j] as number;
            const b = parts[i]![j] as number;
            want[j] = op === 'sum' ? a + b : op === 'min' ? Math.min(a, b) : Math.max(a, b);
          }
        }
        const wantBytes = new Uint8Array(want.buffer);
        assert.deepEqual(got, wantBytes, `${op} over ${c.ctor.name}`);
        // Every device now holds the result.
        const all = await g.gather(t);
        for (let i = 0; i < N; i++) assert.deepEqual(all.bytes.subarray(i * wantBytes.length, (i + 1) * wantBytes.length), wantBytes, `${op} ${c.ctor.name} device ${i}`);
        await t.free();
      }
    }
  });

  it('collectives: allgather writes every part, in device order, to every device; a part that cannot be read fails the collective on every device', async () => {
    const data = bytes(10 * 3 * 4, 11);
    const t = g.scatter(new Int32Array(data.buffer), { shape: [10, 3] });
    const all = g.empty([10, 3], DType.int32);
    assert.deepEqual(await g.allgather(t, all), data);
    for (let i = 0; i < N; i++) assert.deepEqual(await (await all.get(i)).copyTo(), data, `device ${i}`);
    // An out tensor of the wrong size: refused on every device, nothing written.
    const small = g.empty([2, 3], DType.int32);
    await assert.rejects(g.allgather(t, small), (e: unknown) => e instanceof GroupError && e.devices.length === N
      && /copyFrom: 120 bytes for an array of 24/.test(e.failures[0]!.message));
    // Device 1's part is freed first: its read fails on the device, so the collective fails
    // everywhere (the others name device 1); every device goes on afterwards.
    await g.enqueue(1, 'free', async () => (await t.get(1)).free());
    await assert.rejects(g.allreduce(t, 'max'), (e: unknown) => e instanceof GroupError && e.devices.length === N
      && e.failures.filter((f) => f.index !== 1).every((f) => /device 1 could not give its part: .*CopyFromRemote: device error/.test(f.message)));
    await assert.rejects(g.syncAll(), GroupError);
    assert.deepEqual(await g.call('urpc.echo', 3), Array(N).fill(3));
    await Promise.all([t.free(), all.free(), small.free()]);
  });

  it('bad input is refused with a clear error, before anything is sent', async () => {
    const before = wire(g);
    assert.throws(() => g.scatter(new Int32Array(12), { shape: [12] }), /first axis \(12\) does not split evenly over 5 devices/);
    assert.throws(() => g.perDevice([1, 2]), /2 values for 5 devices/);
    await assert.rejects(g.allreduce(g.perDevice([1, 2, 3, 4, 5]) as unknown as GroupTensor, 'prod' as 'sum'), /unknown op 'prod'/);
    assert.deepEqual(wire(g), before);
  });

  it('a device exception fails that device only: index, URI and command; the others answer', async () => {
    const p = g.call('urpc.sleep', g.perDevice([0, 0, 'x', 0, 0]));
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof GroupError);
      assert.deepEqual(e.devices, [QEMU]);
      const f = e.failures[0]!;
      assert.ok(f instanceof DeviceError);
      assert.equal(f.index, QEMU);
      assert.equal(f.uri, 'qemu:lm3s6965evb');
      assert.equal(f.command, 'urpc.sleep');
      assert.match(f.message, /^device 2 \(qemu:lm3s6965evb\): urpc\.sleep: .*type code 11, expected 0/);
      assert.deepEqual(e.results, [undefined, undefined, undefined, undefined, undefined]); // void elsewhere
      return true;
    });
    await assert.rejects(g.syncAll(), /device 2 \(qemu:lm3s6965evb\): urpc\.sleep/);
    assert.deepEqual(await g.call('urpc.echo', 5), Array(N).fill(5));
  });

  it('a board killed mid-run is reported; the other boards finish every call', async () => {
    const calls = 60;
    const failedBefore = g.status()[3]!.failed;
    const ps: Promise<unknown>[] = [];
    for (let k = 0; k < calls; k++) {
      ps.push(g.call('urpc.echo', k).catch((e: unknown) => e));
      // Right after device 3's 20th echo, in its own queue: the kill lands mid-run by construction.
      if (k === 19) g.enqueue(3, 'kill', async () => killNative(g, 3));
    }
    const results = await Promise.all(ps);
    for (const [k, r] of results.entries()) {
      const row = k < 20 ? r : (r as GroupError).results;
      if (k >= 20) {
        assert.ok(r instanceof GroupError, `call ${k}`);
        assert.deepEqual(r.devices, [3]);
        assert.equal(r.failures[0]!.command, 'urpc.echo');
      }
      assert.deepEqual([0, 1, 2, 4].map((i) => (row as unknown[])[i]), [k, k, k, k], `call ${k}`);
    }
    const st = g.status();
    assert.equal(st[3]!.failed - failedBefore, calls - 20);
    assert.match(st[3]!.down ?? '', /device 3 \(native\): urpc\.echo: .*(signal SIGKILL|closed|EPIPE)/);
    await assert.rejects(g.syncAll(), (e: unknown) => e instanceof GroupError && e.devices.join() === '3' && e.failures.length === calls - 20
      && (e.failures[0]!.cause instanceof LinkClosedError || e.failures[0]!.cause instanceof TransportClosedError)
      && /device 3 \(native\): urpc\.echo: .* \(and 39 later commands\)$/.test(e.message));
    // A down device fails at once: no wait for a deadline.
    await assert.rejects(g.call('urpc.echo', 1), /device 3 \(native\): urpc\.echo: the device is down since urpc\.echo/);
    await g.syncAll().catch(() => undefined);
  });

  it('shutdown closes every session and leaves no device process', async () => {
    await g.shutdown();
    assert.ok(await waitFor(() => pids.every((p) => !running(p)), 5000), `still running: ${pids.filter(running).join(', ')}`);
    await assert.rejects(g.call('urpc.echo', 1), /the group is shut down/);
  });
});

describe('group: failFast and opening', function () {
  this.timeout(60_000);
  before(async () => {
    await ensureNative();
  });

  it('failFast: the first failure stops the group; later commands are refused without being sent', async () => {
    const g = await connectGroup(['native', 'native', 'native'], { failFast: true });
    try {
      await assert.rejects(g.call('urpc.sleep', g.perDevice([0, 'x', 0])), /device 1 \(native\): urpc\.sleep/);
      const before = wire(g);
      await assert.rejects(g.call('urpc.echo', 1), (e: unknown) => e instanceof GroupError && e.failures.length === 3
        && /the group stopped \(failFast\) after device 1 \(native\): urpc\.sleep/.test(e.failures[0]!.message));
      assert.deepEqual(wire(g), before);
    } finally {
      await g.shutdown();
    }
  });

  it('shutdown with requests on the wire and commands queued: every one fails at once, nothing waits for its deadline', async function () {
    this.timeout(30_000); // the replies' deadline is 100 s: only a prompt failure passes
    const g = await connectGroup(['native', 'native'], { timeoutMs: 100_000 });
    const pids = [devicePid(g, 0), devicePid(g, 1)];
    await g.call('urpc.sleep', 0);
    const sleeping = g.call('urpc.sleep', 90_000);
    const queued = g.call('urpc.echo', 1);
    await waitFor(() => wire(g).every((w) => w.sent - w.taken === 1), 10_000);
    await g.shutdown();
    await assert.rejects(sleeping, (e: unknown) => e instanceof GroupError && e.devices.join() === '0,1' && /shut down/.test(e.message));
    await assert.rejects(queued, /cancelled: the group was shut down/);
    await assert.rejects(g.syncAll().then(() => g.call('urpc.echo', 2)), /the group is shut down/);
    assert.ok(await waitFor(() => pids.every((p) => !running(p)), 5000));
  });

  it('a board that hangs with its link open (SIGSTOP) is down after two missed deadlines; its other calls fail at once', async function () {
    this.timeout(20_000); // 30 calls x a 500 ms deadline would take 15 s; down after two, it takes about 2 s
    const g = await connectGroup(['native', 'native', 'native'], { timeoutMs: 500, firstTimeoutMs: 500, startTimeoutMs: 1000 });
    const frozen = devicePid(g, 1);
    try {
      await g.call('urpc.echo', 0);
      const before = wire(g);
      process.kill(frozen, 'SIGSTOP');
      const calls = await Promise.all(Array.from({ length: 30 }, (_, k) => g.call('urpc.echo', k).catch((e: unknown) => e)));
      for (const [k, r] of calls.entries()) {
        assert.ok(r instanceof GroupError && r.devices.join() === '1', `call ${k}`);
        assert.deepEqual([r.results[0], r.results[2]], [k, k]);
      }
      const causes = calls.map((r) => (r as GroupError).failures[0]!.cause);
      assert.deepEqual(causes.slice(0, 2).map((c) => c.name), ['TimeoutError', 'TimeoutError']);
      assert.ok(causes.slice(2).every((c) => /^the device is down since urpc\.echo: .*(no reply|handshake failed)/.test(c.message)), causes[2]!.message);
      assert.ok(wire(g)[1]!.sent - before[1]!.sent <= 2, 'at most two requests sent to the frozen board');
      assert.match(g.status()[1]!.down ?? '', /device 1 \(native\): urpc\.echo: /);
    } finally {
      process.kill(frozen, 'SIGCONT');
      await g.shutdown();
    }
  });

  it('a device that cannot be opened fails connectGroup with its index and URI; the opened ones are closed', async () => {
    await assert.rejects(connectGroup(['native', 'native:/nonexistent/firmware']), (e: unknown) => e instanceof GroupError
      && e.failures.length === 1 && e.failures[0]!.index === 1 && e.failures[0]!.uri === 'native:/nonexistent/firmware'
      && e.failures[0]!.command === 'connect' && /does not exist/.test(e.message));
    await assert.rejects(connectGroup([]), /at least one device URI/);
  });
});
