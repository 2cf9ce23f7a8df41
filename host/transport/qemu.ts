// QEMU boards as transports: the firmware of boards/qemu-<machine> runs in qemu-system-arm and
// its UART0 is a TCP socket.
//
//   connect('qemu:lm3s6965evb')             this process listens on an ephemeral port first and
//                                           QEMU connects to it as a client (no race, the boot
//                                           Terminate is not lost); QEMU is started here and
//                                           SIGKILLed by close(), and ends with this process
//                                           however it ends, SIGKILL included (child.ts)
//   connect('qemu:lm3s6965evb?elf=path')    another firmware image for that board
//   connect('tcp:127.0.0.1:4555')           any TCP byte link, e.g. what `urpc qemu --tcp` prints
//
// SIGKILL because a QEMU whose vCPU is blocked in a UART write ignores SIGTERM (shared notes §7.2).
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { REPO, BUILD_ROOT } from '../repo.ts';
import { spawnTied } from './child.ts';
import { SocketTransport } from './socket.ts';
import { TransportClosedError } from './transport.ts';
import { panicOfQemuStatus } from '../client/panic.ts';

export interface QemuBoard {
  /** Board directory name, e.g. qemu-lm3s6965evb. */
  board: string;
  machine: string;
  binary: string;
  args: string[];
  /** Handshake deadline to use for this machine (CMSDK boards receive their first byte late). */
  startTimeoutMs: number;
  /** Where `urpc build --board <board>` puts the image. */
  elf: string;
}

