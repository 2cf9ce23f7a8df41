// Exception texts (firmware/rpc/wire.ts putMsg): the device sends `Name(values,"pieces")` and
// urpc's host puts the full text of host/app/rpc-tables.ts back together
// (host/client/exception-text.ts). The %s pieces (Detail.addText) are what a contained panic uses
// to name the function and the file; pieces longer than the space left are cut, never written
// past the buffer (a panic there would be the core's, and end the firmware).
import assert from 'node:assert/strict';
import { u32, asBytes } from '../../firmware/lib/prelude.ts';
import { Detail, Writer } from '../../firmware/rpc/wire.ts';
import { Msg } from '../../firmware/rpc/messages.ts';
import { RPC_DETAIL_TEXT_BYTES } from '../../firmware/rpc/config.ts';
import { MESSAGES } from '../../host/app/rpc-tables.ts';
import { expandExceptionText, parseExceptionText } from '../../host/client/exception-text.ts';
import { decodeReply, exceptionPacket } from '../../host/client/packet.ts';
import { decodeRpc } from '../../host/cli/inspect.ts';

const enc = (s: string) => asBytes(new TextEncoder().encode(s));
/** What the device puts on the wire for m. */
function wire(d: Detail, m: Msg): string {
  const w = new Writer();
  w.start(u32(0));
  w.putMsg(m, d);
  return new TextDecoder().decode((w.buf as unknown as Uint8Array).subarray(12, w.pos));
}
const full = (d: Detail, m: Msg) => expandExceptionText(wire(d, m));

/** The text the device sent before the short form (its old formatting, written again here). */
function reference(template: string, values: number[], pieces: string[]): string {
  let out = '';
  let used = 0;
  let piece = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const n = template[++i];
    if (n === 's') out += pieces[piece++] ?? '';
    else if ((n === 'u' || n === 'd') && used < values.length) {
      const v = values[used++];
      out += n === 'd' && v >= 0x80000000 ? String(v - 0x100000000) : String(v);
    } else out += '%' + (n ?? '');
  }
  return out;
}

