// Reliable mode (session version 2): negotiation with plain peers, the device running each
// sequence number once, the host retransmitting lost requests and dropping late duplicates,
// the retransmission timeout, and the fault-injecting link's own guarantees (seeded, ordered).
import assert from 'node:assert/strict';
import { asBytes, u8 } from '../../firmware/lib/prelude.ts';
import { MessageType, SESSION_VERSION, SESSION_VERSION_RELIABLE } from '../../firmware/session/session.ts';
import { RemoteSession } from '../../host/client/remote.ts';
import { DType } from '../../host/client/rpc-session.ts';
import { RtoEstimator } from '../../host/client/rto.ts';
import type { Transport } from '../../host/transport/transport.ts';
import { FaultyTransport, parseFaults } from '../../host/transport/faults.ts';
import { decodeStream } from '../../host/cli/inspect.ts';

const decodeFrames = (b: Uint8Array) => decodeStream(b).frames;
import { endpoint, negotiate } from '../unit/session-helpers.ts';
import { InProcessDevice } from '../e2e/in-process-device.ts';



describe('reliable mode: negotiation', () => {
  it('a host offering 2 and a urpc device agree on 2', () => {
    const r = negotiate(2, 2);
    assert.equal(r.host, SESSION_VERSION_RELIABLE);
    assert.equal(r.device, SESSION_VERSION_RELIABLE);
  });
  it('a plain device (version 1 only, as microTVM) answers 1 and the host falls back to plain', () => {
    const r = negotiate(2, 1);
    assert.equal(r.host, SESSION_VERSION);
    assert.equal(r.device, SESSION_VERSION);
  });
  it('a plain host (microTVM) gets the spec\'s version-1 Reply from a urpc device', () => {
    const r = negotiate(1, 2);
    assert.equal(r.device, SESSION_VERSION);
    const f = decodeFrames(r.reply).find((x) => x.session?.type === MessageType.StartSessionReply);
    assert.equal(f?.session?.version, 1);
  });
  it('a Reply with a version the host did not offer is ignored', () => {
    // Two hosts with the same nonce: the device's version-2 Reply to one is shown to the other,
    // which offered only 1.
    const plainHost = endpoint(0x3c);
    const reliableHost = endpoint(0x3c);
    const dev = endpoint(0xab);
    plainHost.s.setMaxVersion(u8(1));
    reliableHost.s.setMaxVersion(u8(2));
    dev.s.setMaxVersion(u8(2));
    for (const h of [plainHost, reliableHost]) {
      h.s.initialize();
      h.s.startSession();
    }
    dev.s.initialize();
    dev.out.take();
    const plainInit = plainHost.out.take();
    dev.s.receive(asBytes(reliableHost.out.take()));
    plainHost.s.receive(asBytes(dev.out.take()));
    assert.equal(plainHost.s.isEstablished(), false);
    dev.s.receive(asBytes(plainInit));
    plainHost.s.receive(asBytes(dev.out.take()));
    assert.equal(plainHost.s.isEstablished(), true);
    assert.equal(plainHost.s.sessionVersion(), SESSION_VERSION);
  });
});

