// The FwTS MinRPC server at the packet level: every syscall, every type code, every class of
// malformed request (each answered with kException, then a good request still works), the time
// evaluator and its integer-built doubles, and a fuzz run that must never throw (a throw in Node
// is a panic or a hang on the device).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Harness } from './rpc-fixtures.ts';
import {
  ByteWriter, callFuncPacket, syscallPacket, copyToRemotePacket, copyFromRemotePacket, packet, decodeReply,
  returnValue, writeArgs, str, int, handle, cpu, dtypeValue, fromHex, type DLTensor, type Value, type Reply,
} from '../../host/client/packet.ts';
import { asBytes, u32 } from '../../firmware/lib/prelude.ts';
import { putF64Ratio, mulHi32 } from '../../firmware/rpc/f64.ts';
import { msToTicks, growNumber } from '../../firmware/rpc/evaluator.ts';
import type { AppTable, Ctx } from '../../firmware/rpc/ctx.ts';
import { Msg } from '../../firmware/rpc/messages.ts';
import { FN_COUNT } from '../../firmware/rpc/names.ts';

const G = (i: number) => BigInt(0x80028000 + i);
const FN = { SystemLib: G(0), ModuleGetFunction: G(1), TimeEvaluator: G(2), MaxPacket: G(3), RandomFill: G(4), Echo: G(5), Info: G(6), Add: G(7), Sum: G(8) };

