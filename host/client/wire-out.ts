// The framer's output on the host: every write() appended into one growing buffer, taken as one
// transport write. One copy per write and one per take(), no allocation per write (the framer
// writes its 64-byte staging buffer, ~32 times per 2 KB message); take() copies into a block shared
// with other small buffers (slab.ts). Browser-safe.

import { Err } from '../../firmware/lib/errors.ts';
import type { Bytes } from '../../firmware/lib/prelude.ts';
import type { WriteStream } from '../../firmware/framing/framer.ts';
import { copyBytes } from './slab.ts';

export class WireOut implements WriteStream {
  private buf = new Uint8Array(4096);
  private len = 0;

  /** Bytes written since the last take() or clear(). */
  get length(): number {
    return this.len;
  }

  write(data: Bytes): Err {
    const d = data as unknown as Uint8Array;
    if (this.len + d.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + d.length));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(d, this.len);
    this.len += d.length;
    return Err.Ok;
  }

  /** What was written, in a buffer of its own (the caller may keep it); empties this one. */
  take(): Uint8Array {
    const out = copyBytes(this.buf, 0, this.len);
    this.len = 0;
    return out;
  }

  clear(): void {
    this.len = 0;
  }
}
