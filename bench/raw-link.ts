// The raw link (bench/harness/rawlink.c) seen from the host: the baseline every link figure of
// the bench is compared with (bench/run.ts section 3, bench/compact-wire.ts section 10).
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Transport } from '../host/transport/transport.ts';
import { REPO } from '../host/repo.ts';

const run = promisify(execFile);

/** The raw link (bench/harness/rawlink.c) on a transport: a byte echo, and one-way streams. */
export class RawLink {
  private got = 0;
  private want = 0;
  private done: () => void = () => undefined;
  private readonly t: Transport;
  private readonly timeoutMs: number;
  constructor(t: Transport, timeoutMs: number) {
    this.t = t;
    this.timeoutMs = timeoutMs;
    this.t.onData((d) => {
      this.got += d.length;
      if (this.want > 0 && this.got >= this.want) {
        this.want = 0;
        this.done();
      }
    });
  }
  /** Resolves when `n` bytes have come since the last reset. */
  private expect(n: number, what: string): Promise<void> {
    this.want = n;
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.t.name}: ${what}: ${this.got} of ${n} bytes after ${this.timeoutMs} ms`)), this.timeoutMs);
      this.done = () => {
        clearTimeout(t);
        resolve();
      };
      if (this.got >= n) {
        this.want = 0;
        this.done();
      }
    });
  }
  /** Waits for the "RAWLINK\n" banner. */
  async ready(): Promise<void> {
    await this.expect(8, 'banner');
    await new Promise((r) => setTimeout(r, 50));
  }
  private static cmd(op: string, n: number): Uint8Array {
    return new Uint8Array([0x1b, op.charCodeAt(0), n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  }
  /** Sends `data` and resolves when as many bytes came back. */
  roundTrip(data: Uint8Array): Promise<void> {
    this.got = 0;
    const p = this.expect(data.length, `echo of ${data.length} B`);
    void this.t.write(data);
    return p;
  }
  /** Host -> device: `data` after a sink command; resolves on the device's one-byte answer. */
  sink(data: Uint8Array): Promise<void> {
    this.got = 0;
    const p = this.expect(1, `sink of ${data.length} B`);
    const m = new Uint8Array(6 + data.length);
    m.set(RawLink.cmd('S', data.length));
    m.set(data, 6);
    void this.t.write(m);
    return p;
  }
  /** Device -> host: `n` bytes the device sends when asked. */
  source(n: number): Promise<void> {
    this.got = 0;
    const p = this.expect(n, `transmit of ${n} B`);
    void this.t.write(RawLink.cmd('T', n));
    return p;
  }
  close(): Promise<void> {
    return this.t.close();
  }
}

/** The raw link firmware for the QEMU board: bench/harness/rawlink.c on urpc's own Cortex-M
 * board layer (startup, interrupt-driven UART with the same rings), built like the board. */
export async function buildRawLinkQemu(work: string): Promise<string> {
  const elf = path.join(work, 'rawlink-lm3s6965evb.elf');
  const cm = path.join(REPO, 'firmware/platform/cortex-m');
  await run('arm-none-eabi-gcc', ['-mcpu=cortex-m3', '-mthumb', '-std=c99', '-Os', '-ffreestanding', '-ffunction-sections', '-fdata-sections',
    '-I', path.join(REPO, 'boards/qemu-lm3s6965evb'), '-I', cm, '-DRAWLINK_CORTEX_M',
    path.join(REPO, 'bench/harness/rawlink.c'), path.join(cm, 'startup.c'), path.join(cm, 'uart.c'), path.join(cm, 'uart_pl011.c'),
    '-nostartfiles', '-Wl,--gc-sections', '-L', cm, '-T', path.join(REPO, 'boards/qemu-lm3s6965evb/lm3s6965.ld'), '-o', elf]);
  return elf;
}

export async function buildRawLinkNative(work: string): Promise<string> {
  const exe = path.join(work, 'rawlink');
  await run('gcc', ['-std=c99', '-O2', '-DRAWLINK_POSIX', path.join(REPO, 'bench/harness/rawlink.c'), '-o', exe]);
  return exe;
}
