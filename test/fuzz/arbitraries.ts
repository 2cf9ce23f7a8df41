// fast-check arbitraries of fuzz inputs for the three targets (the byte formats of
// test/fuzz/targets, encoded by inputs.ts): raw bytes, mutated seeds, and structured inputs
// whose RPC requests are built with the host client's packet builders from random values.
import fc from 'fast-check';
import {
  ByteWriter, writeArgs, syscallPacket, copyToRemotePacket, copyFromRemotePacket, packet, callFuncPacket,
  type DLTensor, type Value,
} from '../../host/client/packet.ts';
import {
  encodeUnframer, encodeSession, encodeRpc, withoutLength,
  type Chunking, type FrameOpts, type UnframerRecord, type SessionRecord, type RpcRecord, type CommonRecord,
} from './inputs.ts';
import type { Target } from './build.ts';

const chunking: fc.Arbitrary<Chunking> = fc.constantFrom('whole', 'bytes', 'small', 'large');
const byte = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const bytesArb = (maxLength: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength });
/** Bytes rich in the wire's special values (FF, FD, FE). */
const wireBytes = (maxLength: number): fc.Arbitrary<Uint8Array> =>
  fc.array(fc.oneof(byte, fc.constantFrom(0xff, 0xfd, 0xfe, 0x00)), { maxLength }).map((a) => Uint8Array.from(a));

/** Mostly clean frames; sometimes a wrong id, damage, a cut, FE, a no-op pair. */
const frameOpts: fc.Arbitrary<FrameOpts> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc.record(
      { sidXor: u16, damage: u16, cut: u16, nopAt: byte, fe: fc.boolean() },
      { requiredKeys: [] },
    ),
  },
);

// ---- unframer ----

const unframerRecord: fc.Arbitrary<UnframerRecord> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('frame' as const), payload: wireBytes(300), fe: fc.boolean(), damage: fc.option(u16, { nil: undefined }), nopAt: fc.option(byte, { nil: undefined }), cut: fc.option(u16, { nil: undefined }), zeroFirst: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('ffFrame' as const), len: fc.integer({ min: 0, max: 2047 }), fe: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('noise' as const), bytes: wireBytes(64) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reset' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('escape' as const), byte }) },
);

const limit = fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>;

export const unframerStructured = fc
  .record({ chunking, maxLen: limit, budget: limit, seed: u16, records: fc.array(unframerRecord, { maxLength: 10 }) })
  .map(encodeUnframer);

// ---- common session ops ----

const commonRecord: fc.Arbitrary<CommonRecord> = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(bytesArb(40), frameOpts).map(([body, o]) => ({ op: 'log' as const, body, ...o })) },
  { weight: 2, arbitrary: fc.tuple(byte, fc.constantFrom(0, 1, 2, 3, 0xff), bytesArb(4), frameOpts).map(([nonce, version, extra, o]) => ({ op: 'init' as const, nonce, version, extra, ...o, sidXor: o.sidXor === undefined ? undefined : o.sidXor & 0xff })) },
  { weight: 1, arbitrary: frameOpts.map((o) => ({ op: 'terminate' as const, ...o })) },
  { weight: 1, arbitrary: fc.tuple(byte, byte, bytesArb(3), frameOpts).map(([init, resp, body, o]) => ({ op: 'reply' as const, init, resp, body, ...o })) },
  { weight: 1, arbitrary: wireBytes(80).map((bytes) => ({ op: 'noise' as const, bytes })) },
);

// ---- session ----

const sessionRecord: fc.Arbitrary<SessionRecord> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(wireBytes(200), frameOpts).map(([body, o]) => ({ op: 'normal' as const, body, ...o })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 4, max: 255 }), bytesArb(50), frameOpts).map(([type, body, o]) => ({ op: 'type' as const, type, body, ...o })) },
  { weight: 1, arbitrary: fc.constantFrom(2044, 2045, 2046).map((n) => ({ op: 'normal' as const, body: new Uint8Array(n).fill(0xff) })) },
  { weight: 3, arbitrary: commonRecord },
);