describe('exception texts: short on the wire, full on urpc\'s host', () => {
  it('sends the name, the values and the quoted pieces', () => {
    const d = new Detail();
    d.set3(Msg.WrongType, u32(1), u32(2), u32(0));
    assert.equal(wire(d, Msg.WrongType), 'WrongType(1,2,0)');
    d.set0(Msg.SetDevice);
    assert.equal(wire(d, Msg.SetDevice), 'SetDevice()');
    d.set1(Msg.UnknownCode, u32(-5 >>> 0));
    assert.equal(wire(d, Msg.UnknownCode), 'UnknownCode(4294967291)');
    assert.equal(full(d, Msg.UnknownCode), 'unknown RPC code -5');
  });
  it('fills %s slots in order, %u from the values', () => {
    const d = new Detail();
    d.set2(Msg.AppPanicCode, u32(4660), u32(21));
    d.addText(enc('boom'));
    d.addText(enc('examples/app/x.ts'));
    assert.equal(wire(d, Msg.AppPanicCode), 'AppPanicCode(4660,21,"boom","examples/app/x.ts")');
    assert.equal(full(d, Msg.AppPanicCode), 'device function boom panicked: panic(4660) at examples/app/x.ts:21');
  });
  it('pieces with quotes, backslashes, commas and parentheses parse back as they were', () => {
    const d = new Detail();
    d.set1(Msg.AppPanicBounds, u32(7));
    d.addText(enc('f"),("'));
    d.addText(enc('C:\\dir (1)\\a,b.ts'));
    assert.equal(wire(d, Msg.AppPanicBounds), 'AppPanicBounds(7,"f\\"),(\\"","C:\\\\dir (1)\\\\a,b.ts")');
    assert.equal(full(d, Msg.AppPanicBounds), 'device function f"),(" panicked: Bounds (index outside a buffer) at C:\\dir (1)\\a,b.ts:7');
  });
  it('cuts pieces to the buffer; later pieces are empty, nothing panics', () => {
    const d = new Detail();
    d.set1(Msg.AppPanicBounds, u32(3));
    const long = 'n'.repeat(200);
    d.addText(enc(long));
    d.addText(enc('file.ts'));
    d.textAdded(u32(50)); // a third piece on a full buffer
    assert.equal(full(d, Msg.AppPanicBounds),
      `device function ${'n'.repeat(RPC_DETAIL_TEXT_BYTES - 1)} panicked: Bounds (index outside a buffer) at :3`);
  });
  it('set* clears the pieces of an earlier error', () => {
    const d = new Detail();
    d.set1(Msg.AppPanicBounds, u32(1));
    d.addText(enc('old'));
    d.set1(Msg.AppPanicBounds, u32(2));
    d.addText(enc('new'));
    d.addText(enc('f.ts'));
    assert.equal(full(d, Msg.AppPanicBounds), 'device function new panicked: Bounds (index outside a buffer) at f.ts:2');
  });
  it('every message comes back as the old formatting gave it, with 0 to 3 values', () => {
    const keys = Object.keys(Msg) as (keyof typeof Msg)[];
    for (const [key, template] of MESSAGES) {
      if (key === 'Ok') continue;
      const m = Msg[key as keyof typeof Msg];
      assert.equal(keys[m], key);
      const vals = [4294967295, 0, 1234567];
      for (let n = 0; n <= 3; n++) {
        const d = new Detail();
        if (n === 0) d.set0(m);
        else if (n === 1) d.set1(m, u32(vals[0]));
        else if (n === 2) d.set2(m, u32(vals[0]), u32(vals[1]));
        else d.set3(m, u32(vals[0]), u32(vals[1]), u32(vals[2]));
        d.addText(enc('fn,"x"'));
        d.addText(enc('a\\b.ts'));
        assert.equal(full(d, m), reference(template, vals.slice(0, n), ['fn,"x"', 'a\\b.ts']), `${key} with ${n} values`);
      }
    }
  });
  it('a text not in that form is shown as it came', () => {
    for (const s of ['', 'WrongType', 'WrongType(1,2', 'WrongType(1,2,0) ', 'NoSuchName(1)', 'WrongType(01)', 'WrongType(4294967296)',
      'WrongType(1,2,3,4)', 'AppPanic("a",1)', 'AppPanic("a\\x")', 'AppPanic("a)', 'WrongType(,1)', 'WrongType(1,)', 'Ok()',
      'InternalError: something in a TVM device']) {
      assert.equal(parseExceptionText(s), undefined, s);
      assert.equal(expandExceptionText(s), s);
    }
  });
  it('the kException reply carries the short text; decodeReply gives the full one', () => {
    const w = new Writer();
    const d = new Detail();
    d.set2(Msg.OutOfMemory, u32(4096), u32(12));
    w.exception(Msg.OutOfMemory, d);
    const p = new Uint8Array(w.finish() as unknown as Uint8Array);
    // u64 length, i32 code 5, i32 1 value, i32 type code 11, u64 str length (28 bytes), the text
    assert.equal(new TextDecoder().decode(p.subarray(28)), 'OutOfMemory(4096,12)');
    const r = decodeReply(p);
    assert.ok(r.code === 5 && 'message' in r);
    assert.equal(r.message, 'out of memory: 4096 bytes requested, 12 free');
  });
});

describe('urpc inspect: an exception packet shows the short text and the full one', () => {
  it('decodeRpc adds message only when the text expands', () => {
    const short = decodeRpc(exceptionPacket('UnknownMemHandle(4096)'));
    assert.deepEqual(short.args, [{ type: 'str', value: 'UnknownMemHandle(4096)' }]);
    assert.equal(short.message, 'unknown or freed memory handle 4096');
    assert.equal(decodeRpc(exceptionPacket('oops')).message, undefined);
  });
});
