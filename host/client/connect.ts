// connect(uri): one entry point for every kind of device.
//
//   native                  build/native/firmware as a child process (wire on stdin/stdout)
//   native:<path>           another firmware executable
//   local                   the FwTS device code in this process (LocalSession)
//   qemu:<machine>          boards/qemu-<machine> in QEMU, its UART on a socket (QEMU killed by close())
//   tcp:host:port[?token=T] a TCP byte link (`urpc qemu --tcp <port>`, `urpc serve`; host/transport/tcp.ts)
//   serial:/dev/tty...?baud=...   a serial port (host/transport/serial.ts)
//   tls:host:port?key=<file>[&token=T]  `urpc serve --tls-key`: the same inside TLS (host/transport/tls.ts)
//   tracker:host:port/<key> a board of that key, requested from a TVM RPC tracker (host/tvm/tracker-link.ts)
//
// Transports that need Node are loaded on demand from host/transport, so this module stays
// browser-safe; others can be added with registerTransport().
import { RpcError } from './client.ts';
import type { RpcSession } from './rpc-session.ts';
import { RemoteSession, type RemoteSessionOptions } from './remote.ts';
import { LocalSession } from './local.ts';
import type { Transport } from '../transport/transport.ts';
import type { AppTable } from '../../firmware/rpc/ctx.ts';
import type { FaultSpec } from '../transport/faults.ts';

export interface ConnectOptions extends RemoteSessionOptions {
  /** local: the app's device functions (host/app/load.ts loadApp(), or a generated AppRegistry). */
  app?: AppTable;
  /** native: copy the firmware's stderr to ours. */
  deviceStderr?: boolean;
  /** native: extra environment for the firmware (e.g. URPC_SEED). */
  env?: Record<string, string>;
  /** Inject faults into the link (host/transport/faults.ts), e.g. 'drop=0.01,flip=0.001,seed=7'. */
  faults?: FaultSpec | string;
}

export type TransportFactory = (uri: string, opts: ConnectOptions) => Promise<Transport>;

const factories = new Map<string, TransportFactory>([
  ['native', async (uri, opts) => (await import('../transport/process.ts')).openNative(uri, { stderr: opts.deviceStderr, env: opts.env })],
]);
const PLANNED: string[] = [];
registerTransport('qemu', async (uri, opts) => (await import('../transport/qemu.ts')).openQemu(uri, { stderr: opts.deviceStderr }));
registerTransport('tcp', async (uri, opts) => (await import('../transport/tcp.ts')).openTcpLink(uri, opts.startTimeoutMs));
registerTransport('serial', async (uri) => (await import('../transport/serial.ts')).openSerial(uri));
registerTransport('tls', async (uri, opts) => (await import('../transport/tls.ts')).openTlsLink(uri, opts.startTimeoutMs));
registerTransport('tracker', async (uri, opts) => (await import('../tvm/tracker-link.ts')).openTrackerLink(uri, opts.startTimeoutMs));

/** Adds (or replaces) the transport of a URI scheme. */
export function registerTransport(scheme: string, factory: TransportFactory): void {
  factories.set(scheme, factory);
}

/** Opens a session. `F` types the app's functions: connect<AppFunctions>('native:build/x/firmware')
 * with AppFunctions from the app.d.ts that `urpc build --app` generates. */
export async function connect<F extends object = {}>(uri: string, opts: ConnectOptions = {}): Promise<RpcSession<F>> {
  if (uri === 'local') return new LocalSession<F>({ timeoutMs: opts.timeoutMs, app: opts.app });
  const transport = await openTransport(uri, opts);
  return RemoteSession.open<F>(uri, transport, opts);
}

/** The byte link of a device URI, without a session (`urpc serve` relays it). */
export async function openTransport(uri: string, opts: ConnectOptions = {}): Promise<Transport> {
  const scheme = uri.includes(':') ? uri.slice(0, uri.indexOf(':')) : uri;
  const factory = factories.get(scheme);
  if (factory === undefined) {
    if (PLANNED.includes(scheme)) {
      throw new RpcError(`connect('${uri}'): the ${scheme} transport is not yet supported; use 'native' or 'local'`);
    }
    throw new RpcError(`connect('${uri}'): unknown device URI; expected native, native:<path>, local, ` +
      'tcp:<host>:<port>, tls:<host>:<port>?key=<file>, tracker:<host>:<port>/<key>, serial:<device>?baud=<n> or qemu:<board>');
  }
  if (opts.faults === undefined) return factory(uri, opts);
  const { FaultyTransport, parseFaults } = await import('../transport/faults.ts');
  let spec: FaultSpec;
  try {
    spec = typeof opts.faults === 'string' ? parseFaults(opts.faults) : opts.faults;
  } catch (e) {
    throw new RpcError((e as Error).message);
  }
  return new FaultyTransport(await factory(uri, opts), spec);
}

// Device groups (one session per URI, commands queued per device): host/client/group.ts.
export { connectGroup, DeviceGroup, DRef, GroupTensor, GroupFunction, GroupError, DeviceError } from './group.ts';
export type { GroupOptions, GroupArg, DeviceStatus, ReduceOp } from './group.ts';
