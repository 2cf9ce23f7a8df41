// host/tvm's encoders and parsers against the byte vectors of shared/spec/tvm-rpc-tracker.md
// (R1-R8, R15 of §1.6; T1-T5 of §2.8; the §2.7 conversation's messages).
import assert from 'node:assert/strict';
import { clientHandshake, serverAccept, serverMismatch, parseClientKey, parseInitServer, initServer } from '../../host/tvm/rpc-wire.ts';
import { trackerMessage, trackerMagic, parseSlot, parseSummary, pyJson } from '../../host/tvm/tracker-wire.ts';
import { returnPacket, shutdownPacket } from '../../host/client/packet.ts';

const hex = (s: string): string => s.replace(/\s+/g, '');
const h = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): string => Buffer.from(s, 'ascii').toString('hex');

describe('TVM RPC and tracker vectors (host/tvm)', () => {
  it('R1-R5: the RPC handshake both ways', () => {
    assert.equal(h(clientHandshake('client:stm32:0.25')), hex('71 f2 0f 00 11 00 00 00 63 6c 69 65 6e 74 3a 73 74 6d 33 32 3a 30 2e 32 35'));
    assert.equal(h(clientHandshake('client:stm32:0.25 -timeout=10')), hex('71 f2 0f 00 1d 00 00 00') + ascii('client:stm32:0.25 -timeout=10'));
    assert.equal(h(clientHandshake('client:')), hex('71 f2 0f 00 07 00 00 00 63 6c 69 65 6e 74 3a'));
    assert.equal(h(serverAccept('stm32')), hex('71 f2 0f 00 0c 00 00 00 73 65 72 76 65 72 3a 73 74 6d 33 32'));
    assert.equal(h(serverMismatch()), hex('73 f2 0f 00'));
    assert.deepEqual(parseClientKey('client:stm32:0.25 -timeout=10'), { key: 'client:stm32:0.25', timeoutS: 10 });
    assert.deepEqual(parseClientKey('client:'), { key: 'client:' });
  });

  it('R6-R8, R15: kInitServer, ReturnVoid, kShutdown', () => {
    const r6 = hex('15 00 00 00 00 00 00 00 02 00 00 00 05 00 00 00 00 00 00 00 30 2e 38 2e 30 00 00 00 00');
    assert.equal(h(initServer()), r6);
    assert.deepEqual(parseInitServer(Buffer.from(r6, 'hex')), { version: '0.8.0', args: 0 });
    const r7 = Buffer.from(hex('31 00 00 00 00 00 00 00 02 00 00 00 05 00 00 00 00 00 00 00 30 2e 38 2e 30 01 00 00 00 0b 00 00 00 10 00 00 00 00 00 00 00') + ascii('rpc.LocalSession'), 'hex');
    assert.deepEqual(parseInitServer(r7), { version: '0.8.0', args: 1, constructor: 'rpc.LocalSession' });
    assert.equal(h(returnPacket([{ type: 'null' }])), hex('0c 00 00 00 00 00 00 00 04 00 00 00 01 00 00 00 04 00 00 00'));
    assert.equal(h(shutdownPacket()), hex('04 00 00 00 00 00 00 00 01 00 00 00'));
  });

  it('T1, T2 and the §2.7 messages as Python json.dumps writes them', () => {
    assert.equal(h(trackerMagic()), '71f20200');
    assert.equal(h(trackerMessage([5, { key: 'server:stm32', addr: [null, 9091] }])), '32000000' + ascii('[5, {"key": "server:stm32", "addr": [null, 9091]}]'));
    assert.equal(h(trackerMessage([3, 'stm32', [9091, 'stm32:0.25'], null])),
      hex('28 00 00 00 5b 33 2c 20 22 73 74 6d 33 32 22 2c 20 5b 39 30 39 31 2c 20 22 73 74 6d 33 32 3a 30 2e 32 35 22 5d 2c 20 6e 75 6c 6c 5d'));
    assert.equal(h(trackerMessage([5, { key: 'server:stm32', addr: [null, 19091] }])).slice(0, 8), '33000000');
    assert.equal(h(trackerMessage([3, 'stm32', [19091, 'stm32:0.32383276483316237'], null])).slice(0, 8), '38000000');
    assert.equal(h(trackerMessage([4, 'stm32', '', 1])), hex('13 00 00 00 5b 34 2c 20 22 73 74 6d 33 32 22 2c 20 22 22 2c 20 31 5d'));
    assert.equal(h(trackerMessage([7])), hex('03 00 00 00 5b 37 5d'));
    assert.equal(pyJson(['é\u007f']), '["\\u00e9\u007f"]'); // ensure_ascii escapes past 0x7f only
  });

  it('T4, T5: the replies parsed', () => {
    assert.deepEqual(parseSlot(JSON.parse('[0, ["127.0.0.1", 9091, "stm32:0.25"]]')), { host: '127.0.0.1', port: 9091, matchKey: 'stm32:0.25' });
    assert.throws(() => parseSlot(JSON.parse('[-1, "x"]')), /answered the request/);
    assert.deepEqual(parseSummary(JSON.parse('[0, {"queue_info": {"stm32": {"free": 1, "pending": 0}}, "server_info": [{"key": "server:stm32", "addr": ["127.0.0.1", 9091]}]}]')),
      { queueInfo: { stm32: { free: 1, pending: 0 } }, servers: [{ key: 'server:stm32', addr: ['127.0.0.1', 9091] }] });
  });
});