function reply(h: Harness, req: Uint8Array): Reply {
  const r = h.run(req);
  assert.ok(r, 'expected a reply');
  return decodeReply(r);
}
function ok(h: Harness, req: Uint8Array): Value[] {
  const r = reply(h, req);
  if (r.code === 5) assert.fail(`device exception: ${r.message}`);
  assert.equal(r.code, 4);
  return r.values;
}
function exc(h: Harness, req: Uint8Array, pattern: RegExp): string {
  const r = reply(h, req);
  assert.equal(r.code, 5, `expected kException, got ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  assert.match(r.message, pattern);
  return r.message;
}
/** The server still works: GetCRTMaxPacketSize answers 2037. */
function stillWorks(h: Harness): void {
  assert.deepEqual(returnValue(ok(h, callFuncPacket(FN.MaxPacket, []))), { type: 'int', value: 2037n });
}
const tensor = (data: bigint, shape: number[], bits = 8, code = 1, byteOffset = 0n, deviceType = 1): DLTensor =>
  ({ data, device: { deviceType, deviceId: 0 }, dtype: { code, bits, lanes: 1 }, shape: shape.map(BigInt), byteOffset });
const T = (t: DLTensor): Value => ({ type: 'tensor', value: t });
function alloc(h: Harness, n: number): bigint {
  const v = ok(h, syscallPacket(13, [cpu(), int(n), int(1), dtypeValue(1, 8)]));
  assert.equal(v[0]?.type, 'handle');
  return (v[0] as { value: bigint }).value;
}
function ret(h: Harness, fn: bigint, args: Value[]): Value | undefined {
  return returnValue(ok(h, callFuncPacket(fn, args)));
}

describe('rpc server: syscalls', () => {
  it('GetGlobalFunc: known names give handles, unknown gives 0 (not an exception)', () => {
    const h = new Harness();
    assert.deepEqual(ok(h, syscallPacket(9, [str('urpc.echo')])), [{ type: 'handle', value: FN.Echo }]);
    assert.deepEqual(ok(h, syscallPacket(9, [str('tvm.rpc.server.GetCRTMaxPacketSize')])), [{ type: 'handle', value: FN.MaxPacket }]);
    assert.deepEqual(ok(h, syscallPacket(9, [str('no.such')])), [{ type: 'handle', value: 0n }]);
    assert.deepEqual(ok(h, syscallPacket(9, [str('urpc.ech')])), [{ type: 'handle', value: 0n }]);
    assert.deepEqual(ok(h, syscallPacket(9, [str('urpc.echoo')])), [{ type: 'handle', value: 0n }]);
    assert.deepEqual(ok(h, syscallPacket(9, [str('')])), [{ type: 'handle', value: 0n }]);
  });
  it('DevAllocData / DevFreeData; a double free is an exception', () => {
    const h = new Harness();
    const a = alloc(h, 100);
    assert.equal(h.mem.blocks.get(Number(a))?.length, 100);
    assert.deepEqual(ok(h, syscallPacket(14, [cpu(), handle(a)])), [{ type: 'null' }]);
    exc(h, syscallPacket(14, [cpu(), handle(a)]), /unknown or freed memory handle 4096/);
    stillWorks(h);
  });
  it('DevAllocData: alignment 0 and out of memory are exceptions', () => {
    const h = new Harness();
    exc(h, syscallPacket(13, [cpu(), int(8), int(0), dtypeValue(1, 8)]), /alignment must not be 0/);
    exc(h, syscallPacket(13, [cpu(), int(1 << 20), int(64), dtypeValue(1, 8)]), /out of memory: 1048576 bytes requested, 65536 free/);
    exc(h, syscallPacket(13, [cpu(), int(-1), int(64), dtypeValue(1, 8)]), /argument 1: value out of range/);
    stillWorks(h);
  });
  it('DevAllocDataWithScope: size from shape and dtype, scope null or str; bad scope type rejected', () => {
    const h = new Harness();
    const v = ok(h, syscallPacket(17, [T(tensor(0n, [3, 5], 32, 2)), str('global')]));
    assert.equal(h.mem.blocks.get(Number((v[0] as { value: bigint }).value))?.length, 60);
    ok(h, syscallPacket(17, [T(tensor(0n, [7], 1, 1)), { type: 'null' }])); // 7 x 1 bit = 7 bytes
    exc(h, syscallPacket(17, [T(tensor(0n, [2])), int(0)]), /argument 1: type code 0, expected 4 \(null\) or 11 \(str\)/);
    exc(h, syscallPacket(17, [T(tensor(0n, [0x10000, 0x10000]))]), /expected 2 arguments, got 1/);
    exc(h, syscallPacket(17, [T(tensor(0n, [0x10000, 0x10000])), { type: 'null' }]), /tensor size does not fit 32 bits/);
    exc(h, syscallPacket(17, [T(tensor(0n, [-1])), { type: 'null' }]), /shape dimension negative/);
    exc(h, syscallPacket(17, [T(tensor(0n, [4], 8, 1, 0n, 2)), { type: 'null' }]), /unsupported device type 2/);
    stillWorks(h);
  });
  it('FreeHandle: 13 frees memory (0: an echoed view, nothing), 10 and 8 free function handles, 9 only the system lib, others rejected', () => {
    const h = new Harness();
    const a = alloc(h, 4);
    assert.deepEqual(ok(h, syscallPacket(10, [handle(a), int(13)])), [{ type: 'null' }]);
    assert.equal(h.mem.live(u32(Number(a))), false);
    exc(h, syscallPacket(10, [handle(a), int(13)]), /unknown or freed memory handle/);
    assert.deepEqual(ok(h, syscallPacket(10, [handle(0), int(13)])), [{ type: 'null' }]);
    ok(h, syscallPacket(10, [handle(FN.Echo), int(10)]));
    exc(h, syscallPacket(10, [handle(FN.Echo), int(10)]), /function handle 2147647493 was freed/);
    ok(h, syscallPacket(10, [handle(FN.Info), int(8)]));
    exc(h, syscallPacket(10, [handle(5), int(8)]), /unknown function handle 5/);
    ok(h, syscallPacket(10, [handle(0x8000), int(9)]));
    exc(h, syscallPacket(10, [handle(0x8001), int(9)]), /unknown module handle 32769/);
    exc(h, syscallPacket(10, [handle(1), int(7)]), /FreeHandle: unsupported type code 7/);
    exc(h, syscallPacket(10, [int(1), int(13)]), /argument 0: type code 0, expected 3/);
    stillWorks(h);
  });
  it('a freed function handle is no longer callable until it is looked up again (issue 13 item 12)', () => {
    // Before: FreeHandle(10) was a no-op and the freed handle stayed callable.
    const h = new Harness();
    const echo = (ok(h, syscallPacket(9, [str('urpc.echo')]))[0] as { value: bigint }).value;
    assert.deepEqual(ok(h, callFuncPacket(echo, [int(3)])), [int(0), int(3)]);
    ok(h, syscallPacket(10, [handle(echo), int(10)]));
    exc(h, callFuncPacket(echo, [int(3)]), /function handle 2147647493 was freed \(look the function up again\)/);
    exc(h, syscallPacket(10, [handle(echo), int(10)]), /was freed/);
    // Two lookups: the handle stays callable until both are freed.
    ok(h, syscallPacket(9, [str('urpc.echo')]));
    ok(h, syscallPacket(9, [str('urpc.echo')]));
    ok(h, syscallPacket(10, [handle(echo), int(10)]));
    assert.deepEqual(ok(h, callFuncPacket(echo, [int(4)])), [int(0), int(4)]);
    ok(h, syscallPacket(10, [handle(echo), int(10)]));
    exc(h, callFuncPacket(echo, [int(4)]), /was freed/);
    // A module handle is freed on its own; the global one is not affected, and vice versa.
    const mod: Value = { type: 'module', value: 0x8000n };
    const sum = ret(h, FN.ModuleGetFunction, [mod, str('urpc.sum'), int(1)]) as { value: bigint };
    ok(h, syscallPacket(10, [handle(sum.value), int(10)]));
    exc(h, callFuncPacket(sum.value, []), /was freed/);
    exc(h, callFuncPacket(FN.Sum, []), /expected 1 arguments, got 0/);
    // A time-evaluator handle: freed, it is no longer valid.
    const f = ret(h, FN.TimeEvaluator, [mod, str('urpc.echo'), int(1), int(0), int(1), int(1), int(0), int(0), int(0), int(1), str('')]) as { value: bigint };
    ok(h, syscallPacket(10, [handle(f.value), int(10)]));
    exc(h, callFuncPacket(f.value, []), /no longer valid/);
    // A new session (reset) forgets freed handles.
    h.server.reset();
    assert.deepEqual(ok(h, callFuncPacket(echo, [int(5)])), [int(0), int(5)]);
  });
  it('DevSetDevice and DevGetAttr answer "not supported"; stream syscalls are no-ops', () => {
    const h = new Harness();
    exc(h, syscallPacket(11, [cpu()]), /^SetDevice not supported$/);
    exc(h, syscallPacket(12, [cpu(), int(0)]), /^GetAttr not supported$/);
    assert.deepEqual(ok(h, syscallPacket(15, [cpu(), handle(0)])), [{ type: 'null' }]);
    assert.deepEqual(ok(h, syscallPacket(18, [cpu()])), [{ type: 'handle', value: 0n }]);
    assert.deepEqual(ok(h, syscallPacket(19, [cpu(), handle(0)])), [{ type: 'null' }]);
    assert.deepEqual(ok(h, syscallPacket(20, [cpu(), handle(0)])), [{ type: 'null' }]);
    exc(h, syscallPacket(21, [cpu()]), /^Syscall not recognized: 21$/);
    exc(h, syscallPacket(99, []), /^Syscall not recognized: 99$/);
    exc(h, syscallPacket(15, [{ type: 'device', value: { deviceType: 2, deviceId: 0 } }, handle(0)]), /unsupported device type 2/);
    stillWorks(h);
  });
  it('CopyToRemote / CopyFromRemote with byte offsets; CopyAmongRemote honours both offsets', () => {
    const h = new Harness();
    const a = alloc(h, 16);
    const b = alloc(h, 16);
    ok(h, copyToRemotePacket(tensor(a, [16], 8, 1, 4n), Uint8Array.of(1, 2, 3, 4, 5)));
    assert.deepEqual([...h.mem.blocks.get(Number(a))!.slice(0, 10)], [0, 0, 0, 0, 1, 2, 3, 4, 5, 0]);
    ok(h, syscallPacket(16, [T(tensor(a, [3], 8, 1, 5n)), T(tensor(b, [3], 8, 1, 10n)), handle(0)]));
    assert.deepEqual([...h.mem.blocks.get(Number(b))!.slice(9, 14)], [0, 2, 3, 4, 0]);
    const r = reply(h, copyFromRemotePacket(tensor(b, [16], 8, 1, 10n), 3));
    assert.deepEqual(r, { code: 8, data: Uint8Array.of(2, 3, 4) });
  });
  it('copies outside an allocation are exceptions (no raw memory access)', () => {
    const h = new Harness();
    const a = alloc(h, 8);
    exc(h, copyToRemotePacket(tensor(a, [8], 8, 1, 6n), Uint8Array.of(1, 2, 3)), /access outside allocation 4096: offset 6 \+ 3 bytes/);
    exc(h, copyFromRemotePacket(tensor(a, [8], 8, 1, 0n), 9), /access outside allocation 4096: offset 0 \+ 9 bytes/);
    exc(h, copyFromRemotePacket(tensor(a, [8], 8, 1, 0xffffffffn), 2), /access outside allocation/);
    exc(h, copyFromRemotePacket(tensor(a, [8], 8, 1, 1n << 32n), 1), /value out of range/);
    exc(h, copyFromRemotePacket(tensor(0x2000n, [8]), 1), /unknown or freed memory handle 8192/);
    exc(h, copyFromRemotePacket(tensor(a + (1n << 32n), [8]), 1), /unknown or freed memory handle 4096/);
    exc(h, copyFromRemotePacket(tensor(0n, [8]), 1), /unknown or freed memory handle 0/);
    exc(h, syscallPacket(16, [T(tensor(a, [9])), T(tensor(a, [9])), handle(0)]), /access outside allocation/);
    exc(h, copyFromRemotePacket(tensor(a, [8], 8, 1, 0n, 2), 1), /unsupported device type 2/);
    assert.deepEqual(reply(h, copyFromRemotePacket(tensor(a, [8]), 8)), { code: 8, data: new Uint8Array(8) });
  });
  it('CopyFromRemote larger than one reply is refused; CopyToRemote with a wrong nbytes is refused', () => {
    const h = new Harness();
    const a = alloc(h, 4000);
    exc(h, copyFromRemotePacket(tensor(a, [4000]), 2034), /CopyFromRemote: 2034 bytes do not fit one reply \(limit 2033\)/);
    assert.equal((reply(h, copyFromRemotePacket(tensor(a, [4000]), 2033)) as { data: Uint8Array }).data.length, 2033);
    const p = copyToRemotePacket(tensor(a, [4000]), Uint8Array.of(1, 2, 3));
    p[52] = 4; // declared nbytes 4, 3 present
    exc(h, p, /CopyToRemote: 4 data bytes declared, 3 present/);
    stillWorks(h);
  });
  it('Shutdown frees every allocation and invalidates the time evaluator; the server keeps serving', () => {
    const h = new Harness();
    alloc(h, 10);
    assert.equal(h.run(fromHex('04 00 00 00 00 00 00 00 01 00 00 00')), undefined);
    assert.equal(h.mem.blocks.size, 0);
    assert.equal(h.server.shutdown, true);
    stillWorks(h);
  });
  it('InitServer with arguments is an exception', () => {
    const h = new Harness();
    const w = new ByteWriter().u64(5n).bytes(new TextEncoder().encode('0.8.0'));
    writeArgs(w, [int(1)]);
    exc(h, packet(2, w.finish()), /InitServer: expected no arguments/);
    stillWorks(h);
  });
});

describe('rpc server: every type code through urpc.echo', () => {
  const t7 = tensor(0x1234n, [2, 3], 16, 0, 8n);
  const cases: [string, Value, number, Value][] = [
    ['0 int', int(-5), 0, int(-5)],
    ['1 uint', { type: 'uint', value: 0xfedcba9876543210n }, 1, { type: 'uint', value: 0xfedcba9876543210n }],
    ['2 float', { type: 'float', value: 1.5 }, 2, { type: 'float', value: 1.5 }],
    ['3 handle', handle(0xdeadbeefn), 3, handle(0xdeadbeefn)],
    ['5 dtype', dtypeValue(2, 32, 4), 5, dtypeValue(2, 32, 4)],
    ['6 device', cpu(3), 6, cpu(3)],
    ['8 object (v0.14+)', { type: 'object', typeIndex: 9, value: 77n }, 3, handle(77)],
    ['9 module', { type: 'module', value: 0x8000n }, 3, handle(0x8000)],
    ['10 function', { type: 'func', value: FN.Echo }, 3, handle(FN.Echo)],
    ['11 str', str('héllo'), 11, str('héllo')],
    ['12 bytes', { type: 'bytes', value: Uint8Array.of(0, 255, 7) }, 12, { type: 'bytes', value: Uint8Array.of(0, 255, 7) }],
    ['15 bool (v0.18+)', { type: 'bool', value: true }, 15, { type: 'bool', value: true }],
  ];
  for (const [name, arg, slot0, back] of cases) {
    it(`type code ${name}`, () => {
      const h = new Harness();
      const v = ok(h, callFuncPacket(FN.Echo, [arg]));
      assert.deepEqual(v, [int(slot0), back]);
    });
  }
  it('type code 7 DLTensor: an NDArray in 3 slots, [0: 13][7: record][3: 0] (issue 13 item 1)', () => {
    // Before: 2 slots [0: 7][7: record]; a TVM host checks args.size() == 3 for a tensor.
    const h = new Harness();
    assert.deepEqual(ok(h, callFuncPacket(FN.Echo, [T(t7)])), [int(13), T(t7), handle(0)]);
  });
  it('type code 4 null (no value bytes) is void; no argument is void', () => {
    const h = new Harness();
    assert.deepEqual(ok(h, callFuncPacket(FN.Echo, [{ type: 'null' }])), [int(4), { type: 'null' }]);
    assert.equal(ret(h, FN.Echo, []), undefined);
  });
  it('more than one argument is an exception: a Return carries one value (issue 13 item 1)', () => {
    // Before: 1 + n slots, which a TVM host fails on (args.size() == 2 (3 vs. 2)).
    const h = new Harness();
    const args = [{ type: 'null' } as Value, int(1), str('x'), { type: 'null' } as Value, T(tensor(1n, [])), int(2)];
    exc(h, callFuncPacket(FN.Echo, args), /urpc.echo returns one value: pass at most one argument \(got 6\)/);
    exc(h, callFuncPacket(FN.Echo, [int(1), str('two')]), /got 2/);
    stillWorks(h);
  });
  it('the server sends no CallFunc reply without exactly one return value (issue 13 item 1)', () => {
    const h = new Harness();
    let writes = 0;
    const app: AppTable = {
      count: () => u32(1),
      call: (c: Ctx) => {
        for (let i = 0; i < writes; i++) c.out.retInt(u32(i), u32(0));
        return Msg.Ok;
      },
      find: () => u32(1),
      copyName: () => u32(0),
      putName: () => undefined,
      putSig: () => undefined,
    };
    h.server.setApp(app);
    const fn = G(FN_COUNT);
    writes = 2;
    exc(h, callFuncPacket(fn, []), new RegExp(`device function ${fn} wrote 2 return values; a CallFunc reply carries exactly one`));
    writes = 0;
    exc(h, callFuncPacket(fn, []), /wrote 0 return values/);
    writes = 1;
    assert.deepEqual(ok(h, callFuncPacket(fn, [])), [int(0), int(0)]);
  });
  it('type codes 13 and 14 and unknown codes are exceptions', () => {
    const h = new Harness();
    const raw = (code: number, value: Uint8Array) => {
      const w = new ByteWriter().u64(FN.Echo).i32(1).i32(code).bytes(value);
      return packet(3, w.finish());
    };
    exc(h, raw(13, new Uint8Array(8)), /argument 0: type code 13 \(NDArray handle\) is never sent/);
    exc(h, raw(14, new Uint8Array(8)), /argument 0: type code 14 is not supported by RPC/);
    exc(h, raw(16, new Uint8Array(8)), /argument 0: unknown type code 16/);
    exc(h, raw(-1, new Uint8Array(8)), /argument 0: unknown type code -1/);
    exc(h, raw(8, Uint8Array.of(3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0)), /object handle type index 3, expected 9/);
    stillWorks(h);
  });
});

describe('rpc server: malformed requests (kException, then the next request works)', () => {
  const classes: [string, () => Uint8Array, RegExp][] = [
    ['shorter than the length field', () => fromHex('04 00 00'), /truncated packet: 3 bytes, no length field/],
    ['length larger than the bytes present (truncated)', () => fromHex('10 00 00 00 00 00 00 00 03 00 00 00 00 80'), /packet length mismatch: header says 16 bytes, packet holds 6/],
    ['trailing bytes after the declared length', () => fromHex('04 00 00 00 00 00 00 00 01 00 00 00 99'), /packet length mismatch: header says 4 bytes, packet holds 5/],
    ['oversize packet (> 2037 payload bytes)', () => packet(3, new Uint8Array(2034)), /packet too large: 2038 bytes, limit 2037/],
    ['64-bit length', () => fromHex('04 00 00 00 01 00 00 00 01 00 00 00'), /packet too large/],
    ['no RPC code', () => fromHex('02 00 00 00 00 00 00 00 03 00'), /truncated packet: no RPC code/],
    ['unknown RPC code (reply codes 4, 5, 8 sent to the device)', () => packet(8), /unknown RPC code 8/],
    ['negative RPC code', () => packet(-7), /unknown RPC code -7/],
    ['CallFunc without a handle', () => packet(3, Uint8Array.of(0, 0x80)), /truncated packet: 14 bytes, need at least 24/],
    ['CallFunc without an argument count', () => packet(3, fromHex('05 80 02 80 00 00 00 00')), /truncated packet: no argument count/],
    ['argument list cut inside a value', () => packet(3, fromHex('05 80 02 80 00 00 00 00 01 00 00 00 00 00 00 00 01 02')), /ends inside argument 0/],
    ['str longer than the packet', () => packet(3, fromHex('05 80 02 80 00 00 00 00 01 00 00 00 0B 00 00 00 FF 00 00 00 00 00 00 00 41')), /ends inside argument 0/],
    ['type codes cut off', () => packet(3, fromHex('05 80 02 80 00 00 00 00 03 00 00 00 00 00 00 00')), /ends inside argument 0/],
    ['too many arguments', () => packet(3, fromHex('05 80 02 80 00 00 00 00 FF FF 00 00')), /too many arguments: 65535 \(limit 64\)/],
    ['bytes after the last argument', () => packet(3, fromHex('05 80 02 80 00 00 00 00 00 00 00 00 AA')), /1 unexpected bytes after the last argument/],
    ['unknown function handle', () => callFuncPacket(0x80028063n, []), /unknown function handle 2147647587/],
    ['function handle with high bits', () => callFuncPacket(FN.Echo + (1n << 32n), []), /unknown function handle/],
    ['unknown syscall', () => syscallPacket(40, []), /Syscall not recognized: 40/],
    ['wrong argument count', () => syscallPacket(9, []), /expected 1 arguments, got 0/],
    ['wrong argument type', () => syscallPacket(9, [int(3)]), /argument 0: type code 0, expected 11/],
    ['unknown memory handle', () => syscallPacket(14, [cpu(), handle(0x777)]), /unknown or freed memory handle 1911/],
    ['copy record cut short', () => packet(7, new Uint8Array(20)), /truncated packet: 32 bytes, need at least 52/],
    ['copy record with negative ndim', () => packet(6, fromHex('00 10 00 00 00 00 00 00 01 00 00 00 00 00 00 00 FF FF FF FF 00 08 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00')), /truncated packet/],
    ['negative ndim in an argument', () => syscallPacket(17, [T({ ...tensor(0n, []), shape: [] }), { type: 'null' }]).map((b, i) => (i >= 40 && i < 44 ? 0xff : b)), /argument 0: negative ndim/],
    ['wrong argument types to a device function', () => callFuncPacket(FN.Add, [int(1), int(2), int(3)]), /argument 0: type code 0, expected 7/],
  ];
  for (const [name, make, pattern] of classes) {
    it(name, () => {
      const h = new Harness();
      exc(h, make(), pattern);
      stillWorks(h);
      assert.equal(h.server.exceptions, 1);
    });
  }
  it('packet_nbytes = 0 is a no-op with no reply', () => {
    const h = new Harness();
    assert.equal(h.run(new Uint8Array(8)), undefined);
    stillWorks(h);
  });
  it('a reply that would not fit one packet becomes an exception', () => {
    const h = new Harness();
    // echo of a 2000-byte str: the reply adds slot 0, so 2000 + overhead > 2045.
    exc(h, callFuncPacket(FN.Echo, [str('a'.repeat(2008))]), /reply too large for one packet \(limit 2045 bytes\)/);
    stillWorks(h);
  });
  it('never throws on random or mutated packets (fuzz)', () => {
    const h = new Harness();
    const a = alloc(h, 64);
    const seeds = [
      callFuncPacket(FN.Echo, [T(tensor(a, [4]))]),
      callFuncPacket(FN.Echo, [int(1), str('ab')]),
      copyToRemotePacket(tensor(a, [64], 8, 1, 3n), Uint8Array.of(1, 2, 3)),
      copyFromRemotePacket(tensor(a, [64]), 10),
      syscallPacket(17, [T(tensor(0n, [2, 2])), { type: 'null' }]),
      syscallPacket(16, [T(tensor(a, [4])), T(tensor(a, [4], 8, 1, 8n)), handle(0)]),
      callFuncPacket(FN.Sum, [T(tensor(a, [16], 32, 0))]),
      callFuncPacket(FN.TimeEvaluator, [{ type: 'module', value: 0x8000n }, str('urpc.sum'), int(1), int(0), int(1), int(2), int(0), int(0), int(0), int(1), str('')]),
      callFuncPacket(0xffff8001n, [T(tensor(a, [16], 32, 0))]),
    ];
    fc.assert(fc.property(
      fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(200), fc.nat(255)), { maxLength: 6 }), fc.boolean(), fc.nat(80),
      (k, edits, cut, cutAt) => {
        let p = new Uint8Array(seeds[k]!);
        for (const [at, v] of edits) if (at < p.length) p[at] = v;
        if (cut) p = p.slice(0, Math.min(cutAt, p.length));
        h.server.handle(asBytes(p)); // must not throw
      }), { numRuns: 3000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => { h.server.handle(asBytes(b)); }), { numRuns: 1000 });
    h.server.reset(); // an async call (a time-evaluator run, urpc.sleep) may still be pending
    stillWorks(h);
  });
});

describe('rpc server: functions', () => {
  it('SystemLib and ModuleGetFunction (int and v0.18 bool query_imports); not found -> void', () => {
    const h = new Harness();
    assert.deepEqual(ret(h, FN.SystemLib, []), { type: 'module', value: 0x8000n });
    const mod: Value = { type: 'module', value: 0x8000n };
    assert.deepEqual(ret(h, FN.ModuleGetFunction, [mod, str('urpc.sum'), int(1)]), { type: 'func', value: 0x80008008n });
    assert.deepEqual(ret(h, FN.ModuleGetFunction, [mod, str('urpc.sum'), { type: 'bool', value: true }]), { type: 'func', value: 0x80008008n });
    assert.equal(ret(h, FN.ModuleGetFunction, [mod, str('missing'), int(1)]), undefined);
    exc(h, callFuncPacket(FN.ModuleGetFunction, [{ type: 'module', value: 0x8001n }, str('urpc.sum'), int(1)]), /unknown module handle 32769/);
    // A module-function handle is callable.
    assert.deepEqual(ok(h, callFuncPacket(0x80008005n, [int(9)])), [int(0), int(9)]);
    // TVM's runtime functions are globals only: not in the system library (issue 13 item 2).
    assert.equal(ret(h, FN.ModuleGetFunction, [mod, str('tvm.contrib.random.random_fill'), int(1)]), undefined);
    assert.equal(ret(h, FN.ModuleGetFunction, [mod, str('runtime.SystemLib'), int(1)]), undefined);
    exc(h, callFuncPacket(0x80008004n, []), /unknown function handle 2147516420/);
  });
  it('random_fill fills exactly the tensor bytes', () => {
    const h = new Harness();
    const a = alloc(h, 12);
    assert.equal(ret(h, FN.RandomFill, [T(tensor(a, [2], 32, 1, 2n))]), undefined);
    const b = h.mem.blocks.get(Number(a))!;
    assert.deepEqual([b[0], b[1], b[10], b[11]], [0, 0, 0, 0]);
    assert.ok(b.slice(2, 10).some((x) => x !== 0));
    exc(h, callFuncPacket(FN.RandomFill, [T(tensor(a, [13]))]), /access outside allocation/);
  });
  it('urpc.add and urpc.sum over int8 / uint16 / int32 tensors', () => {
    const h = new Harness();
    const a = alloc(h, 16), b = alloc(h, 16), o = alloc(h, 16);
    h.mem.blocks.get(Number(a))!.set([1, 2, 0xff, 0x80, 5, 6, 7, 8]);
    h.mem.blocks.get(Number(b))!.set([10, 20, 1, 0x80, 1, 1, 1, 1]);
    ret(h, FN.Add, [T(tensor(a, [4], 8, 0)), T(tensor(b, [4], 8, 0)), T(tensor(o, [4], 8, 0))]);
    assert.deepEqual([...h.mem.blocks.get(Number(o))!.slice(0, 4)], [11, 22, 0, 0]);
    assert.deepEqual(ret(h, FN.Sum, [T(tensor(a, [4], 8, 0))]), int(1 + 2 - 1 - 128));
    assert.deepEqual(ret(h, FN.Sum, [T(tensor(a, [4], 8, 1))]), int(1 + 2 + 255 + 128));
    assert.deepEqual(ret(h, FN.Sum, [T(tensor(a, [2], 16, 1))]), int(0x0201 + 0x80ff));
    const big = alloc(h, 400);
    const dv = new DataView(h.mem.blocks.get(Number(big))!.buffer);
    for (let i = 0; i < 100; i++) dv.setInt32(i * 4, i % 2 === 0 ? 0x7fffffff : -5, true);
    assert.deepEqual(ret(h, FN.Sum, [T(tensor(big, [10, 10], 32, 0))]), int(50n * 0x7fffffffn - 250n));
    assert.deepEqual(ret(h, FN.Sum, [T(tensor(big, [100], 32, 1))]), int(50n * 0x7fffffffn + 50n * 0xfffffffbn));
    exc(h, callFuncPacket(FN.Sum, [T(tensor(a, [4], 32, 2))]), /unsupported dtype: code 2, bits 32, lanes 1/);
    exc(h, callFuncPacket(FN.Add, [T(tensor(a, [4])), T(tensor(b, [3])), T(tensor(o, [4]))]), /tensors differ/);
  });
  it('urpc.info lists board, limits, memory and every function', () => {
    const h = new Harness();
    const v = ret(h, FN.Info, []);
    assert.equal(v?.type, 'str');
    const text = (v as { value: string }).value;
    assert.match(text, /^urpc=0\.1\.0\nwire=microtvm-0\.13\nboard=test-board\nmax_packet=2048\nmem_total=65536\nmem_free=65536\n/);
    assert.match(text, /\nfn=urpc\.add \(tensor a, tensor b, tensor out\) -> void\n/);
    assert.equal(text.split('\n').filter((l) => l.startsWith('fn=')).length, 11);
  });
  it('urpc.info truncates an over-long board name to its buffer', () => {
    const h = new Harness();
    h.plat.board = 'x'.repeat(50);
    const text = (ret(h, FN.Info, []) as { value: string }).value;
    assert.match(text, new RegExp(`board=${'x'.repeat(32)}\n`));
  });
});

describe('rpc server: time evaluator', () => {
  const mod: Value = { type: 'module', value: 0x8000n };
  const args11 = (name: string, number: number, repeat: number, minMs: number, zeroLimit = 100): Value[] =>
    [mod, str(name), int(1), int(0), int(number), int(repeat), int(minMs), int(zeroLimit), int(0), int(1), str('')];
  /** Creates an evaluator; its handle (0xFFFF8000 | serial, the serial counts per device). */
  const make = (h: Harness, args: Value[]): bigint => {
    const f = ret(h, FN.TimeEvaluator, args);
    assert.equal(f?.type, 'func');
    const v = (f as { value: bigint }).value;
    assert.equal(v & 0xffff8000n, 0xffff8000n);
    return v;
  };
  /** Starts a run of evaluator f: the call is async (no reply until ticked). */
  const start = (h: Harness, f: bigint, args: Value[]): void => {
    assert.equal(h.run(callFuncPacket(f, args), 0), undefined);
    assert.equal(h.server.busy(), true);
  };
  it('11-arg form: a function handle, results are repeat x f64 of ticks / (hz * number)', () => {
    const h = new Harness();
    h.plat.step = 7; // every ticks() call advances 7 us
    const f = make(h, args11('urpc.echo', 3, 4, 0));
    const r = ret(h, f, [int(1)]);
    assert.equal(r?.type, 'bytes');
    const b = (r as { value: Uint8Array }).value;
    assert.equal(b.length, 32);
    const dv = new DataView(b.buffer, b.byteOffset);
    for (let i = 0; i < 4; i++) assert.equal(dv.getFloat64(i * 8, true), 7 / (1e6 * 3));
  });
  it('10 and 12 argument forms; older handles become invalid', () => {
    const h = new Harness();
    const a10 = [mod, str('urpc.echo'), int(1), int(0), int(1), int(1), int(0), int(0), int(1), str('')];
    const a12 = [mod, str('urpc.echo'), int(1), int(0), int(1), int(2), int(0), int(100), int(0), int(1), int(0), str('')];
    const f10 = make(h, a10);
    const f12 = make(h, a12);
    assert.equal(f12, f10 + 1n);
    exc(h, callFuncPacket(f10, []), /time evaluator handle \d+ is no longer valid/);
    assert.equal((ret(h, f12, []) as { value: Uint8Array }).value.length, 16);
  });
  it('min_repeat_ms grows number until the time is reached', () => {
    const h = new Harness();
    // The clock only moves when the timed function runs: 10 us per mem.data(), which urpc.sum
    // calls twice (bind + view): 20 us per call.
    h.plat.step = 0;
    const data = h.mem.data.bind(h.mem);
    h.mem.data = (x) => { h.plat.now += 10; return data(x); };
    const a = alloc(h, 4);
    const f = make(h, args11('urpc.sum', 1, 2, 1)); // 1 ms = 1000 ticks
    const r = ret(h, f, [T(tensor(a, [4]))]) as { value: Uint8Array };
    const dv = new DataView(r.value.buffer, r.value.byteOffset);
    // number 1 -> 20 us < 1 ms -> number = floor(1000 / 20) * 1 + 1 = 51 -> 1020 us.
    assert.equal(dv.getFloat64(0, true), 1020 / (1e6 * 51));
    assert.equal(dv.getFloat64(8, true), 1020 / (1e6 * 51));
  });
  it('a clock that barely moves cannot keep the device busy forever (rounds and number are capped)', () => {
    const h = new Harness();
    h.plat.step = 1; // 1 tick per clock read, whatever number is
    const f = make(h, args11('urpc.echo', 1, 1, 1000));
    let starts = 0;
    const orig = h.server.ctx.out.start.bind(h.server.ctx.out);
    h.server.ctx.out.start = (code) => { starts++; orig(code); };
    const r = ret(h, f, []) as { value: Uint8Array };
    assert.equal(r.value.length, 8);
    // One start per target call, per poll and per reply.
    assert.ok(starts <= 2 * 0x100000 + 2000, `starts ${starts}`);
  });
  it("a run that would take longer than the budget is refused at once (issue 13 item 11)", () => {
    // Before: number 2^31 - 1 (capped to 2^20) x repeat 250 kept a board busy for minutes.
    const h = new Harness();
    h.plat.step = 1000; // each clock read: 1 ms, so the warm-up call measures 1 ms
    const f = make(h, args11('urpc.echo', 0x7fffffff, 250, 0));
    let starts = 0;
    const orig = h.server.ctx.out.start.bind(h.server.ctx.out);
    h.server.ctx.out.start = (code) => { starts++; orig(code); };
    exc(h, callFuncPacket(f, []), /runtime.RPCTimeEvaluator: 262144000 calls \(number x repeat\) of 1000 us each \(the warm-up call\) would take more than the 5000 ms of device time allowed/);
    assert.ok(starts < 10, `starts ${starts}`);
    stillWorks(h);
  });
  it('a run that exceeds the budget while running is stopped with an exception', () => {
    const h = new Harness();
    // The warm-up call looks free (the clock stands still), then every call costs 1 ms.
    h.plat.step = 0;
    let calls = 0;
    const orig = h.server.ctx.out.start.bind(h.server.ctx.out);
    h.server.ctx.out.start = (code) => { if (++calls > 3) h.plat.now += 1000; orig(code); };
    const f = make(h, args11('urpc.echo', 100, 100, 0));
    calls = 0;
    exc(h, callFuncPacket(f, []), /runtime.RPCTimeEvaluator: stopped after 50\d\d ms of device time \(limit 5000 ms\)/);
    stillWorks(h);
  });
  it('runs in slices: other requests are refused Busy meanwhile, and a reset (new session) ends the run', () => {
    const h = new Harness();
    h.plat.step = 50; // 50 us per clock read: a 20 ms slice is a few hundred calls
    const f = make(h, args11('urpc.echo', 1000, 10, 0));
    start(h, f, [int(1)]);
    h.server.tick();
    assert.equal(h.server.busy(), true, 'one slice does not finish 10 x 1000 calls');
    exc(h, callFuncPacket(FN.MaxPacket, []), /a call is still pending/);
    const before = h.sink.sent.length;
    h.server.reset();
    assert.equal(h.server.busy(), false);
    for (let i = 0; i < 10; i++) h.server.tick();
    assert.equal(h.sink.sent.length, before, 'a cancelled run never answers');
    stillWorks(h);
    exc(h, callFuncPacket(f, [int(1)]), /no longer valid/);
  });
  it('a Shutdown ends a run too', () => {
    const h = new Harness();
    h.plat.step = 50;
    const f = make(h, args11('urpc.echo', 1000, 10, 0));
    start(h, f, [int(1)]);
    assert.equal(h.run(fromHex('04 00 00 00 00 00 00 00 01 00 00 00')), undefined);
    assert.equal(h.server.busy(), false);
    stillWorks(h);
  });
  it('a timer that never moves stops after limit_zero_time_iterations', () => {
    const h = new Harness();
    h.plat.step = 0;
    const f = make(h, args11('urpc.echo', 1, 2, 10, 5));
    const r = ret(h, f, []) as { value: Uint8Array };
    assert.deepEqual([...r.value], new Array(16).fill(0));
  });
  it('bad evaluator arguments are exceptions; only functions of the module can be timed (issue 13 item 2)', () => {
    const h = new Harness();
    exc(h, callFuncPacket(FN.TimeEvaluator, args11('urpc.echo', 1, 1, 0).slice(0, 9)), /expected 10, 11 or 12 arguments, got 9/);
    exc(h, callFuncPacket(FN.TimeEvaluator, args11('nope', 1, 1, 0)), /the module has no function of that name/);
    // TVM's runtime functions are globals, not functions of the system library: TVM's evaluator
    // does not find them (before, urpc's device timed any global).
    exc(h, callFuncPacket(FN.TimeEvaluator, args11('runtime.RPCTimeEvaluator', 1, 1, 0)), /the module has no function of that name/);
    exc(h, callFuncPacket(FN.TimeEvaluator, args11('tvm.contrib.random.random_fill', 1, 1, 0)), /global functions cannot be timed/);
    exc(h, callFuncPacket(FN.TimeEvaluator, args11('urpc.sleep', 1, 1, 0)), /cannot be timed/);
    exc(h, callFuncPacket(FN.TimeEvaluator, args11('urpc.echo', 0, 1, 0)), /number and repeat must be at least 1/);
    exc(h, callFuncPacket(FN.TimeEvaluator, args11('urpc.echo', 1, 251, 0)), /repeat 251 does not fit one reply \(limit 250\)/);
    const a = args11('urpc.echo', 1, 1, 0);
    a[10] = int(0);
    exc(h, callFuncPacket(FN.TimeEvaluator, a), /argument 10: type code 0, expected 11/);
    stillWorks(h);
  });
  it('a failing target reports its own error', () => {
    const h = new Harness();
    const f = make(h, args11('urpc.sum', 1, 1, 0));
    exc(h, callFuncPacket(f, [int(1)]), /argument 0: type code 0, expected 7/);
  });
  it('msToTicks and growNumber', () => {
    assert.equal(msToTicks(u32(5), u32(1_000_000)), 5000);
    assert.equal(msToTicks(u32(1500), u32(32768)), 49152);
    assert.equal(msToTicks(u32(3), u32(100)), 0);
    assert.equal(msToTicks(u32(0xffffffff), u32(1_000_000)), 0xffffffff);
    assert.equal(growNumber(u32(10), u32(1000), u32(100)), 101);
    assert.equal(growNumber(u32(8), u32(110), u32(100)), 13);
    assert.equal(growNumber(u32(0xc0000), u32(1000), u32(1)), 0x100000);
  });
});

describe('rpc f64 from integers', () => {
  const enc = (n: number, dHi: number, dLo: number): number => {
    const b = new Uint8Array(8);
    putF64Ratio(asBytes(b), u32(0), u32(n), u32(dHi), u32(dLo));
    return new DataView(b.buffer).getFloat64(0, true);
  };
  it('matches JS division (correctly rounded) for denominators below 2^53', () => {
    fc.assert(fc.property(fc.nat(), fc.nat(0x1fffff), fc.nat(), (n, hi, lo) => {
      const d = hi * 2 ** 32 + lo;
      fc.pre(d > 0);
      assert.equal(enc(n >>> 0, hi, lo >>> 0), (n >>> 0) / d);
    }), { numRuns: 5000 });
    assert.equal(enc(1, 0, 3), 1 / 3);
    assert.equal(enc(0xffffffff, 0, 1), 0xffffffff);
    assert.equal(enc(7, 0, 3_000_000), 7 / 3e6);
    assert.equal(enc(0, 0, 5), 0);
    assert.equal(enc(5, 0, 0), Infinity);
  });
  it('1.0 is 00 00 00 00 00 00 F0 3F (spec §4.4)', () => {
    const b = new Uint8Array(8);
    putF64Ratio(asBytes(b), u32(0), u32(9), u32(0), u32(9));
    assert.deepEqual([...b], [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });
  it('mulHi32 is the high word of the 64-bit product', () => {
    fc.assert(fc.property(fc.nat(), fc.nat(), (a, b) => {
      assert.equal(mulHi32(u32(a), u32(b)), Number((BigInt(a >>> 0) * BigInt(b >>> 0)) >> 32n));
    }));
  });
});
