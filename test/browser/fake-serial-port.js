// Injected into the page by the browser tests (page.addInitScript): navigator.serial with one port
// that implements the Web Serial API's SerialPort (open/readable/writable/close/getInfo) over a
// WebSocket to `urpc serve --web`, since headless Chromium cannot grant a real port. The console's
// WebSerial transport (host/web/page/webserial.ts) drives it exactly as it drives a real port.
// Config: window.__URPC_FAKE_SERIAL = { url, token }, set just before this script.
(() => {
  const cfg = window.__URPC_FAKE_SERIAL;
  const lost = () => new DOMException('The device has been lost.', 'NetworkError');
  class FakeSerialPort {
    constructor() {
      this.readable = null;
      this.writable = null;
      this.ws = null;
      /** open() calls that succeeded (a reconnect opens the port again). */
      this.opens = 0;
      this.baudRate = 0;
    }
    getInfo() {
      return { usbVendorId: 0x1209, usbProductId: 0x0001 };
    }
    async open(options) {
      if (this.readable !== null) throw new DOMException('The port is already open.', 'InvalidStateError');
      if (!options || !(options.baudRate > 0)) throw new TypeError('Failed to execute open on SerialPort: baudRate is required');
      const ws = new WebSocket(cfg.url);
      ws.binaryType = 'arraybuffer';
      // The serve's token handshake stands for the USB enumeration a real port would do.
      const rest = await new Promise((resolve, reject) => {
        let got = new Uint8Array(0);
        const timer = setTimeout(() => { ws.close(); reject(new DOMException('Failed to open serial port.', 'NetworkError')); }, 10000);
        ws.onopen = () => ws.send(`URPC-TOKEN ${cfg.token || ''}\n`);
        ws.onclose = () => { clearTimeout(timer); reject(new DOMException('Failed to open serial port.', 'NetworkError')); };
        ws.onmessage = (ev) => {
          const b = new Uint8Array(ev.data);
          const all = new Uint8Array(got.length + b.length);
          all.set(got);
          all.set(b, got.length);
          got = all;
          const nl = got.indexOf(10);
          if (nl < 0) return;
          const line = new TextDecoder().decode(got.subarray(0, nl));
          if (line.startsWith('URPC-WAIT ')) { got = got.subarray(nl + 1); return; }
          clearTimeout(timer);
          if (line !== 'URPC-OK') { ws.onclose = null; ws.close(); reject(new DOMException(`Failed to open serial port: ${line}`, 'NetworkError')); return; }
          resolve(got.subarray(nl + 1));
        };
      });
      this.readable = new ReadableStream({
        start(c) {
          if (rest.length > 0) c.enqueue(rest);
          ws.onmessage = (ev) => c.enqueue(new Uint8Array(ev.data));
          ws.onclose = () => { try { c.error(lost()); } catch { /* already closed */ } };
        },
        cancel() { /* close() ends the socket */ },
      });
      this.writable = new WritableStream({
        write(chunk) {
          if (ws.readyState !== WebSocket.OPEN) throw lost();
          ws.send(chunk);
        },
      });
      this.ws = ws;
      this.baudRate = options.baudRate;
      this.opens++;
    }
    async close() {
      if (this.readable === null) throw new DOMException('The port is already closed.', 'InvalidStateError');
      if (this.readable.locked || this.writable.locked) throw new TypeError('Cannot close a port with locked streams');
      this.ws.onclose = null;
      this.ws.close();
      this.ws = null;
      this.readable = null;
      this.writable = null;
    }
  }
  const port = new FakeSerialPort();
  window.__fakeSerialPort = port;
  Object.defineProperty(navigator, 'serial', {
    configurable: true,
    value: { requestPort: async () => port, getPorts: async () => [port] },
  });
})();
