// The byte link under a session: a board's UART, a firmware process's stdin/stdout, a socket.
// Implementations live in host/transport (they may use Node); host/client only sees this.

export interface Transport {
  /** Names the link in errors, e.g. "native (build/native/firmware)". */
  readonly name: string;
  /** Sends all bytes (resolves when they are handed to the OS). */
  write(data: Uint8Array): Promise<void>;
  /** Received bytes, in order, in chunks of any size. One handler. */
  onData(handler: (data: Uint8Array) => void): void;
  /** The link ended (process exit, port closed); `reason` says why. One handler. */
  onClose(handler: (reason: string) => void): void;
  /** Closes the link; resolves when it is closed. Idempotent. */
  close(): Promise<void>;
  /** Reboots the device, where the link can (native: SIGUSR1; QEMU: the monitor's system_reset).
   * Resolves once the reset is requested; the device's boot Terminate follows. */
  reset?(): Promise<void>;
}

export class TransportClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportClosedError';
  }
}