export const sessionStructured = fc
  .record({ chunking, nonce: byte, seed: u16, version: fc.constantFrom(0, 1, 2, 3), records: fc.array(sessionRecord, { maxLength: 10 }) })
  .map(encodeSession);

// ---- rpc: requests from the host's packet builders ----

const bigI64 = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(0n, 1n, -1n, 2037n, 0x7fffffffn, 0x100000000n));
/** Memory handles the device gives out first after a session starts, and a few others. */
const memHandle = fc.oneof(fc.constantFrom(0x1000, 0x1100, 0x1200, 0x1300, 0x1000 + 256 * 1007, 0), fc.integer({ min: 0, max: 0xffffffff }));
const dtype = fc.record({ code: fc.constantFrom(0, 1, 2, 3, 4, 9), bits: fc.constantFrom(8, 16, 32, 64, 0, 7), lanes: fc.constantFrom(1, 2, 0) });
const tensor: fc.Arbitrary<DLTensor> = fc.record({
  data: memHandle.map(BigInt),
  device: fc.record({ deviceType: fc.constantFrom(1, 2, 0), deviceId: fc.constantFrom(0, 1) }),
  dtype,
  shape: fc.array(fc.oneof(fc.integer({ min: 0, max: 70 }).map(BigInt), bigI64), { maxLength: 3 }),
  byteOffset: fc.oneof(fc.constant(0n), fc.integer({ min: 0, max: 300 }).map(BigInt)),
});
const value: fc.Arbitrary<Value> = fc.oneof(
  bigI64.map((v) => ({ type: 'int' as const, value: v })),
  bigI64.map((v) => ({ type: 'uint' as const, value: BigInt.asUintN(64, v) })),
  fc.double().map((v) => ({ type: 'float' as const, value: v })),
  memHandle.map((v) => ({ type: 'handle' as const, value: BigInt(v) })),
  fc.constant({ type: 'null' as const }),
  dtype.map((v) => ({ type: 'dtype' as const, value: v })),
  fc.record({ deviceType: fc.constantFrom(1, 2), deviceId: fc.constantFrom(0, 1) }).map((v) => ({ type: 'device' as const, value: v })),
  tensor.map((v) => ({ type: 'tensor' as const, value: v })),
  fc.constantFrom('urpc.echo', 'urpc.sum', 'urpc.add', 'urpc.sleep', 'runtime.SystemLib', 'tvm.contrib.random.random_fill', '', 'x'.repeat(40))
    .map((v) => ({ type: 'str' as const, value: v })),
  bytesArb(40).map((v) => ({ type: 'bytes' as const, value: v })),
  fc.boolean().map((v) => ({ type: 'bool' as const, value: v })),
  fc.constantFrom(0x8000n, 1n).map((v) => ({ type: 'module' as const, value: v })),
  fc.constantFrom(0x80028005n, 0xffff8001n).map((v) => ({ type: 'func' as const, value: v })),
  fc.constant({ type: 'object' as const, typeIndex: 9, value: 0x80028005n }),
);
const values = fc.array(value, { maxLength: 6 });
const packed = (vs: readonly Value[]): Uint8Array => {
  const w = new ByteWriter();
  writeArgs(w, vs);
  return w.finish();
};
const evalArgs = fc.tuple(fc.constantFrom('urpc.echo', 'urpc.sum', 'urpc.info', 'tvm.rpc.server.GetCRTMaxPacketSize', 'urpc.sleep', 'runtime.RPCTimeEvaluator'),
  fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
  .map(([name, number, repeat, minMs]) => packed([{ type: 'module', value: 0x8000n }, { type: 'str', value: name }, { type: 'int', value: 1n }, { type: 'int', value: 0n },
    { type: 'int', value: BigInt(number) }, { type: 'int', value: BigInt(repeat) }, { type: 'int', value: BigInt(minMs) }, { type: 'int', value: 10n },
    { type: 'int', value: 0n }, { type: 'int', value: 1n }, { type: 'str', value: '' }]));

const rpcRequest: fc.Arbitrary<RpcRecord> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 0, max: 15 }), fc.boolean(), values).map(([fn, viaModule, vs]) => ({ op: 'call' as const, fn, viaModule, args: packed(vs) })) },
  { weight: 1, arbitrary: evalArgs.map((args) => ({ op: 'call' as const, fn: 2, args })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 3 }), values).map(([fn, vs]) => ({ op: 'call' as const, fn, evaluator: true, args: packed(vs) })) },
  { weight: 3, arbitrary: fc.tuple(fc.integer({ min: 9, max: 22 }), values).map(([code, vs]) => ({ op: 'request' as const, data: withoutLength(syscallPacket(code, vs)) })) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 8 })).map(([n, align]) => ({ op: 'request' as const, data: withoutLength(syscallPacket(13, [{ type: 'device', value: { deviceType: 1, deviceId: 0 } }, { type: 'int', value: BigInt(n) }, { type: 'int', value: BigInt(align) }, { type: 'dtype', value: { code: 1, bits: 8, lanes: 1 } }])) })) },
  { weight: 2, arbitrary: fc.tuple(tensor, bytesArb(64)).map(([t, d]) => ({ op: 'request' as const, data: withoutLength(copyToRemotePacket(t, d)) })) },
  { weight: 2, arbitrary: fc.tuple(tensor, fc.integer({ min: 0, max: 3000 })).map(([t, n]) => ({ op: 'request' as const, data: withoutLength(copyFromRemotePacket(t, n)) })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -2, max: 25 }), bytesArb(40)).map(([code, body]) => ({ op: 'request' as const, data: withoutLength(packet(code, body)) })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x10, 0x11, 0x12, 0x03), bytesArb(40)).map(([type, body]) => ({ op: 'message' as const, type, body })) },
  { weight: 1, arbitrary: fc.tuple(byte, values).map(([seq, vs]) => ({ op: 'message' as const, type: 0x11, body: Uint8Array.from([seq, ...callFuncPacket(0x80028005n, vs)]) })) },
);
const rpcRecord: fc.Arbitrary<RpcRecord> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(rpcRequest, frameOpts).map(([r, o]) => ({ ...r, ...o }) as RpcRecord) },
  { weight: 2, arbitrary: commonRecord },
);

