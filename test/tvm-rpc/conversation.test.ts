// The §2.7 conversation byte for byte (shared/spec/tvm-rpc-tracker.md), with urpc on each side in
// turn and a scripted peer that answers with the spec's bytes and records what urpc sends:
//   S -> T   urpc's registration (steps 1-8, key regeneration after four unanswered pings, the
//            re-registration of step 17: a new PUT, no UPDATE_INFO);
//   C -> T, D -> S   urpc's tracker: link (steps 9-16: REQUEST, the RPC handshake with the
//            handed-out key, kInitServer R6, kShutdown R15 at close).
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { TrackerRegistration } from '../../host/tvm/tracker-register.ts';
import { openTrackerLink } from '../../host/tvm/tracker-link.ts';
import { Raw, RETURN_VOID, INIT_SERVER, SHUTDOWN } from './tvm-client.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const framed = (json: string): Buffer => { const h = Buffer.alloc(4); h.writeInt32LE(json.length); return Buffer.concat([h, Buffer.from(json, 'ascii')]); };

/** A server that hands each accepted connection to `script` as a Raw connection. */
async function scripted(script: (c: Raw) => Promise<void>): Promise<{ port: number; done: Promise<void>; close: () => void }> {
  let finish!: (e?: unknown) => void;
  const done = new Promise<void>((res, rej) => { finish = (e) => (e === undefined ? res() : rej(e)); });
  const server = net.createServer((s) => {
    server.close();
    script(Raw.wrap(s)).then(() => finish(), (e: unknown) => finish(e)).finally(() => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as net.AddressInfo).port, done, close: () => server.close() };
}

async function readFramed(c: Raw): Promise<string> {
  const n = (await c.read(4)).readInt32LE(0);
  return (await c.read(n)).toString('ascii');
}

describe('the §2.7 conversation, byte for byte', function () {
  this.timeout(30_000);

  it('registration: magic alone, UPDATE_INFO (51 B), PUT (56 B), [7] pings, a new key after four [] answers, a new PUT after a session', async () => {
    let reg: TrackerRegistration | undefined;
    const target = { matchKey: '', busy: false };
    const puts: string[] = [];
    const t = await scripted(async (c) => {
      // Steps 1-2: the magic arrives alone (v0.13 drops the connection otherwise), then the echo.
      assert.equal((await c.read(4)).toString('hex'), '71f20200');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(c.buffered, 0, 'nothing may follow the magic before the echo');
      c.write(hex('71 f2 02 00'));
      // Steps 3-6.
      const update = await c.read(0x33 + 4);
      assert.equal(update.toString('hex'), framed('[5, {"key": "server:stm32", "addr": [null, 19091]}]').toString('hex'));
      c.write(hex('01 00 00 00 30'));
      const put = await readFramed(c);
      assert.match(put, /^\[3, "stm32", \[19091, "stm32:0\.\d+"\], null\]$/);
      assert.equal(put, `[3, "stm32", [19091, "${target.matchKey}"], null]`);
      puts.push(put);
      c.write(hex('01 00 00 00 30'));
      // Steps 7-8: still pending.
      assert.equal((await c.read(7)).toString('hex'), '030000005b375d');
      c.write(framed(`["${target.matchKey}"]`));
      // A client took the key and never came: four pings answered [] (at 2 s each: > 6 s) ...
      for (let i = 0; i < 4; i++) {
        assert.equal((await c.read(7)).toString('hex'), '030000005b375d', `ping ${i + 1}`);
        c.write(hex('02 00 00 00 5b 5d'));
      }
      // ... then a new key, no UPDATE_INFO.
      const again = await readFramed(c);
      assert.match(again, /^\[3, "stm32", \[19091, "stm32:0\.\d+"\], null\]$/);
      assert.notEqual(again, puts[0]);
      puts.push(again);
      c.write(hex('01 00 00 00 30'));
      // Step 17: after a session, a new PUT on the same connection.
      reg!.sessionEnded();
      let next = await readFramed(c);
      while (next === '[7]') { c.write(framed(`["${target.matchKey}"]`)); next = await readFramed(c); }
      assert.match(next, /^\[3, "stm32", \[19091, "stm32:0\.\d+"\], null\]$/);
      assert.ok(!puts.includes(next));
      c.write(hex('01 00 00 00 30'));
    });
    reg = new TrackerRegistration({ tracker: { host: '127.0.0.1', port: t.port }, key: 'stm32', port: 19091, server: target, note: () => undefined, pingMs: 50, unusedMs: 150, retryMs: 60_000 });
    reg.start();
    try { await t.done; } finally { await reg.stop(); t.close(); }
  });

  it("tracker: link: REQUEST (§2.7 step 10), the RPC handshake with the handed-out key (step 12), R6; R15 when closed", async () => {
    const mk = 'stm32:0.32383276483316237';
    let shutdownSeen = false;
    const d = await scripted(async (c) => {
      assert.equal((await c.read(8 + 32)).toString('hex'), hex('71 f2 0f 00 20 00 00 00').toString('hex') + Buffer.from(`client:${mk}`).toString('hex'));
      // The answer in three writes, as server.py sends it (step 13).
      c.write(hex('71 f2 0f 00'));
      c.write(hex('0c 00 00 00'));
      c.write(Buffer.from('server:stm32'));
      assert.equal((await c.read(INIT_SERVER.length)).toString('hex'), INIT_SERVER.toString('hex'));
      c.write(RETURN_VOID);
      assert.equal((await c.read(SHUTDOWN.length, 10_000)).toString('hex'), SHUTDOWN.toString('hex'));
      shutdownSeen = true;
    });
    const t = await scripted(async (c) => {
      assert.equal((await c.read(4)).toString('hex'), '71f20200');
      c.write(hex('71 f2 02 00'));
      assert.equal((await c.read(0x13 + 4)).toString('hex'), hex('13 00 00 00 5b 34 2c 20 22 73 74 6d 33 32 22 2c 20 22 22 2c 20 31 5d').toString('hex'));
      c.write(framed(`[0, ["127.0.0.1", ${d.port}, "${mk}"]]`));
      await c.closesWithin(5000); // the link drops its tracker connection once it has the slot
    });
    try {
      const link = await openTrackerLink(`tracker:127.0.0.1:${t.port}/stm32`, 5000);
      await link.close();
      await d.done;
      await t.done;
      assert.ok(shutdownSeen);
    } finally { d.close(); t.close(); }
  });

  it('tracker: link refuses a server that answers the handshake with 0xff273, naming it', async () => {
    const d = await scripted(async (c) => { await c.read(8); c.write(hex('73 f2 0f 00')); });
    const t = await scripted(async (c) => {
      await c.read(4);
      c.write(hex('71 f2 02 00'));
      await readFramed(c);
      c.write(framed(`[0, ["127.0.0.1", ${d.port}, "stm32:0.5"]]`));
      await c.closesWithin(5000);
    });
    try {
      await assert.rejects(openTrackerLink(`tracker:127.0.0.1:${t.port}/stm32`, 5000), /no matching key \(0xff273/);
    } finally { d.close(); t.close(); }
  });
});
