// The FwTS DeviceStack (the composition every board runs) in this process behind a Transport:
// bytes from the host are fed to it on the next turn of the event loop, its output comes back
// the same way. Knobs for the tests: drop all output (a wedged device), drop the next few output
// chunks (lost replies), reboot, end the link, cap the session version (a plain microTVM device).
import { asBytes, bytes, u8, type Bytes } from '../../firmware/lib/prelude.ts';
import { Err } from '../../firmware/lib/errors.ts';
import { DeviceStack, DEVICE_POOL_BYTES, DEVICE_SIZE_TABLE_BYTES } from '../../firmware/rpc/device_stack.ts';
import { HostPlatform } from '../../host/client/local.ts';
import type { Transport } from '../../host/transport/transport.ts';

export interface InProcessDeviceOptions {
  /** The transport's name (errors quote it; default 'in-process device'). */
  name?: string;
  /** The highest session version the device answers (1: a plain microTVM device, 2: reliable mode only; default 3). */
  maxVersion?: number;
  /** Keep every output chunk in `written` (off by default: a flood test measures memory). */
  record?: boolean;
}

export class InProcessDevice implements Transport {
  readonly name: string;
  stack!: DeviceStack;
  /** Drop every output chunk (a wedged or busy device). */
  mute = false;
  /** Drop the next this-many output chunks (lost replies). */
  dropReplies = 0;
  /** With `record`: every chunk the device wrote, in order, dropped ones included. */
  written: Uint8Array[] = [];
  private readonly maxVersion: number | undefined;
  private readonly record: boolean;
  private data: (d: Uint8Array) => void = () => undefined;
  private closed: (reason: string) => void = () => undefined;

  constructor(opts: InProcessDeviceOptions = {}) {
    this.name = opts.name ?? 'in-process device';
    this.maxVersion = opts.maxVersion;
    this.record = opts.record ?? false;
    this.reboot();
  }

  /** A fresh DeviceStack that boots (its Terminate reaches the host). */
  reboot(): void {
    const out = {
      write: (b: Bytes): Err => {
        const copy = new Uint8Array(b as unknown as Uint8Array);
        if (this.record) this.written.push(copy);
        if (this.dropReplies > 0) this.dropReplies--;
        else if (!this.mute) setImmediate(() => this.data(copy));
        return Err.Ok;
      },
    };
    this.stack = new DeviceStack(bytes(DEVICE_POOL_BYTES), bytes(DEVICE_SIZE_TABLE_BYTES), out, new HostPlatform());
    if (this.maxVersion !== undefined) {
      this.stack.setMaxVersion(u8(this.maxVersion));
    }
    this.stack.boot();
  }

  async write(d: Uint8Array): Promise<void> {
    const copy = new Uint8Array(d);
    setImmediate(() => this.stack.feed(asBytes(copy)));
  }
  onData(h: (d: Uint8Array) => void): void { this.data = h; }
  onClose(h: (reason: string) => void): void { this.closed = h; }
  /** The link ends (a cable pulled): the host's close handler hears `reason`. */
  end(reason: string): void { this.closed(reason); }
  async close(): Promise<void> {}
}
