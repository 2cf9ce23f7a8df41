// urpc serve <uri> --listen 127.0.0.1:PORT [--token T]: relay a device's byte link to urpc
// clients over TCP, one client at a time (the others wait in a bounded queue), so `urpc call tcp:<host>:<port>[?token=T] ...` (or
// connect() from another machine) reaches it. The session runs end to end between the client and
// the device (client -> tcp -> this host -> uart -> MCU); this process only moves bytes, so a
// client that leaves (its Terminate, or a dropped connection) frees the device for the next one.
// The device link is opened at start and re-opened for the next client if it went away.
// Loopback by default; listening on any other address requires --tls-key (TLS with a pre-shared
// key, host/transport/tls.ts) or --token. --tvm serves TVM's RPC protocol instead (host/tvm/). Token handshake: see
// host/transport/tcp.ts; who gets the device when: host/transport/tcp-gate.ts; the relay itself:
// host/transport/device-relay.ts.
// Exit: 0 on Ctrl-C/SIGTERM, 2 bad usage, device or port unavailable.
import type { Command } from 'commander';
import * as net from 'node:net';
import { openTransport } from '../client/connect.ts';
import { DeviceRelay } from '../transport/device-relay.ts';
import { TOKEN_DEADLINE_MS } from '../transport/tcp.ts';
import { TcpGate } from '../transport/tcp-gate.ts';
import { command, fail as report, intOption, msOption, UsageError, EXIT_USAGE } from './options.ts';

