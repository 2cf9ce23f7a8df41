// The %s pieces of an exception text (firmware/rpc/wire.ts Detail): what a contained panic uses
// to name the function and the file. Pieces longer than the space left are cut, never written
// past the buffer (a panic there would be the core's, and end the firmware).
import assert from 'node:assert/strict';
import { u32, asBytes } from '../../firmware/lib/prelude.ts';
import { Detail, Writer } from '../../firmware/rpc/wire.ts';
import { Msg } from '../../firmware/rpc/messages.ts';
import { RPC_DETAIL_TEXT_BYTES } from '../../firmware/rpc/config.ts';

const enc = (s: string) => asBytes(new TextEncoder().encode(s));
function text(d: Detail, m: Msg): string {
  const w = new Writer();
  w.start(u32(0));
  w.putMsg(m, d);
  return new TextDecoder().decode((w.buf as unknown as Uint8Array).subarray(12, w.pos));
}

describe('exception texts with %s pieces (Detail.addText)', () => {
  it('fills %s slots in order, %u from the values', () => {
    const d = new Detail();
    d.set2(Msg.AppPanicCode, u32(4660), u32(21));
    d.addText(enc('boom'));
    d.addText(enc('examples/app/x.ts'));
    assert.equal(text(d, Msg.AppPanicCode), 'device function boom panicked: panic(4660) at examples/app/x.ts:21');
  });
  it('cuts pieces to the buffer; later pieces are empty, nothing panics', () => {
    const d = new Detail();
    d.set1(Msg.AppPanicBounds, u32(3));
    const long = 'n'.repeat(200);
    d.addText(enc(long));
    d.addText(enc('file.ts'));
    d.textAdded(u32(50)); // a third piece on a full buffer
    assert.equal(text(d, Msg.AppPanicBounds),
      `device function ${'n'.repeat(RPC_DETAIL_TEXT_BYTES - 1)} panicked: Bounds (index outside a buffer) at :3`);
  });
  it('set* clears the pieces of an earlier error', () => {
    const d = new Detail();
    d.set1(Msg.AppPanicBounds, u32(1));
    d.addText(enc('old'));
    d.set1(Msg.AppPanicBounds, u32(2));
    d.addText(enc('new'));
    d.addText(enc('f.ts'));
    assert.equal(text(d, Msg.AppPanicBounds), 'device function new panicked: Bounds (index outside a buffer) at f.ts:2');
  });
});
