// Spec §7.3 full-stack vectors at the packet level, byte-exact, against the FwTS server.
import assert from 'node:assert/strict';
import { Harness } from './rpc-fixtures.ts';
import { fromHex, toHex, callFuncPacket, syscallPacket, copyToRemotePacket, copyFromRemotePacket, shutdownPacket,
  initServerPacket, str, int, exceptionPacket, decodeReply, returnValue, type DLTensor, type Value } from '../../host/client/packet.ts';

const V = {
  getSystemLib: '25 00 00 00 00 00 00 00 09 00 00 00 01 00 00 00 0B 00 00 00 11 00 00 00 00 00 00 00 72 75 6E 74 69 6D 65 2E 53 79 73 74 65 6D 4C 69 62',
  handleReply: '14 00 00 00 00 00 00 00 04 00 00 00 01 00 00 00 03 00 00 00 00 80 02 80 00 00 00 00',
  callSystemLib: '10 00 00 00 00 00 00 00 03 00 00 00 00 80 02 80 00 00 00 00 00 00 00 00',
  moduleReply: '20 00 00 00 00 00 00 00 04 00 00 00 02 00 00 00 00 00 00 00 03 00 00 00 09 00 00 00 00 00 00 00 00 80 00 00 00 00 00 00',
  callRandomFillIntMinus1: '1C 00 00 00 00 00 00 00 03 00 00 00 04 80 02 80 00 00 00 00 01 00 00 00 00 00 00 00 FF FF FF FF FF FF FF FF',
  voidReply: '18 00 00 00 00 00 00 00 04 00 00 00 02 00 00 00 00 00 00 00 04 00 00 00 04 00 00 00 00 00 00 00',
  returnVoid: '0C 00 00 00 00 00 00 00 04 00 00 00 01 00 00 00 04 00 00 00',
  oops: '18 00 00 00 00 00 00 00 05 00 00 00 01 00 00 00 0B 00 00 00 04 00 00 00 00 00 00 00 6F 6F 70 73',
  maxPacketReply: '20 00 00 00 00 00 00 00 04 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 F5 07 00 00 00 00 00 00',
  shutdown: '04 00 00 00 00 00 00 00 01 00 00 00',
  allocWithScope: '38 00 00 00 00 00 00 00 11 00 00 00 02 00 00 00 07 00 00 00 04 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 01 00 00 00 00 08 01 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00',
  copyTo: '36 00 00 00 00 00 00 00 07 00 00 00 00 10 00 00 00 00 00 00 01 00 00 00 00 00 00 00 01 00 00 00 00 08 01 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 02 03',
  copyFrom: '34 00 00 00 00 00 00 00 06 00 00 00 00 10 00 00 00 00 00 00 01 00 00 00 00 00 00 00 01 00 00 00 00 08 01 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00',
  copyAck: '06 00 00 00 00 00 00 00 08 00 00 00 02 03',
  initServer: '15 00 00 00 00 00 00 00 02 00 00 00 05 00 00 00 00 00 00 00 30 2E 38 2E 30 00 00 00 00',
};

const t8x2: DLTensor = { data: 0x1000n, device: { deviceType: 1, deviceId: 0 }, dtype: { code: 0, bits: 8, lanes: 1 }, shape: [2n], byteOffset: 0n };

describe('rpc §7.3 vectors (packet level)', () => {
  it('host encoder produces the request vectors byte for byte', () => {
    assert.equal(toHex(syscallPacket(9, [str('runtime.SystemLib')])), V.getSystemLib);
    assert.equal(toHex(callFuncPacket(0x80028000n, [])), V.callSystemLib);
    assert.equal(toHex(callFuncPacket(0x80028004n, [int(-1)])), V.callRandomFillIntMinus1);
    assert.equal(toHex(shutdownPacket()), V.shutdown);
    assert.equal(toHex(syscallPacket(17, [{ type: 'tensor', value: { ...t8x2, data: 0n } }, { type: 'null' }])), V.allocWithScope);
    assert.equal(toHex(copyToRemotePacket(t8x2, Uint8Array.of(2, 3))), V.copyTo);
    assert.equal(toHex(copyFromRemotePacket(t8x2, 2)), V.copyFrom);
    assert.equal(toHex(initServerPacket('0.8.0')), V.initServer);
  });

  it('GetGlobalFunc("runtime.SystemLib") -> handle 0x80028000', () => {
    assert.equal(new Harness().runHex(V.getSystemLib), V.handleReply);
  });
  it('CallFunc(0x80028000) -> module 0x8000 (original tcode 9)', () => {
    assert.equal(new Harness().runHex(V.callSystemLib), V.moduleReply);
  });
  it('GetCRTMaxPacketSize -> 2037', () => {
    const h = new Harness();
    assert.equal(h.runHex(toHex(callFuncPacket(0x80028003n, []))), V.maxPacketReply);
  });
  it('a void function -> the 0x18-byte void reply', () => {
    const h = new Harness();
    assert.equal(h.runHex(toHex(callFuncPacket(0x80028005n, []))), V.voidReply); // urpc.echo()
  });
  it('Shutdown -> no reply', () => {
    assert.equal(new Harness().runHex(V.shutdown), undefined);
  });
  it('InitServer "0.8.0" -> ReturnVoid', () => {
    assert.equal(new Harness().runHex(V.initServer), V.returnVoid);
  });
  it('DevAllocDataWithScope(int8[2]) -> handle; CopyToRemote -> ReturnVoid; CopyFromRemote -> CopyAck 02 03', () => {
    const h = new Harness();
    assert.equal(h.runHex(V.allocWithScope), '14 00 00 00 00 00 00 00 04 00 00 00 01 00 00 00 03 00 00 00 00 10 00 00 00 00 00 00');
    assert.equal(h.runHex(V.copyTo), V.returnVoid);
    assert.equal(h.runHex(V.copyFrom), V.copyAck);
  });
  it('CallFunc(random_fill, int -1) is answered with an exception, not a hang', () => {
    const r = new Harness().run(fromHex(V.callRandomFillIntMinus1));
    assert.ok(r);
    assert.equal(r[8], 5);
  });
  it('exception replies use the "oops" vector encoding', () => {
    assert.equal(toHex(exceptionPacket('oops')), V.oops);
    assert.deepEqual(decodeReply(fromHex(V.oops)), { code: 5, message: 'oops' });
    const r = new Harness().run(fromHex('04 00 00 00 00 00 00 00 00 00 00 00'))!;
    // The device sends the short text (docs/exception-codes.md); urpc's host shows the full one.
    assert.equal(toHex(r), toHex(exceptionPacket('UnknownCode(0)')));
    assert.deepEqual(decodeReply(r), { code: 5, message: 'unknown RPC code 0' });
  });
  it('host decoder reads the reply vectors', () => {
    assert.deepEqual(returnValue((decodeReply(fromHex(V.moduleReply)) as { values: Value[] }).values), { type: 'module', value: 0x8000n });
    assert.deepEqual(returnValue((decodeReply(fromHex(V.maxPacketReply)) as { values: Value[] }).values), { type: 'int', value: 2037n });
    assert.equal(returnValue((decodeReply(fromHex(V.voidReply)) as { values: Value[] }).values), undefined);
    assert.deepEqual(decodeReply(fromHex(V.copyAck)), { code: 8, data: Uint8Array.of(2, 3) });
    assert.deepEqual(decodeReply(fromHex(V.handleReply)), { code: 4, values: [{ type: 'handle', value: 0x80028000n }] });
  });
});
