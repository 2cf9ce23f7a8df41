// The receive side the byte-stream transports share (socket, serial, and the page's WebSocket and
// Web Serial links): bytes that arrive before anyone listens (the device's boot Terminate) are
// kept and handed over in order; the end of the link is reported once, also to a listener that
// comes after it (a port lost while it was being opened is not silence), and as `ended`.
export class Inbox {
  private early: Uint8Array[] | undefined = [];
  private dataHandler: (d: Uint8Array) => void = (d) => this.early?.push(d);
  private closeHandler: ((reason: string) => void) | undefined;
  private endReason: string | undefined;
  private resolveEnded: (reason: string) => void = () => undefined;
  /** Resolves with the reason once the link has ended. */
  readonly ended: Promise<string> = new Promise((resolve) => { this.resolveEnded = resolve; });

  /** Bytes from the link (a Buffer is viewed, not copied). */
  data(b: Uint8Array): void {
    this.dataHandler(new Uint8Array(b.buffer, b.byteOffset, b.length));
  }

  /** The link ended; only the first call counts. */
  end(reason: string): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    this.closeHandler?.(reason);
    this.resolveEnded(reason);
  }

  /** Whether end() was called. */
  get hasEnded(): boolean {
    return this.endReason !== undefined;
  }

  onData(handler: (data: Uint8Array) => void): void {
    this.dataHandler = handler;
    const early = this.early ?? [];
    this.early = undefined;
    for (const d of early) handler(d);
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandler = handler;
    if (this.endReason !== undefined) handler(this.endReason);
  }
}