describe('reliable mode: sequence numbers and retransmission', function () {
  this.timeout(20_000);

  it('a lost reply is asked for again and answered from the device\'s cache, not run twice', async () => {
    const dev = new InProcessDevice({ record: true });
    const s = await RemoteSession.open('in-process', dev, { reliable: true, timeoutMs: 5000, rto: { initialMs: 20, minMs: 20 } });
    assert.equal(s.session.reliable, true);
    const before = await s.info();
    const requests = dev.stack.requests();
    dev.dropReplies = 1; // the allocation's reply is lost
    const t = await s.empty([1024], DType.uint8);
    assert.ok(s.session.retransmissions >= 1);
    assert.ok(dev.stack.repeats() >= 1, 'the repeat was answered from the cache');
    assert.equal(dev.stack.requests(), requests + 1, 'the allocation ran once');
    const after = await s.info();
    assert.equal(before.memFree - after.memFree, 1024, 'one 1 KiB allocation, not two');
    await t.copyFrom(new Uint8Array(1024).fill(9));
    assert.deepEqual(await t.copyTo(), new Uint8Array(1024).fill(9));
    await s.close();
  });

  it('every request and reply is a Reliable message with the same sequence byte', async () => {
    const dev = new InProcessDevice({ record: true });
    const s = await RemoteSession.open('in-process', dev, { reliable: true, compact: false });
    await s.functions.echo(1);
    await s.functions.echo(2);
    const replies = dev.written.flatMap((c) => decodeFrames(c)).filter((f) => f.session?.type === MessageType.Reliable);
    assert.ok(replies.length >= 2);
    const seqs = replies.map((f) => f.session!.seq!);
    assert.equal((seqs.at(-1)! - seqs.at(-2)!) & 0xff, 1, `consecutive sequence numbers: ${seqs.join(' ')}`);
    assert.equal(replies.at(-1)!.session!.rpc?.code_name, 'Return');
    await s.close();
  });

  it('a copy of many blocks keeps two in flight in reliable and compact sessions, one in plain mode', async () => {
    const data = Uint8Array.from({ length: 9000 }, (_, k) => (k * 7 + 3) & 0xff); // 5 blocks
    for (const [maxVersion, peak] of [[SESSION_VERSION, 1], [SESSION_VERSION_RELIABLE, 2], [3, 2]] as const) {
      const dev = new InProcessDevice({ maxVersion });
      const s = await RemoteSession.open('in-process', dev, {});
      const t = await s.empty([data.length], DType.uint8);
      await s.client.maxPacketSize(); // looked up once, before the copy
      const requests = dev.stack.requests();
      const progress: number[] = [];
      await t.copyFrom(data, { onProgress: (done) => progress.push(done) });
      assert.equal(s.client.peakInFlight, peak, `session version ${maxVersion}`);
      assert.equal(dev.stack.requests() - requests, 5, 'each block sent once');
      assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'progress in order');
      assert.equal(progress.at(-1), data.length);
      assert.deepEqual(await t.copyTo(), data);
      await s.close();
    }
  });

  it('a pipelined copy whose first reply is lost: the second reply waits, the first block is sent again, the data is right', async () => {
    const data = Uint8Array.from({ length: 9000 }, (_, k) => (k * 13 + 1) & 0xff);
    const dev = new InProcessDevice();
    const s = await RemoteSession.open('in-process', dev, { timeoutMs: 5000, rto: { initialMs: 20, minMs: 20 } });
    const t = await s.empty([data.length], DType.uint8);
    await s.client.maxPacketSize(); // looked up before: the next reply lost is block 0's
    const resent = s.session.retransmissions;
    dev.dropReplies = 1; // block 0's reply; block 1's comes first
    await t.copyFrom(data);
    assert.equal(s.client.peakInFlight, 2);
    assert.ok(s.session.retransmissions > resent, 'block 0 was sent again');
    assert.equal(s.session.repliesHeld, 1, 'block 1\'s reply waited for block 0\'s');
    assert.equal(s.client.unexpected, 0, 'every reply went to its own request');
    assert.deepEqual(await t.copyTo(), data);
    await s.close();
  });

  it('a pipelined copy that fails on the device fails with the device\'s error once every block sent is answered', async () => {
    const dev = new InProcessDevice();
    const s = await RemoteSession.open('in-process', dev, {});
    const t = await s.empty([9000], DType.uint8);
    await s.client.freeData(t.handle); // freed behind the NDArray's back: the device refuses every block
    await assert.rejects(t.copyFrom(new Uint8Array(9000)), /CopyToRemote/);
    assert.equal(s.client.unexpected, 0);
    assert.deepEqual(await s.functions.echo(5), [5], 'the session serves the next call');
    await s.close();
  });

  it('a host offering reliable mode to a plain device speaks plain MinRPC', async () => {
    const dev = new InProcessDevice({ maxVersion: SESSION_VERSION, record: true });
    const s = await RemoteSession.open('in-process', dev, { reliable: true });
    assert.equal(s.session.reliable, false);
    assert.deepEqual(await s.functions.echo(7, 'x'), [7, 'x']);
    const types = new Set(dev.written.flatMap((c) => decodeFrames(c)).map((f) => f.session?.type));
    assert.ok(types.has(MessageType.Normal) && !types.has(MessageType.Reliable));
    await s.close();
  });
});

