// A firmware process as a transport: the wire on its stdin/stdout (the native board, spec §6.9).
// Its stderr is kept (last 4 KiB) for error messages and optionally passed through.
// It ends with this process however that ends (child.ts), even while it computes and does not
// read its stdin.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUILD_ROOT } from '../repo.ts';
import { spawnTied } from './child.ts';
import { TransportClosedError, type Transport } from './transport.ts';
import { panicOfNativeExit } from '../client/panic.ts';

/** Where `urpc build --board native` puts the executable. */
export const NATIVE_FIRMWARE = path.join(BUILD_ROOT, 'native', 'firmware');

export interface ProcessTransportOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Copy the firmware's stderr to ours. */
  stderr?: boolean;
  name?: string;
}

export class ProcessTransport implements Transport {
  readonly name: string;
  readonly child: ChildProcessWithoutNullStreams;
  private dataHandler: (d: Uint8Array) => void = () => undefined;
  private closeHandler: (reason: string) => void = () => undefined;
  private closed = false;
  /** Why the process ended, once it has (a panic named). */
  private endReason: string | undefined;
  private exited: Promise<void>;
  /** The tail of the firmware's stderr. */
  stderrTail = '';
  /** Resolves at the firmware's first output (its boot Terminate): its signal handler is set. */
  private readonly booted: Promise<void>;
  private markBooted: () => void = () => undefined;

  constructor(file: string, opts: ProcessTransportOptions = {}) {
    if (!fs.existsSync(file)) {
      throw new TransportClosedError(`${file} does not exist; build it with: urpc build --board native`);
    }
    if (fs.statSync(file).isDirectory()) {
      throw new TransportClosedError(`${file} is a directory, not a firmware executable (native:<path> runs one, e.g. build/native/firmware)`);
    }
    try {
      fs.accessSync(file, fs.constants.X_OK);
    } catch {
      throw new TransportClosedError(`${file} is not executable (chmod +x it, or build the firmware with: urpc build --board native)`);
    }
    this.name = opts.name ?? `process ${path.relative(process.cwd(), file) || file}`;
    this.child = spawnTied(path.resolve(file), opts.args ?? [], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } }) as ChildProcessWithoutNullStreams;
    this.booted = new Promise((resolve) => {
      this.markBooted = resolve;
    });
    this.child.stdout.on('data', (b: Buffer) => {
      this.markBooted();
      this.dataHandler(new Uint8Array(b.buffer, b.byteOffset, b.length));
    });
    this.child.stderr.on('data', (b: Buffer) => {
      this.stderrTail = (this.stderrTail + b.toString('utf8')).slice(-4096);
      if (opts.stderr) process.stderr.write(b);
    });
    this.child.stdin.on('error', () => undefined); // EPIPE after the process died: reported by 'exit'
    this.exited = new Promise((resolve) => {
      // Said at 'close' (at most 1 s after 'exit'), not at 'exit': the firmware's last stdout
      // bytes (a panic's log line) and its stderr are read by then.
      const report = (code: number | null, signal: NodeJS.Signals | null): void => {
        const was = this.closed;
        this.closed = true;
        if (!was) {
          const why = signal !== null ? `signal ${signal}` : `exit status ${code}`;
          const tail = this.stderrTail.trim();
          const panic = panicOfNativeExit(code, this.stderrTail);
          this.endReason = `${panic !== undefined ? `${panic}: ` : ''}${this.name} ended (${why})${tail ? `: ${tail.split('\n').slice(-3).join(' | ')}` : ''}`;
          this.closeHandler(this.endReason);
        }
        resolve();
      };
      this.child.on('exit', (code, signal) => { setTimeout(() => report(code, signal), 1000).unref(); });
      this.child.on('close', report);
      this.child.on('error', (e) => {
        if (!this.closed) {
          this.closed = true;
          this.closeHandler(`${this.name}: ${e.message}`);
        }
        resolve();
      });
    });
  }

  write(data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new TransportClosedError(`${this.name} is closed`));
    return new Promise((resolve, reject) => {
      this.child.stdin.write(data, (e) => {
        if (!e) return resolve();
        // EPIPE: the process has ended; say why it did (a panic) rather than the broken pipe,
        // once its exit is known (at most a second later).
        const timer = setTimeout(() => reject(new TransportClosedError(`${this.name}: write failed: ${e.message}`)), 1000);
        void this.exited.then(() => {
          clearTimeout(timer);
          reject(new TransportClosedError(this.endReason ?? `${this.name}: write failed: ${e.message}`));
        });
      });
    });
  }

  onData(handler: (data: Uint8Array) => void): void {
    this.dataHandler = handler;
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandler = handler;
  }

  /** Reboots the firmware in place (SIGUSR1, firmware/platform/native/main.c). */
  async reset(): Promise<void> {
    // Before boot the signal would kill the process instead (no handler yet).
    await Promise.race([this.booted, this.exited]);
    if (this.closed) throw new TransportClosedError(`${this.name} is closed`);
    this.child.kill('SIGUSR1');
  }

  /** Closes stdin (the firmware exits on EOF); kills it if it is still running after 1 s. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 1000);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
  }
}

/** `native` or `native:/path/to/firmware`. */
export function openNative(uri: string, opts: ProcessTransportOptions = {}): ProcessTransport {
  const file = uri.startsWith('native:') ? path.resolve(uri.slice('native:'.length)) : NATIVE_FIRMWARE;
  return new ProcessTransport(file, { name: uri === 'native' ? 'native' : uri, ...opts });
}
