// The seed corpus (test/fuzz/corpus/<target>/): named inputs built from real traffic, the
// firmware's own Framer for raw frames and the host client's packet builders
// (host/client/packet.ts) for RPC requests, so fuzzing starts from handshakes, valid frames and
// every kind of request instead of from nothing. Regenerate with `npm run fuzz -- --seeds`
// (fuzz-found inputs that `--merge` added keep their hash names and are not touched).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { asBytes, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { Framer, type WriteStream } from '../../firmware/framing/framer.ts';
import {
  ByteWriter, callFuncPacket, syscallPacket, copyToRemotePacket, copyFromRemotePacket, shutdownPacket, initServerPacket,
  packet, writeArgs, int, str, cpu, handle, dtypeValue, type DLTensor, type Value,
} from '../../host/client/packet.ts';
import { encodeUnframer, encodeSession, encodeRpc, withoutLength, type RpcRecord } from './inputs.ts';
import { corpusDir, type Target } from './build.ts';

const te = new TextEncoder();
const B = (s: string): Uint8Array => te.encode(s);

/** Wire bytes of frames sent by the firmware's Framer (a fresh one: the first has FE). */
export function framed(...payloads: Uint8Array[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const ws: WriteStream = { write: (d: Bytes): Err => { chunks.push(new Uint8Array(d as unknown as Uint8Array)); return Err.Ok; } };
  const f = new Framer(ws);
  for (const p of payloads) f.writeFrame(asBytes(p));
  return Uint8Array.from(chunks.flatMap((c) => [...c]));
}

const args = (vs: readonly Value[]): Uint8Array => {
  const w = new ByteWriter();
  writeArgs(w, vs);
  return w.finish();
};
const req = (p: Uint8Array): RpcRecord => ({ op: 'request', data: withoutLength(p) });
const call = (fn: number, vs: readonly Value[]): Extract<RpcRecord, { op: 'call' }> => ({ op: 'call', fn, args: args(vs) });
const tensor = (data: number, shape: number[], bits = 8, code = 1): DLTensor =>
  ({ data: BigInt(data), device: { deviceType: 1, deviceId: 0 }, dtype: { code, bits, lanes: 1 }, shape: shape.map(BigInt), byteOffset: 0n });
const T = (t: DLTensor): Value => ({ type: 'tensor', value: t });
const alloc = (n: number): RpcRecord => req(syscallPacket(13, [cpu(), int(n), int(8), dtypeValue(1, 8)]));
const mod: Value = { type: 'module', value: 0x8000n };
/** Function indices (firmware/rpc/names.ts). */
const F = { SystemLib: 0, ModuleGetFunction: 1, TimeEvaluator: 2, MaxPacket: 3, RandomFill: 4, Echo: 5, Info: 6, Add: 7, Sum: 8, Log: 9, Sleep: 10 };
/** The first two allocations after a session starts (whole 256-byte pages from offset 0). */
const H0 = 0x1000;
const H1 = 0x1100;
const H2 = 0x1200;

export function seeds(): Record<Target, Record<string, Uint8Array>> {
  const unframer: Record<string, Uint8Array> = {
    'raw-one-frame': encodeUnframer({ raw: framed(B('hello')) }),
    'raw-three-frames': encodeUnframer({ raw: framed(B(''), new Uint8Array([0xff, 0xfd, 0xfe, 0xff]), B('a'.repeat(300))) }),
    'raw-bytewise': encodeUnframer({ chunking: 'bytes', raw: framed(new Uint8Array(40).fill(0xff)) }),
    'raw-noise-then-frame': encodeUnframer({ chunking: 'small', seed: 7, raw: Uint8Array.from([0xff, 0x00, 0xff, 0xfe, 0xfd, 0xff, 0xff, ...framed(B('x'))]) }),
    'frames': encodeUnframer({ records: [{ op: 'frame', payload: B('hello') }, { op: 'frame', payload: new Uint8Array(0) }, { op: 'ffFrame', len: 33, fe: true }] }),
    'damaged-then-good': encodeUnframer({ chunking: 'small', records: [{ op: 'frame', payload: B('bad'), damage: 0x100 }, { op: 'frame', payload: B('good') }] }),
    'nop-and-cut': encodeUnframer({ chunking: 'large', records: [{ op: 'frame', payload: B('no-op inside'), nopAt: 3 }, { op: 'frame', payload: B('cut short'), cut: 6 }, { op: 'frame', payload: B('after'), zeroFirst: true }] }),
    'escapes-and-reset': encodeUnframer({ records: [{ op: 'escape', byte: 0xfd }, { op: 'frame', payload: B('abc') }, { op: 'escape', byte: 0x01 }, { op: 'reset' }, { op: 'noise', bytes: Uint8Array.from([0xff, 0xfd, 9, 0, 0, 0, 1, 2]) }, { op: 'frame', payload: B('z') }] }),
    'sink-limits': encodeUnframer({ maxLen: 2, budget: 3, chunking: 'small', records: [{ op: 'frame', payload: B('1234567') }, { op: 'frame', payload: B('12345678') }, { op: 'ffFrame', len: 400 }] }),
    'sink-budget': encodeUnframer({ budget: 2, chunking: 'bytes', records: [{ op: 'frame', payload: B('0123456789') }, { op: 'frame', payload: B('01') }] }),
  };

  const session: Record<string, Uint8Array> = {
    'handshake': encodeSession({}),
    'handshake-v2-offered': encodeSession({ version: 2, nonce: 0x11 }),
    'messages': encodeSession({ records: [{ op: 'normal', body: B('hello') }, { op: 'type', type: 0x42, body: B('other type') }, { op: 'normal', body: new Uint8Array(0) }] }),
    'logs': encodeSession({ records: [{ op: 'log', body: B('id 0 or current') }, { op: 'log', body: B('wrong id'), sidXor: 0x0101 }] }),
    'terminate-then-message': encodeSession({ records: [{ op: 'terminate' }, { op: 'normal', body: B('dropped') }, { op: 'init', nonce: 0x33, version: 1 }, { op: 'normal', body: B('new session') }] }),
    'wrong-id-damaged-cut': encodeSession({ chunking: 'small', records: [{ op: 'normal', body: B('wrong id'), sidXor: 1 }, { op: 'normal', body: B('bad crc'), damage: 5 }, { op: 'normal', body: B('cut'), cut: 4 }, { op: 'normal', body: B('ok'), fe: true, nopAt: 1 }] }),
    'largest-and-oversize': encodeSession({ records: [{ op: 'normal', body: new Uint8Array(2045).fill(0xff) }, { op: 'normal', body: new Uint8Array(2046).fill(0x41) }] }),
    'init-variants': encodeSession({ records: [{ op: 'init', nonce: 0, version: 1 }, { op: 'init', nonce: 0x20, version: 0, extra: B('xyz') }, { op: 'init', nonce: 0x21, version: 9, sidXor: 0x44 }, { op: 'reply', init: 0x21, resp: 0x99, body: Uint8Array.of(1) }] }),
    'noise': encodeSession({ chunking: 'bytes', records: [{ op: 'noise', bytes: framed(Uint8Array.of(0x80, 0, 0, 1)) }, { op: 'normal', body: B('after noise') }] }),
    'raw-init-frame': encodeSession({ chunking: 'large', raw: framed(Uint8Array.of(0x55, 0, 0, 1), Uint8Array.of(0, 0, 2)) }),
  };

  const echoArgs: Value[] = [int(-1), { type: 'uint', value: 7n }, { type: 'float', value: 1.5 }, handle(5), { type: 'null' }, dtypeValue(2, 32),
    cpu(), str('text'), { type: 'bytes', value: Uint8Array.of(0xff, 0xfd) }, { type: 'bool', value: true }];
  const evalArgs = (name: string, number: number, repeat: number, minMs: number): Value[] =>
    [mod, str(name), int(1), int(0), int(number), int(repeat), int(minMs), int(100), int(0), int(1), str('')];
  const rpc: Record<string, Uint8Array> = {
    'handshake': encodeRpc({}),
    'lookups': encodeRpc({ records: ['runtime.SystemLib', 'urpc.echo', 'urpc.info', 'tvm.rpc.server.GetCRTMaxPacketSize', 'no.such']
      .map((n) => req(syscallPacket(9, [str(n)]))) }),
    'echo-every-type': encodeRpc({ records: [call(F.Echo, echoArgs), call(F.Echo, [])] }),
    'info-and-log': encodeRpc({ records: [call(F.Info, []), call(F.Log, [int(1), int(2)]), call(F.MaxPacket, [])] }),
    'memory': encodeRpc({ records: [
      alloc(16),
      req(copyToRemotePacket(tensor(H0, [16]), Uint8Array.from({ length: 16 }, (_, i) => i))),
      req(copyFromRemotePacket(tensor(H0, [16]), 16)),
      req(syscallPacket(14, [cpu(), handle(H0)])),
      req(syscallPacket(14, [cpu(), handle(H0)])),
    ] }),
    'tensor-ops': encodeRpc({ records: [
      alloc(16), alloc(16), alloc(16),
      call(F.RandomFill, [T(tensor(H0, [4], 32, 0))]),
      call(F.Add, [T(tensor(H0, [4], 32, 0)), T(tensor(H1, [4], 32, 0)), T(tensor(H2, [4], 32, 0))]),
      call(F.Sum, [T(tensor(H2, [4], 32, 0))]),
      req(syscallPacket(16, [T(tensor(H0, [16])), T(tensor(H1, [16])), handle(0)])),
      req(syscallPacket(17, [T(tensor(0, [3, 5], 16)), str('global')])),
      req(syscallPacket(10, [handle(H1), int(13)])),
    ] }),
    'time-evaluator': encodeRpc({ records: [
      call(F.TimeEvaluator, evalArgs('urpc.echo', 3, 2, 1)),
      { op: 'call', fn: 0, evaluator: true, args: args([int(1)]) },
      call(F.TimeEvaluator, evalArgs('urpc.sum', 2, 1, 0)),
      { op: 'call', fn: 1, evaluator: true, args: args([]) },
      alloc(8),
      { op: 'call', fn: 0, evaluator: true, args: args([T(tensor(H0, [8]))]) },
      { op: 'call', fn: F.ModuleGetFunction, args: args([mod, str('urpc.echo'), int(0)]) },
      { op: 'call', fn: F.Echo, viaModule: true, args: args([int(3)]) },
    ] }),
    'sleep-async': encodeRpc({ records: [call(F.Sleep, [int(2)]), call(F.Echo, [int(1)]), { op: 'log', body: B('tick') }, { op: 'log', body: B('tick') }, call(F.Echo, [int(2)])] }),
    'syscalls': encodeRpc({ records: [
      req(syscallPacket(18, [cpu()])), req(syscallPacket(15, [cpu(), handle(0)])), req(syscallPacket(19, [cpu(), handle(0)])),
      req(syscallPacket(20, [cpu(), handle(0)])), req(syscallPacket(11, [cpu()])), req(syscallPacket(12, [cpu(), int(0)])),
      req(syscallPacket(21, [])), req(initServerPacket('0.13')),
    ] }),
    'malformed': encodeRpc({ records: [
      { op: 'message', type: 0x10, body: Uint8Array.of(1, 2, 3) },
      { op: 'message', type: 0x10, body: withoutLength(packet(3)) },
      req(packet(77)), { op: 'request', data: new Uint8Array(0) },
      { op: 'request', data: Uint8Array.of(9, 0, 0, 0, 1, 0, 0, 0, 77, 0, 0, 0) },
      { op: 'call', fn: 0, handle: 0x12345678, args: args([]) },
    ] }),
    'shutdown-then-call': encodeRpc({ records: [alloc(8), req(shutdownPacket()), call(F.Echo, [int(1)])] }),
    'session-ops': encodeRpc({ chunking: 'small', records: [
      call(F.Echo, [int(1)]), { op: 'terminate' }, call(F.Echo, [int(2)]), { op: 'init', nonce: 0x77, version: 1 },
      { ...call(F.Echo, [int(3)]), sidXor: 0x100 }, { ...call(F.Echo, [int(4)]), damage: 1 }, { op: 'noise', bytes: B('\xff\xfd\x05') },
    ] }),
    'reliable': encodeRpc({ reliable: true, records: [
      call(F.Echo, [int(1)]), alloc(32),
      { op: 'message', type: 0x11, body: Uint8Array.from([2, ...syscallPacket(13, [cpu(), int(32), int(8), dtypeValue(1, 8)])]) },
      { op: 'message', type: 0x11, body: Uint8Array.from([3, ...callFuncPacket(0x80028005n, [int(5)])]) },
      { op: 'message', type: 0x11, body: Uint8Array.from([3, ...callFuncPacket(0x80028005n, [int(5)])]) },
      { op: 'message', type: 0x10, body: callFuncPacket(0x80028005n, [int(6)]) },
    ] }),
    'raw-frames': encodeRpc({ raw: framed(Uint8Array.of(0x66, 0, 0, 1), Uint8Array.of(0x66, 0x01, 0x10, ...callFuncPacket(0x80028003n, []))) }),
  };
  return { unframer, session, rpc };
}

/** Writes the named seeds (test/fuzz/corpus/<target>/<name>); returns how many. */
export function writeSeeds(only?: readonly Target[]): number {
  let n = 0;
  for (const [t, files] of Object.entries(seeds()) as [Target, Record<string, Uint8Array>][]) {
    if (only && !only.includes(t)) continue;
    const dir = corpusDir(t);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, data] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, `seed-${name}`), data);
      n++;
    }
  }
  return n;
}
