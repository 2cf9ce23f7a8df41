// The receive side every byte-stream transport shares (host/transport/inbox.ts): bytes before
// anyone listens are held in order, and the end of the link reaches a listener even when it came
// first (a port lost while it was being opened). Through the Inbox alone, a real loopback socket
// (SocketTransport) and the page's Web Serial link over web streams (Node has them; the browser
// tests drive the same class in Chromium).
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { Inbox } from '../../host/transport/inbox.ts';
import { SocketTransport } from '../../host/transport/socket.ts';
import { WebSerialTransport, type SerialPortLike } from '../../host/web/page/webserial.ts';

/** What a transport hands over, from the moment a listener is set. */
function listen(t: { onData(h: (d: Uint8Array) => void): void; onClose(h: (r: string) => void): void }): { bytes: number[]; ends: string[] } {
  const got = { bytes: [] as number[], ends: [] as string[] };
  t.onData((d) => got.bytes.push(...d));
  t.onClose((r) => got.ends.push(r));
  return got;
}

describe('transport inbox', () => {
  it('holds bytes until onData, in order; reports the end once, also to a listener set after it', async () => {
    const inbox = new Inbox();
    inbox.data(Uint8Array.of(1, 2));
    inbox.data(Buffer.from([3]));
    inbox.end('first');
    inbox.end('second');
    assert.equal(inbox.hasEnded, true);
    const got = listen(inbox);
    assert.deepEqual(got, { bytes: [1, 2, 3], ends: ['first'] });
    assert.equal(await inbox.ended, 'first');
  });

  it('SocketTransport: a peer that sends and hangs up before anyone listens is still heard, bytes and end', async () => {
    const server = net.createServer((s) => s.end(Buffer.from([7, 8, 9])));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
      const t = new SocketTransport('tcp:test', socket);
      await new Promise((resolve) => socket.once('close', resolve));
      assert.deepEqual(listen(t), { bytes: [7, 8, 9], ends: ['tcp:test: connection closed'] });
    } finally {
      server.close();
    }
  });

  it('WebSerialTransport: a port lost right after it opened reports the loss to a listener set afterwards', async () => {
    let pulls = 0;
    const port: SerialPortLike = {
      open: async () => undefined,
      close: async () => undefined,
      // One chunk read, then the loss (an error drops what is still queued: the chunk goes first).
      readable: new ReadableStream<Uint8Array>({
        pull(c) {
          if (pulls++ === 0) c.enqueue(Uint8Array.of(0xfe, 1));
          else c.error(new Error('The device has been lost.'));
        },
      }),
      writable: new WritableStream<Uint8Array>(),
    };
    const t = new WebSerialTransport('webserial test', port);
    assert.equal(await t.ended, 'webserial test: The device has been lost.');
    assert.deepEqual(listen(t), { bytes: [0xfe, 1], ends: ['webserial test: The device has been lost.'] });
    await assert.rejects(t.write(Uint8Array.of(1)), /the link is closed/);
  });
});
