// An independent TVM v0.13 RPC client and tracker client (test only), written from
// shared/spec/tvm-rpc-tracker.md; it shares no code with host/ (MinRPC bodies come from the
// equally independent test/microtvm-host/minrpc.ts). What `tvm.rpc.connect(host, port, key)`
// and `TrackerSession.request(key)` put on the wire, byte for byte, with a deadline on every read.
import * as net from 'node:net';
import { readReply, callReturn, syscall, callFunc, copyTo, copyFrom, str, Code, T, type Val, type Returned, type Reply, type Tensor, RPCError } from '../microtvm-host/minrpc.ts';

/** A raw connection with bounded exact reads. */
export class Raw {
  readonly sock: net.Socket;
  private buf = Buffer.alloc(0);
  private closedFlag = false;
  private waiter: (() => void) | undefined;

  private constructor(sock: net.Socket) {
    this.sock = sock;
    sock.on('data', (b: Buffer) => { this.buf = Buffer.concat([this.buf, b]); this.waiter?.(); });
    sock.on('close', () => { this.closedFlag = true; this.waiter?.(); });
    sock.on('error', () => undefined);
  }

  /** An accepted socket (a scripted server's side). */
  static wrap(sock: net.Socket): Raw {
    return new Raw(sock);
  }

  /** Bytes received and not read yet. */
  get buffered(): number { return this.buf.length; }

