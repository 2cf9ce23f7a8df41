// Async device functions (urpc.sleep, completing from the main loop's deviceTick / RpcServer.tick)
// on RemoteSession(native) and LocalSession: the reply comes after the delay and exactly once, the
// device keeps serving its link meanwhile (a second request gets kException "still pending" at
// once), a session reset while pending drops the call without a reply, and the next call works.
import assert from 'node:assert/strict';
import { connect } from '../../host/client/connect.ts';
import { RemoteError, TimeoutError } from '../../host/client/client.ts';
import type { RpcSession } from '../../host/client/rpc-session.ts';
import { RemoteSession } from '../../host/client/remote.ts';
import { LocalSession } from '../../host/client/local.ts';
import { RPCCode, callFuncPacket, decodeReply, int, str, type Reply } from '../../host/client/packet.ts';
import { FUNCTIONS } from '../../host/app/rpc-tables.ts';
import { ensureNative } from './helpers.ts';

const G = (i: number): bigint => BigInt(0x80028000 + i);
const SLEEP = G(FUNCTIONS.findIndex((f) => f[1] === 'urpc.sleep'));
const MAXPKT = G(3);
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Seen { at: number; reply: Reply }

/** Sends packets past the client (which allows one outstanding request) and records every reply. */
function rawLink(s: RpcSession): { send(p: Uint8Array): Promise<void>; seen: Seen[]; t0: number; restore(): void } {
  const seen: Seen[] = [];
  const t0 = Date.now();
  const client = s.client as unknown as { onPacket: (p: Uint8Array) => void };
  client.onPacket = (p) => seen.push({ at: Date.now() - t0, reply: decodeReply(p) });
  const send = s instanceof LocalSession
    ? async (p: Uint8Array) => s.handle(p)
    : async (p: Uint8Array) => (s as RemoteSession).session.sendPacket(p);
  return { send, seen, t0, restore: () => delete (client as { onPacket?: unknown }).onPacket };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await pause(5);
}

function suite(kind: string, open: () => Promise<RpcSession>, resetSession: (s: RpcSession) => Promise<void>): void {
  describe(`async device functions: ${kind}`, function () {
    this.timeout(60_000);
    let s: RpcSession;
    before(async () => {
      s = await open();
    });
    after(async () => {
      await s?.close();
    });

    it('functions.sleep(ms) answers after ms, once; the deadline is extended by ms', async () => {
      const t0 = Date.now();
      await s.functions.sleep(150);
      const dt = Date.now() - t0;
      // Not early (the device waits its 150 ms); no upper bound on a shared machine: the deadline
      // (the client's, extended by ms) is what bounds it.
      assert.ok(dt >= 150, `answered after ${dt} ms, before the 150 ms sleep ended`);
      const unexpected = s.client.unexpected;
      s.client.timeoutMs = 300;
      try {
        await s.functions.sleep(400); // longer than the normal deadline
      } finally {
        s.client.timeoutMs = 5000;
      }
      await pause(100);
      assert.equal(s.client.unexpected, unexpected, 'no second reply');
      assert.equal(await s.functions.sleep(0), undefined);
    });

    it('a second request while one is pending gets kException at once; the pending reply comes later, exactly once', async () => {
      const link = rawLink(s);
      try {
        await link.send(callFuncPacket(SLEEP, [int(250)]));
        await pause(20);
        await link.send(callFuncPacket(MAXPKT, []));
        await until(() => link.seen.length >= 2, 3000);
        await pause(200); // nothing else may arrive
        assert.equal(link.seen.length, 2, JSON.stringify(link.seen.map((x) => x.reply.code)));
        const [busy, done] = link.seen as [Seen, Seen];
        assert.equal(busy.reply.code, RPCCode.Exception);
        assert.match((busy.reply as { message: string }).message, /a call is still pending: the device serves one request at a time/);
        assert.ok(busy.at < 200, `Busy after ${busy.at} ms`);
        assert.equal(done.reply.code, RPCCode.Return);
        assert.deepEqual((done.reply as { values: unknown[] }).values, [int(4), { type: 'null' }]);
        assert.ok(done.at >= 250, `reply after ${done.at} ms`);
      } finally {
        link.restore();
      }
      assert.deepEqual(await s.client.call(MAXPKT, []), int(2037));
    });

    it('a session reset while a call is pending drops it: no reply, the next call works', async () => {
      const link = rawLink(s);
      try {
        await link.send(callFuncPacket(SLEEP, [int(200)]));
        await pause(30);
        await resetSession(s);
        await pause(400);
        assert.deepEqual(link.seen.map((x) => x.reply.code), [], 'no reply for the dropped call');
      } finally {
        link.restore();
      }
      assert.deepEqual(await s.client.call(MAXPKT, []), int(2037));
      await s.functions.sleep(10);
    });

    it('urpc.sleep refuses bad arguments and the time evaluator refuses it', async () => {
      await assert.rejects(s.functions.sleep(600001), (e: unknown) => e instanceof RemoteError && /urpc.sleep: 600001 ms is more than the limit of 600000 ms/.test(e.remoteMessage));
      await assert.rejects(s.client.call(SLEEP, [str('1')]), /argument 0: type code 11, expected 0/);
      await assert.rejects(s.client.call(SLEEP, []), /expected 1 arguments, got 0/);
      await assert.rejects(s.timeEvaluator('urpc.sleep'), /function \d+ cannot be timed/);
      assert.deepEqual(await s.client.call(MAXPKT, []), int(2037));
    });

    it('a call that times out on the host while pending: its late reply is counted, the session goes on', async () => {
      const unexpected = s.client.unexpected;
      await assert.rejects(s.client.call(SLEEP, [int(150)], 'urpc.sleep', 50), TimeoutError);
      await pause(250);
      assert.equal(s.client.unexpected, unexpected + 1);
      assert.deepEqual(await s.client.call(MAXPKT, []), int(2037));
    });
  });
}

suite('RemoteSession(native)', async () => {
  const b = await ensureNative();
  return connect(`native:${b.output}`, { reliable: false }); // raw Normal packets past the client
}, async (s) => {
  // The host starts a new session (Terminate, then Init): the device resets its server.
  const hs = (s as RemoteSession).session;
  (hs as unknown as { session: { initialize(): unknown } }).session.initialize();
  await hs.ensureOpen();
});
suite('LocalSession', async () => connect('local'), async (s) => (s as LocalSession).reset());