export function parseListen(spec: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(spec) ?? /^()(\d+)$/.exec(spec);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`bad --listen '${spec}'; expected <address>:<port>, e.g. 127.0.0.1:4560 (port 0: a free one)`);
  return { host: (m[1] || '127.0.0.1').replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Clients that may wait for the device by default, and how long each may wait. */
export const DEFAULT_QUEUE = 8;
export const DEFAULT_QUEUE_TIMEOUT_MS = 60_000;

interface TvmCliOptions { tlsKey?: string; initTls?: boolean; tvm?: boolean; key?: string; tracker?: string; trackerAddr?: string; allowRemoteTvm?: boolean }

export function registerServeCommand(program: Command): void {
  command(program, 'serve')
    .description('serve a device to other urpc clients over TCP (one client at a time, the others wait)')
    .argument('<uri>', 'device: native, serial:<device>?baud=<n>, qemu:<board>, tcp:<host>:<port>')
    .option('--listen <addr:port>', 'where to listen (loopback unless --token is set; port 0 picks one)', '127.0.0.1:4560')
    .option('--token <token>', 'clients must send this token (tcp:<host>:<port>?token=<token>); required off loopback')
    .option('--queue <n>', 'clients that may wait while another one uses the device (0: refuse them at once)', intOption, DEFAULT_QUEUE)
    .option('--queue-timeout <ms>', 'how long each of them may wait', msOption, DEFAULT_QUEUE_TIMEOUT_MS)
    .option('-q, --quiet', 'do not report clients on stderr')
    .option('--tls-key <file>', "TLS with this pre-shared key file (clients connect to tls:<host>:<port>?key=<file>); allows listening off loopback")
    .option('--init-tls', 'make a new key in the --tls-key file first (refuses to overwrite one); copy it to the client machines')
    .option('--tvm', "speak TVM's RPC protocol instead (tvm.rpc.connect(host, port, key=...); host/tvm/, docs/scale.md)")
    .option('--key <key>', 'with --tvm: the device key clients ask for (e.g. stm32)')
    .option('--tracker <host:port>', 'with --tvm: register the board with this TVM RPC tracker under --key (implies --tvm)')
    .option('--tracker-addr <addr>', 'with --tracker: the address the tracker hands to clients (default: ours, as it sees it)')
    .option('--allow-remote-tvm', 'with --tvm: allow a listen address off loopback (TVM RPC has no authentication or encryption)')
    .option('--web', 'serve the browser console at http://<addr:port>/ and the device on its WebSocket /ws instead of raw TCP (docs/browser.md)')
    .addHelpText('after', '\nExamples:\n  urpc serve serial:/dev/ttyACM0?baud=115200 --listen 127.0.0.1:4560\n' +
      '  urpc call tcp:127.0.0.1:4560 urpc.info\n' +
      '  urpc serve native --listen 0.0.0.0:4560 --token s3cret   # then, elsewhere:\n' +
      "  urpc call 'tcp:buildbox:4560?token=s3cret' urpc.echo 1\n" +
      '  urpc serve native --listen 0.0.0.0:4560 --tls-key board.psk --init-tls   # then copy board.psk and:\n' +
      "  urpc call 'tls:buildbox:4560?key=board.psk' urpc.echo 1\n" +
      '  urpc serve native --tvm --listen 127.0.0.1:9091 --key stm32 --tracker 127.0.0.1:9190\n' +
      '  urpc call tracker:127.0.0.1:9190/stm32 urpc.echo 1     # or tvm.rpc.connect_tracker(...).request("stm32")\n' +
      '\nToken handshake: the client sends "URPC-TOKEN <token>\\n" first; the server answers "URPC-OK\\n"\n' +
      'or "URPC-DENIED <reason>\\n" and closes. Without ?token= the client sends wire bytes at once.\n' +
      `A client that has not sent its token (or, without --token, any byte) within ${TOKEN_DEADLINE_MS} ms is dropped;\n` +
      'it never holds the device. While one client uses the device the others wait, in order (a token\n' +
      'client hears "URPC-WAIT <place>\\n", then URPC-OK at its turn); one that waits longer than\n' +
      '--queue-timeout, or finds the queue full, gets "URPC-DENIED busy: ...".\n' +
      'With --web the same rules hold for WebSocket clients (the token line is their first message).')
    .action(async (uri: string, opts: { listen: string; token?: string; queue: number; queueTimeout: number; quiet?: boolean; web?: boolean } & TvmCliOptions) => {
      const fail = (msg: string): void => report('serve', new UsageError(msg), {}, EXIT_USAGE);
      let addr;
      let queueLength: number;
      let queueDeadlineMs: number;
      try {
        addr = parseListen(opts.listen);
        queueLength = opts.queue;
        queueDeadlineMs = opts.queueTimeout;
      } catch (e) {
        return fail((e as Error).message);
      }
      if (opts.web === true && (opts.tvm === true || opts.tracker !== undefined)) return fail('--web and --tvm are different servers; use one of them');
      if (opts.tvm === true || opts.tracker !== undefined) {
        if (opts.token !== undefined || opts.tlsKey !== undefined) return fail('--token and --tls-key are for urpc clients; TVM RPC has neither (see --allow-remote-tvm, docs/scale.md)');
        const { serveTvm } = await import('../tvm/serve-tvm.ts');
        return serveTvm(uri, { ...addr, key: opts.key, tracker: opts.tracker, trackerAddr: opts.trackerAddr, allowRemoteTvm: opts.allowRemoteTvm, queueLength, queueDeadlineMs, quiet: opts.quiet });
      }
      if (opts.key !== undefined || opts.trackerAddr !== undefined || opts.allowRemoteTvm === true) return fail('--key, --tracker-addr and --allow-remote-tvm go with --tvm');
      if (opts.web === true && opts.tlsKey !== undefined) return fail('--tls-key is for tls: clients; a browser cannot use a pre-shared key');
      let psk: Buffer | undefined;
      if (opts.initTls === true && opts.tlsKey === undefined) return fail('--init-tls needs --tls-key <file> (where to write the new key)');
      if (opts.tlsKey !== undefined) {
        const { createPskFile, readPskFile } = await import('../transport/tls.ts');
        try {
          if (opts.initTls === true) createPskFile(opts.tlsKey);
          psk = readPskFile(opts.tlsKey);
        } catch (e) {
          return fail((e as Error).message);
        }
      }
      if (!isLoopback(addr.host) && opts.token === undefined && psk === undefined) {
        return fail(`refusing to listen on ${addr.host} without --token or --tls-key (anyone who can reach it could drive the device); ` +
          'add --tls-key <file> --init-tls (encrypted, docs/scale.md), or --token <secret>, or listen on 127.0.0.1');
      }
      if (opts.token !== undefined && (opts.token === '' || /\s/.test(opts.token))) return fail('the token must be non-empty, without spaces');
      const note = (m: string): void => { if (!opts.quiet) console.error(`urpc serve: ${m}`); };
      if (opts.web) {
        const { serveWeb } = await import('../web/serve-web.ts');
        return serveWeb(uri, { addr, loopback: isLoopback(addr.host), token: opts.token, queueLength, queueDeadlineMs, note }, fail);
      }
      if (!isLoopback(addr.host) && psk === undefined) note('warning: without --tls-key the token and the device traffic cross the network in clear');

      const relay = new DeviceRelay<net.Socket>({ open: () => openTransport(uri, { deviceStderr: false }), note, client: 'client' });
      try {
        await relay.openDevice();
      } catch (e) {
        return fail((e as Error).message);
      }
      // An admitted client is bridged to the device until it leaves, then the next one's turn.
      const gate: TcpGate = new TcpGate({ token: opts.token, tokenDeadlineMs: TOKEN_DEADLINE_MS, queueLength, queueDeadlineMs, note },
        (sock, first, who) => void relay.bridge(sock, first, who, () => gate.release(sock), (why) => gate.deny(sock, who, why)));
      relay.active = () => gate.active;

      const admit = (sock: net.Socket): void => {
        sock.setNoDelay(true);
        sock.on('error', () => undefined);
        gate.accept(sock);
      };
      const server = psk === undefined ? net.createServer(admit)
        : (await import('../transport/tls.ts')).createPskServer(psk, TOKEN_DEADLINE_MS, admit, (who, m) => note(`${who}: TLS handshake failed: ${m}`));
      await new Promise<void>((resolve) => {
        server.once('error', (e) => { fail(`cannot listen on ${opts.listen}: ${e.message}`); resolve(); });
        server.listen(addr.port, addr.host, () => resolve());
      });
      if (!server.listening) { await relay.close(); return; }
      const port = (server.address() as net.AddressInfo).port;
      const h = addr.host.includes(':') ? `[${addr.host}]` : addr.host;
      console.log(psk !== undefined
        ? `serving ${uri} on tls:${h}:${port}?key=${opts.tlsKey}${opts.token !== undefined ? '&token=<token>' : ''}`
        : `serving ${uri} on tcp:${h}:${port}${opts.token !== undefined ? '?token=<token>' : ''}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      server.close();
      gate.close();
      gate.active?.destroy();
      await relay.close();
      process.exit(process.exitCode ?? 0);
    });
}
