// The receive side the byte-stream transports share: bytes that arrive before anyone listens
// (the device's boot Terminate) are kept and handed over in order. The transport reports the
// end of its link once, through end().
export class Inbox {
  private early: Uint8Array[] | undefined = [];
  private dataHandler: (d: Uint8Array) => void = (d) => this.early?.push(d);
  private closeHandler: (reason: string) => void = () => undefined;

  /** Bytes from the link (a Buffer is viewed, not copied). */
  data(b: Uint8Array): void {
    this.dataHandler(new Uint8Array(b.buffer, b.byteOffset, b.length));
  }

  end(reason: string): void {
    this.closeHandler(reason);
  }

  onData(handler: (data: Uint8Array) => void): void {
    this.dataHandler = handler;
    const early = this.early ?? [];
    this.early = undefined;
    for (const d of early) handler(d);
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandler = handler;
  }
}