  static connect(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host);
      const t = setTimeout(() => { s.destroy(); reject(new Error('connect timeout')); }, timeoutMs);
      s.once('connect', () => { clearTimeout(t); resolve(new Raw(s)); });
      s.once('error', (e) => { clearTimeout(t); reject(e); });
    });
  }

  write(b: Uint8Array | string): void { this.sock.write(b); }

  get closed(): boolean { return this.closedFlag; }

  async read(n: number, timeoutMs = 5000): Promise<Buffer> {
    const end = Date.now() + timeoutMs;
    while (this.buf.length < n) {
      if (this.closedFlag) throw new Error(`closed after ${this.buf.length} of ${n} bytes`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timeout after ${this.buf.length} of ${n} bytes`);
      await new Promise<void>((r) => { const t = setTimeout(r, left); this.waiter = () => { clearTimeout(t); r(); }; });
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Resolves true once the peer closed, false if it stays open for timeoutMs. Bytes must not come. */
  async closesWithin(timeoutMs: number): Promise<{ closed: boolean; bytes: number }> {
    const end = Date.now() + timeoutMs;
    while (!this.closedFlag && Date.now() < end) {
      await new Promise<void>((r) => { const t = setTimeout(r, end - Date.now()); this.waiter = () => { clearTimeout(t); r(); }; });
    }
    return { closed: this.closedFlag, bytes: this.buf.length };
  }

  close(): void { this.sock.destroy(); }
}

const le32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; };

/** The client's handshake (R1-R3). */
export function handshakeBytes(key: string): Buffer {
  const k = Buffer.from(key, 'utf8');
  return Buffer.concat([le32(0xff271), le32(k.length), k]);
}

/** R6: kInitServer("0.8.0") with no constructor arguments. */
export const INIT_SERVER = Buffer.from('1500000000000000020000000500000000000000302e382e3000000000', 'hex');
/** R8: ReturnVoid. */
export const RETURN_VOID = Buffer.from('0c00000000000000040000000100000004000000', 'hex');
/** R15: kShutdown. */
export const SHUTDOWN = Buffer.from('040000000000000001000000', 'hex');

export async function readPacket(c: Raw, timeoutMs = 10_000): Promise<Buffer> {
  const h = await c.read(8, timeoutMs);
  const n = Number(h.readBigUInt64LE(0));
  return Buffer.concat([h, await c.read(n, timeoutMs)]);
}

/** tvm.rpc.connect: handshake with `client:<key>`, kInitServer; the server's key on success. */
export class TvmRpcClient {
  readonly c: Raw;
  serverKey = '';
  private constructor(c: Raw) { this.c = c; }

  static async connect(port: number, key: string, opts: { host?: string; sessionTimeoutS?: number } = {}): Promise<TvmRpcClient> {
    const c = await Raw.connect(port, opts.host);
    const k = `client:${key}${opts.sessionTimeoutS ? ` -timeout=${opts.sessionTimeoutS}` : ''}`;
    c.write(handshakeBytes(k));
    const code = (await c.read(4)).readInt32LE(0);
    if (code === 0xff273) { c.close(); throw new Error('cannot find server that matches key'); }
    if (code !== 0xff271) { c.close(); throw new Error('not a TVM RPC server'); }
    const n = (await c.read(4)).readInt32LE(0);
    const cl = new TvmRpcClient(c);
    cl.serverKey = (await c.read(n)).toString('utf8');
    c.write(INIT_SERVER);
    const r = await readPacket(c);
    if (!r.equals(RETURN_VOID)) { c.close(); throw new Error(`kInitServer answered ${r.toString('hex')}`); }
    return cl;
  }

  async request(p: Uint8Array, timeoutMs = 10_000): Promise<Reply> {
    this.c.write(p);
    return readReply(new Uint8Array(await readPacket(this.c, timeoutMs)));
  }

  async getFunction(name: string): Promise<bigint> {
    const r = await this.request(syscall(Code.GetGlobalFunc, [str(name)]));
    if (r.code === 5) throw new RPCError(r.message);
    if (r.code !== 4 || r.vals[0]?.code !== T.Handle) throw new Error('GetGlobalFunc: not a handle');
    return (r.vals[0] as { v: bigint }).v;
  }

  async call(fn: bigint, args: Val[]): Promise<Returned> {
    const r = await this.request(callFunc(fn, args));
    if (r.code === 5) throw new RPCError(r.message);
    if (r.code !== 4) throw new Error('CallFunc answered a CopyAck');
    return callReturn(r.vals);
  }

  /** Ends the session as the TVM client does: kShutdown, then close. */
  shutdown(): void {
    this.c.write(SHUTDOWN);
    this.c.sock.end();
  }
}

/** A tracker connection: magic alone, echo awaited, then i32-size JSON both ways. */
export class RawTracker {
  readonly c: Raw;
  private constructor(c: Raw) { this.c = c; }
  static async connect(port: number): Promise<RawTracker> {
    const c = await Raw.connect(port);
    c.write(le32(0x2f271));
    const echo = await c.read(4);
    if (echo.readInt32LE(0) !== 0x2f271) throw new Error('bad echo');
    return new RawTracker(c);
  }
  send(json: string): void {
    this.c.write(Buffer.concat([le32(Buffer.byteLength(json)), Buffer.from(json)]));
  }
  async recv(timeoutMs = 5000): Promise<string> {
    const n = (await this.c.read(4, timeoutMs)).readInt32LE(0);
    return (await this.c.read(n, timeoutMs)).toString('utf8');
  }
  async ask(json: string, timeoutMs = 5000): Promise<string> {
    this.send(json);
    return this.recv(timeoutMs);
  }
  close(): void { this.c.close(); }
}

export { str, T };

/** What `tvm.nd.array(data, remote.cpu())` then `.numpy()` do on a v0.13 client (spec §1.7): the
 * size probe (GetCRTMaxPacketSize), DevAllocDataWithScope, copies split into blocks of
 * limit - (44 + 8 * ndim) bytes with byte_offset rewritten per block, DevStreamSync, then
 * DevFreeData. Returns the bytes read back and the number of copy packets each way. */
export async function tensorRoundTrip(cl: TvmRpcClient, data: Uint8Array): Promise<{ back: Uint8Array; blocks: number; limit: number }> {
  const probe = await cl.getFunction('tvm.rpc.server.GetCRTMaxPacketSize');
  const lim = probe === 0n ? undefined : await cl.call(probe, []);
  const limit = lim?.kind === 'value' && lim.value.code === 0 ? Number(lim.value.v) : Number.MAX_SAFE_INTEGER;
  const t: Tensor = { data: 0n, devType: 1, devId: 0, dtype: [1, 8, 1], shape: [BigInt(data.length)], byteOffset: 0n };
  const a = await cl.request(syscall(Code.DevAllocDataWithScope, [{ code: 7, v: t }, { code: 4 }]));
  if (a.code !== 4 || a.vals[0]?.code !== T.Handle) throw new Error(`DevAllocDataWithScope answered ${JSON.stringify(a)}`);
  const arr: Tensor = { ...t, data: (a.vals[0] as { v: bigint }).v };
  const block = limit - (44 + 8 * 1);
  let blocks = 0;
  for (let at = 0; at < data.length; at += block) {
    const r = await cl.request(copyTo({ ...arr, byteOffset: BigInt(at) }, data.subarray(at, at + block)));
    if (r.code !== 4) throw new Error(`CopyToRemote at ${at}: ${JSON.stringify(r)}`);
    blocks++;
  }
  const back = new Uint8Array(data.length);
  for (let at = 0; at < data.length; at += block) {
    const n = Math.min(block, data.length - at);
    const r = await cl.request(copyFrom({ ...arr, byteOffset: BigInt(at) }, n));
    if (r.code !== 8) throw new Error(`CopyFromRemote at ${at}: ${JSON.stringify(r)}`);
    back.set(r.data, at);
  }
  const sync = await cl.request(syscall(15, [{ code: 6, v: [1, 0] }, { code: 3, v: 0n }]));
  if (sync.code !== 4) throw new Error('DevStreamSync failed');
  const free = await cl.request(syscall(14, [{ code: 6, v: [1, 0] }, { code: 3, v: arr.data }]));
  if (free.code !== 4) throw new Error('DevFreeData failed');
  return { back, blocks, limit };
}
