// The byte link under a session: a board's UART, a firmware process's stdin/stdout, a socket.
// The implementations beside this file may use Node; this file must not: host/client (which stays
// free of Node imports, for browsers) sees the links only through it.

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