/** `lm3s6965evb` or `qemu-lm3s6965evb` -> the board's QEMU settings from boards/<board>/board.json. */
export function qemuBoard(name: string, repo = REPO): QemuBoard {
  const candidates = [name, `qemu-${name}`];
  for (const b of candidates) {
    const file = path.join(repo, 'boards', b, 'board.json');
    if (!fs.existsSync(file)) continue;
    const cfg = JSON.parse(fs.readFileSync(file, 'utf8')) as { qemu?: { binary: string; machine: string; args?: string[]; startTimeoutMs?: number }; output: string };
    if (cfg.qemu === undefined) throw new TransportClosedError(`board '${b}' has no "qemu" section in boards/${b}/board.json`);
    return {
      board: b, machine: cfg.qemu.machine, binary: cfg.qemu.binary, args: cfg.qemu.args ?? [],
      startTimeoutMs: cfg.qemu.startTimeoutMs ?? 3000, elf: path.join(repo === REPO ? BUILD_ROOT : path.join(repo, 'build'), b, cfg.output),
    };
  }
  const known = fs.existsSync(path.join(repo, 'boards'))
    ? fs.readdirSync(path.join(repo, 'boards')).filter((d) => d.startsWith('qemu-')).map((d) => d.slice(5)) : [];
  throw new TransportClosedError(`unknown QEMU board '${name}'; QEMU boards: ${known.join(', ') || 'none'}`);
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

export interface QemuOptions {
  /** Firmware image (default build/<board>/firmware.elf). */
  elf?: string;
  /** Copy QEMU's stderr to ours. */
  stderr?: boolean;
  /** Deadline for QEMU to connect to us (ms, default 10000). */
  connectTimeoutMs?: number;
}

/** QEMU running a board's firmware, its UART0 on a socket this process accepted; a monitor too. */
export class QemuTransport extends SocketTransport {
  readonly qemu: ChildProcess;
  readonly board: QemuBoard;
  readonly elf: string;
  /** The tail of QEMU's stderr. */
  stderrTail = '';
  private readonly monitorSocket: net.Socket;
  private readonly servers: net.Server[];
  private readonly exited: Promise<void>;

  private constructor(board: QemuBoard, elf: string, qemu: ChildProcess, uart: net.Socket, monitor: net.Socket, servers: net.Server[], exited: Promise<void>) {
    super(`qemu:${board.machine}`, uart);
    this.board = board;
    this.elf = elf;
    this.qemu = qemu;
    this.monitorSocket = monitor;
    monitor.on('data', () => undefined);
    monitor.on('error', () => undefined);
    this.servers = servers;
    this.exited = exited;
    qemu.stderr?.on('data', (b: Buffer) => { this.stderrTail = (this.stderrTail + b.toString('utf8')).slice(-4096); });
    qemu.on('exit', (code, signal) => {
      const tail = this.stderrTail.trim();
      const panic = signal === null ? panicOfQemuStatus(code) : undefined;
      this.qemuEnded(`${panic !== undefined ? `${panic}: ` : ''}${this.name} ended (${signal !== null ? `signal ${signal}` : `exit status ${code}`})${tail ? `: ${tail.split('\n').slice(-3).join(' | ')}` : ''}`);
    });
  }

  private qemuEnd: ((reason: string) => void) | undefined;
  /** QEMU's exit, said by its 'exit' event (a panic is named by the status). */
  private qemuEnded(reason: string): void {
    if (this.qemuEnd !== undefined) this.qemuEnd(reason);
    else super.ended(reason);
  }

  /** The UART closes when QEMU ends, usually before its 'exit' event comes: wait a moment for
   * the exit status (a semihosting panic), so the reason names the panic, not "connection closed". */
  protected override ended(reason: string): void {
    if (this.closed || this.qemuEnd !== undefined) return;
    if (this.qemu.exitCode !== null || this.qemu.signalCode !== null) return super.ended(reason);
    const t = setTimeout(() => { this.qemuEnd = undefined; super.ended(reason); }, 1000);
    this.qemuEnd = (r) => { clearTimeout(t); this.qemuEnd = undefined; super.ended(r); };
  }

  /** The QEMU command line for a board (the serial and monitor sockets connect to 127.0.0.1). */
  static commandLine(board: QemuBoard, elf: string, uartPort: number, monitorPort?: number): string[] {
    return ['-M', board.machine, '-display', 'none', '-nodefaults', ...board.args,
      '-chardev', `socket,id=ser0,host=127.0.0.1,port=${uartPort},server=off,nodelay=on`, '-serial', 'chardev:ser0',
      ...(monitorPort === undefined ? ['-monitor', 'none']
        : ['-chardev', `socket,id=mon0,host=127.0.0.1,port=${monitorPort},server=off,nodelay=on`, '-mon', 'chardev=mon0,mode=readline']),
      '-kernel', elf];
  }

  static async start(boardName: string, opts: QemuOptions = {}): Promise<QemuTransport> {
    const board = qemuBoard(boardName);
    const elf = path.resolve(opts.elf ?? board.elf);
    if (!fs.existsSync(elf)) {
      throw new TransportClosedError(`${path.relative(process.cwd(), elf) || elf} does not exist; build it with: urpc build --board ${board.board}`);
    }
    const uartServer = net.createServer();
    const monServer = net.createServer();
    const servers = [uartServer, monServer];
    const closeServers = (): void => servers.forEach((s) => s.close());
    try {
      const [uartPort, monPort] = await Promise.all([listen(uartServer), listen(monServer)]);
      const accepted = (s: net.Server): Promise<net.Socket> => new Promise((resolve) => s.once('connection', resolve));
      const uartP = accepted(uartServer);
      const monP = accepted(monServer);
      let qemu: ChildProcess;
      try {
        qemu = spawnTied(board.binary, QemuTransport.commandLine(board, elf, uartPort, monPort), { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (e) {
        throw new TransportClosedError((e as Error).message);
      }
      let stderr = '';
      qemu.stderr!.on('data', (b: Buffer) => { stderr = (stderr + b.toString('utf8')).slice(-4096); if (opts.stderr) process.stderr.write(b); });
      const exited = new Promise<void>((resolve) => { qemu.once('exit', () => resolve()); qemu.once('error', () => resolve()); });
      const failed = new Promise<never>((_, reject) => {
        qemu.once('error', (e) => reject(new TransportClosedError(`cannot start ${board.binary}: ${e.message}`)));
        qemu.once('exit', (code, signal) => reject(new TransportClosedError(
          `${board.binary} -M ${board.machine} ended before connecting (${signal ?? `exit status ${code}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`)));
      });
      const timeout = opts.connectTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TransportClosedError(`${board.binary} -M ${board.machine} did not connect within ${timeout} ms`)), timeout);
      });
      try {
        const [uart, mon] = await Promise.race([Promise.all([uartP, monP]), failed, late]);
        closeServers();
        const t = new QemuTransport(board, elf, qemu, uart, mon, [], exited);
        t.stderrTail = stderr;
        return t;
      } catch (e) {
        qemu.kill('SIGKILL');
        throw e;
      } finally {
        clearTimeout(timer);
        failed.catch(() => undefined);
      }
    } finally {
      closeServers();
    }
  }

  /** A human-monitor command (e.g. system_reset). Resolves once it is sent. */
  monitor(command: string): Promise<void> {
    return new Promise((resolve, reject) => this.monitorSocket.write(`${command}\n`, (e) => (e ? reject(e) : resolve())));
  }

  /** Resets the emulated board (the firmware reboots and sends its boot Terminate). */
  reset(): Promise<void> {
    return this.monitor('system_reset');
  }

  /** SIGKILLs QEMU and closes the sockets. Idempotent. */
  override async close(): Promise<void> {
    this.closed = true;
    this.qemu.kill('SIGKILL');
    this.socket.destroy();
    this.monitorSocket.destroy();
    for (const s of this.servers) s.close();
    await this.exited;
  }
}

/** `qemu:<machine>` or `qemu:<machine>?elf=<path>`. */
export function openQemu(uri: string, opts: QemuOptions = {}): Promise<QemuTransport> {
  const spec = uri.slice('qemu:'.length);
  const [name, query] = spec.split('?', 2);
  const params = new URLSearchParams(query ?? '');
  return QemuTransport.start(name, { ...opts, elf: params.get('elf') ?? opts.elf });
}
