// The test tracker (test/tracker/tracker.ts) against the bytes the spec observed on TVM v0.13's
// tracker (shared/spec/tvm-rpc-tracker.md §2.8 T1-T10 and the priority and stale-slot sequences),
// driven by the independent raw client: the flows that run urpc against this stand-in then run
// against what TVM's tracker does.
import assert from 'node:assert/strict';
import { TestTracker } from './tracker.ts';
import { Raw, RawTracker } from '../tvm-rpc/tvm-client.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const framed = (json: string): Buffer => { const h = Buffer.alloc(4); h.writeInt32LE(json.length); return Buffer.concat([h, Buffer.from(json)]); };

describe('test tracker (v0.13 behaviour from the spec)', function () {
  this.timeout(20_000);
  let tr: TestTracker;
  beforeEach(async () => { tr = new TestTracker(); await tr.listen(); });
  afterEach(async () => { await tr.close(); });

  it('T1-T7: UPDATE_INFO, PUT, pending keys, SUMMARY, REQUEST, PING byte for byte', async () => {
    const s = await RawTracker.connect(tr.port);
    const c = await RawTracker.connect(tr.port);
    try {
      const exchange = async (t: RawTracker, req: Buffer, reply: Buffer): Promise<void> => {
        t.c.write(req);
        const got = await t.c.read(reply.length);
        assert.equal(got.toString('hex'), reply.toString('hex'));
      };
      await exchange(s, framed('[5, {"key": "server:stm32", "addr": [null, 9091]}]'), hex('01000000 30'));
      assert.equal(framed('[5, {"key": "server:stm32", "addr": [null, 9091]}]').subarray(0, 4).toString('hex'), '32000000'); // T1: 50 B
      await exchange(s, hex('28000000 5b332c202273746d3332222c205b393039312c202273746d33323a302e3235225d2c206e756c6c5d'), hex('01000000 30'));
      await exchange(s, hex('03000000 5b375d'), hex('0e000000 5b2273746d33323a302e3235225d'));
      await exchange(s, hex('03000000 5b365d'), framed('[0, {"queue_info": {"stm32": {"free": 1, "pending": 0}}, "server_info": [{"key": "server:stm32", "addr": ["127.0.0.1", 9091]}]}]'));
      assert.equal(framed('[0, {"queue_info": {"stm32": {"free": 1, "pending": 0}}, "server_info": [{"key": "server:stm32", "addr": ["127.0.0.1", 9091]}]}]').readInt32LE(0), 128);
      await exchange(c, hex('13000000 5b342c202273746d3332222c2022222c20315d'),
        hex('26000000 5b302c205b223132372e302e302e31222c20393039312c202273746d33323a302e3235225d5d'));
      await exchange(s, hex('03000000 5b375d'), hex('02000000 5b5d'));
      await exchange(s, hex('03000000 5b315d'), hex('01000000 30'));
    } finally { s.close(); c.close(); }
  });

  it('T8: STOP with a wrong key answers -1; T9: magic and a message in one write, T10: a wrong magic: closed, no bytes', async () => {
    const s = await RawTracker.connect(tr.port);
    s.c.write(framed('[2, "wrong"]'));
    assert.equal((await s.c.read(6)).toString('hex'), '020000002d31');
    s.close();
    const t9 = await Raw.connect(tr.port);
    t9.write(hex('71f20200 03000000 5b315d'));
    assert.deepEqual(await t9.closesWithin(3000), { closed: true, bytes: 0 });
    const t10 = await Raw.connect(tr.port);
    t10.write(hex('71f20f00'));
    assert.deepEqual(await t10.closesWithin(3000), { closed: true, bytes: 0 });
  });

  it('priority, custom address, clean-up after UPDATE_INFO, stale slot without it', async () => {
    const c2 = await RawTracker.connect(tr.port);
    const c3 = await RawTracker.connect(tr.port);
    const s = await RawTracker.connect(tr.port);
    const q = await RawTracker.connect(tr.port);
    try {
      c2.send('[4, "stm32", "", 1]');
      c3.send('[4, "stm32", "", 5]');
      await new Promise((r) => setTimeout(r, 100));
      assert.match(await q.ask('[6]'), /"stm32": \{"free": 0, "pending": 2\}/);
      assert.equal(await s.ask('[5, {"key": "server:stm32", "addr": [null, 9091]}]'), '0');
      assert.equal(await s.ask('[3, "stm32", [9091, "stm32:0.5"], "192.168.1.7"]'), '0');
      assert.equal(await c3.recv(), '[0, ["192.168.1.7", 9091, "stm32:0.5"]]');
      assert.equal(await s.ask('[3, "stm32", [9091, "stm32:0.75"], null]'), '0');
      assert.equal(await c2.recv(), '[0, ["127.0.0.1", 9091, "stm32:0.75"]]');
      assert.equal(await s.ask('[3, "stm32", [9091, "stm32:0.875"], null]'), '0');
      assert.match(await q.ask('[6]'), /"stm32": \{"free": 1, "pending": 0\}/);
      s.close();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await q.ask('[6]'), '[0, {"queue_info": {"stm32": {"free": 0, "pending": 0}}, "server_info": []}]');
      const n = await RawTracker.connect(tr.port);
      assert.equal(await n.ask('[3, "nucleo", [9092, "nucleo:0.5"], null]'), '0');
      n.close();
      await new Promise((r) => setTimeout(r, 100));
      assert.match(await q.ask('[6]'), /"nucleo": \{"free": 1, "pending": 0\}/);
    } finally { c2.close(); c3.close(); s.close(); q.close(); }
  });
});