describe('reliable mode: retransmission timeout', () => {
  it('learns per size class, borrows a smaller class doubled, never goes under 2 x srtt, and caps backoff at 8 x RTO', () => {
    const r = new RtoEstimator({ initialMs: 250, minMs: 1, maxMs: 10_000 });
    assert.equal(r.timeoutMs(10), 250);
    r.sample(2, 10);
    assert.equal(r.timeoutMs(10), 6); // first sample: rtt + 4 x rtt/2
    assert.equal(r.timeoutMs(200), 6 * 4); // two classes up: doubled twice
    for (let i = 0; i < 50; i++) r.sample(2, 10);
    // Steady: rttvar goes to ~0, and the RTO settles at its floor of two round trips (not at
    // srtt + 4 x rttvar ~ srtt, which scheduling jitter overruns).
    assert.ok(r.timeoutMs(10) >= 4 && r.timeoutMs(10) < 4.1, `settles at 2 x the round trip: ${r.timeoutMs(10)}`);
    const base = r.timeoutMs(10);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 9].map((k) => r.backoff(k, 10) / base), [1, 1, 2, 4, 8, 8, 8]);
  });
});

describe('fault-injecting link', () => {
  class Sink implements Transport {
    readonly name = 'sink';
    got: number[] = [];
    async write(d: Uint8Array): Promise<void> { this.got.push(...d); }
    onData(): void {}
    onClose(): void {}
    async close(): Promise<void> {}
  }
  const data = Uint8Array.from({ length: 20_000 }, (_, i) => i & 0xff);

  it('is reproducible from its seed and honours the rates', async () => {
    const runs = await Promise.all([1, 1, 2].map(async (seed) => {
      const sink = new Sink();
      const f = new FaultyTransport(sink, { seed, drop: 0.01, flip: 0.001, duplicate: 0.005 });
      await f.write(data);
      return { got: sink.got, stats: f.stats };
    }));
    assert.deepEqual(runs[0]!.got, runs[1]!.got);
    assert.notDeepEqual(runs[0]!.got, runs[2]!.got);
    const s = runs[0]!.stats;
    assert.ok(s.dropped > 120 && s.dropped < 290, `dropped ${s.dropped} of 20000 at 1%`);
    assert.ok(s.flipped > 5 && s.flipped < 45, `flipped ${s.flipped}`);
    assert.equal(runs[0]!.got.length, data.length - s.dropped + s.duplicated);
  });

  it('keeps byte order through random delays', async () => {
    const sink = new Sink();
    const f = new FaultyTransport(sink, { seed: 5, delay: 0.5, delayMs: 5 });
    const chunks = Array.from({ length: 200 }, (_, i) => Uint8Array.of(i));
    await Promise.all(chunks.map((c) => f.write(c)));
    assert.deepEqual(sink.got, chunks.map((c) => c[0]));
    assert.ok(f.stats.delayedChunks > 50);
  });

  it('rejects a malformed fault list with a clear message', () => {
    assert.deepEqual(parseFaults('drop=0.01, flip=0.001,seed=3'), { drop: 0.01, flip: 0.001, seed: 3 });
    assert.throws(() => parseFaults('drop=2'), /drop is a probability, at most 1/);
    assert.throws(() => parseFaults('loss=0.1'), /unknown fault 'loss'; known: drop, flip/);
    assert.throws(() => parseFaults('drop'), /'drop' needs a number >= 0/);
    assert.throws(() => parseFaults('direction=up'), /direction must be both, to-device or from-device/);
  });
});
