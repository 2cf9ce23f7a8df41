// `urpc serve <uri> --tvm [--tracker host:port --key k]`: the CLI side of host/tvm. Serves the
// board to TVM RPC clients (rpc-server.ts) and, with --tracker, keeps it registered with a TVM
// tracker (tracker-register.ts). TVM's RPC and tracker protocols have no authentication and no
// encryption, so a listen address off loopback needs --allow-remote-tvm (docs/scale.md: keep
// them on loopback, or reach them through an SSH tunnel).
// Exit: 0 on Ctrl-C/SIGTERM, 2 bad usage, device or port unavailable.
import { openTransport } from '../client/connect.ts';
import { DeviceLink } from './device-link.ts';
import { TvmRpcServer } from './rpc-server.ts';
import { TrackerRegistration } from './tracker-register.ts';
import { parseTrackerAddress } from './tracker-client.ts';

export interface ServeTvmOptions {
  host: string;
  port: number;
  key?: string;
  tracker?: string;
  trackerAddr?: string;
  allowRemoteTvm?: boolean;
  queueLength: number;
  queueDeadlineMs: number;
  quiet?: boolean;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Checks the options; the message of the first problem, or undefined. */
export function checkServeTvm(o: ServeTvmOptions): string | undefined {
  if (!isLoopbackHost(o.host) && o.allowRemoteTvm !== true) {
    return `refusing to serve TVM RPC on ${o.host}: TVM's RPC protocol has no authentication or encryption, so anyone who can ` +
      'reach the port drives the board; listen on 127.0.0.1 and use an SSH tunnel, or add --allow-remote-tvm on a network you trust';
  }
  if (o.tracker !== undefined) {
    try { parseTrackerAddress(o.tracker); } catch (e) { return (e as Error).message; }
    if (o.key === undefined || o.key === '') return '--tracker needs --key <device key> (what clients request, e.g. stm32)';
  }
  if (o.key !== undefined && (/[\s:]/.test(o.key) || o.key.length > 200)) return `bad --key '${o.key}': no spaces or colons (TVM splits keys on them)`;
  if (o.tracker === undefined && o.trackerAddr !== undefined) return '--tracker-addr needs --tracker';
  return undefined;
}

export async function serveTvm(uri: string, o: ServeTvmOptions): Promise<void> {
  const fail = (msg: string): void => { console.error(`urpc serve: ${msg}`); process.exitCode = 2; };
  const bad = checkServeTvm(o);
  if (bad !== undefined) return fail(bad);
  const note = (m: string): void => { if (!o.quiet) console.error(`urpc serve: ${m}`); };
  const device = new DeviceLink({ open: () => openTransport(uri, { deviceStderr: false }), note });
  try {
    await device.begin(); // fail now, not at the first client, if the board is not there
  } catch (e) {
    await device.close();
    return fail((e as Error).message);
  }
  const key = o.key ?? '';
  const server = new TvmRpcServer({ deviceKey: key, device, note, queueLength: o.queueLength, queueTimeoutMs: o.queueDeadlineMs });
  let port: number;
  try {
    port = await server.listen(o.host, o.port);
  } catch (e) {
    await device.close();
    return fail(`cannot listen on ${o.host}:${o.port}: ${(e as Error).message}`);
  }
  let reg: TrackerRegistration | undefined;
  if (o.tracker !== undefined) {
    if (!isLoopbackHost(parseTrackerAddress(o.tracker).host) && isLoopbackHost(o.host) && o.trackerAddr === undefined) {
      note(`warning: the tracker is on another host but this server listens on ${o.host}: the clients it sends here cannot ` +
        'connect; use SSH tunnels and --tracker-addr 127.0.0.1 (docs/scale.md), or --allow-remote-tvm with a reachable --listen');
    }
    reg = new TrackerRegistration({
      tracker: parseTrackerAddress(o.tracker), key, port, server, note,
      ...(o.trackerAddr !== undefined ? { customAddr: o.trackerAddr } : {}),
    });
    server.onSessionEnd = () => reg!.sessionEnded();
    reg.start();
  }
  const h = o.host.includes(':') ? `[${o.host}]` : o.host;
  console.log(`serving ${uri} to TVM RPC clients on ${h}:${port} (key '${key}')` +
    (o.tracker !== undefined ? `; registering with tracker ${o.tracker}: connect with tracker:${o.tracker}/${key}` : ''));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await reg?.stop();
  server.close();
  await device.close();
  process.exit(process.exitCode ?? 0);
}
