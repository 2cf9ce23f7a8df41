// The set-up the TVM RPC server suites share: `urpc serve --tvm`'s server (host/tvm/rpc-server.ts)
// in front of the real native board, on a free loopback port, its notes kept for the assertions;
// mocha hooks start it before the suite's tests and close server and board after them.
import { ensureNative } from '../e2e/helpers.ts';
import { openTransport } from '../../host/client/connect.ts';
import { DeviceLink } from '../../host/tvm/device-link.ts';
import { TvmRpcServer, type TvmRpcServerOptions } from '../../host/tvm/rpc-server.ts';

export interface NativeTvmServer {
  server: TvmRpcServer;
  device: DeviceLink;
  port: number;
  /** The server's and the board link's notes, in order. */
  notes: string[];
}

/** Call inside describe(): the returned object is filled in by its before() hook. */
export function nativeTvmServer(opts: Omit<TvmRpcServerOptions, 'device' | 'note'>): NativeTvmServer {
  const s = { notes: [] as string[] } as NativeTvmServer;
  before(async () => {
    await ensureNative();
    s.device = new DeviceLink({ open: () => openTransport('native', { deviceStderr: false }), note: (m) => s.notes.push(m) });
    s.server = new TvmRpcServer({ ...opts, device: s.device, note: (m) => s.notes.push(m) });
    s.port = await s.server.listen('127.0.0.1', 0);
  });
  after(async () => {
    // A before() that failed half-way leaves some unset: its error is the one to see.
    s.server?.close();
    await s.device?.close();
  });
  return s;
}
