import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { asBytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { Framer } from '../../firmware/framing/framer.ts';
import { WireOut } from '../../host/client/wire-out.ts';
import { cat, CaptureStream } from './framing-helpers.ts';

describe('host/client/wire-out: the framer output HostSession sends', () => {
  it('take() returns every write in order, in a buffer of its own, and empties; clear() drops', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 12 }), (parts) => {
        const o = new WireOut();
        // Writes come from a buffer the writer reuses, as the framer's staging buffer is.
        const scratch = new Uint8Array(3000);
        for (const p of parts) {
          scratch.set(p);
          assert.equal(o.write(asBytes(scratch.subarray(0, p.length))), Err.Ok);
          scratch.fill(0xaa);
        }
        const all = cat(...parts);
        assert.equal(o.length, all.length);
        const got = o.take();
        assert.deepEqual(got, all);
        assert.equal(o.length, 0);
        o.write(asBytes(Uint8Array.of(1, 2, 3)));
        assert.deepEqual(got, all, 'a later write changed a taken buffer');
        o.clear();
        assert.deepEqual(o.take(), new Uint8Array(0));
      }),
      { numRuns: 200 },
    );
  });

  it('a train of frames through it is the framer output byte for byte', () => {
    const payloads = [new Uint8Array(5000).fill(0xff), Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff), new Uint8Array(0)];
    const o = new WireOut();
    const ref = new CaptureStream();
    for (const f of [new Framer(o), new Framer(ref)]) {
      for (const p of payloads) assert.equal(f.writeFrame(asBytes(p)), Err.Ok);
    }
    assert.deepEqual(o.take(), ref.take());
  });
});