export const rpcStructured = fc
  .record({ chunking, nonce: byte, seed: u16, reliable: fc.boolean(), records: fc.array(rpcRecord, { maxLength: 8 }) })
  .map(encodeRpc);

/** Raw inputs: the first byte (flags) picks raw or structured mode, so these cover both. */
export const rawInput = fc.uint8Array({ maxLength: 700 });

export const structured: Record<Target, fc.Arbitrary<Uint8Array>> = {
  unframer: unframerStructured,
  session: sessionStructured,
  rpc: rpcStructured,
};

/** A seed (or regression) with a few bytes overwritten, inserted or removed. */
export function mutated(inputs: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.integer({ min: 0, max: Math.max(0, inputs.length - 1) }), fc.array(fc.tuple(fc.nat(), byte, fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 6 }))
    .map(([k, edits]) => {
      const a = [...(inputs[k] ?? new Uint8Array(0))];
      for (const [pos, b, how] of edits) {
        const i = a.length === 0 ? 0 : pos % (a.length + (how === 'insert' ? 1 : 0));
        if (how === 'set' && a.length > 0) a[i] = b;
        else if (how === 'insert') a.splice(i, 0, b);
        else if (how === 'delete' && a.length > 0) a.splice(i, 1);
      }
      return Uint8Array.from(a);
    });
}
