// TVM RPC over TCP (shared/spec/tvm-rpc-tracker.md §1): the magic-and-key handshake, the
// u64-length packet stream, kInitServer. The packet bodies are MinRPC's (host/client/packet.ts).
import { ByteWriter, initServerPacket, openPacket, readArgs, RPCCode, PacketError } from '../client/packet.ts';
import type { SocketReader } from './reader.ts';

/** i32 RPC magic, also the SUCCESS answer of the handshake. */
export const RPC_MAGIC = 0xff271;
export const RPC_DUPLICATE = 0xff272;
export const RPC_MISMATCH = 0xff273;
/** The protocol version kInitServer carries (v0.13 and main alike). */
export const RPC_PROTOCOL_VERSION = '0.8.0';
/** Handshake keys longer than this are refused (TVM's are ~40 bytes). */
export const MAX_KEY_BYTES = 4096;

const enc = new TextEncoder();

function i32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v | 0);
  return b;
}

/** Client -> server: magic, key length, key (R1-R3). The client's key is `client:<matchkey>`. */
export function clientHandshake(key: string): Buffer {
  const k = Buffer.from(enc.encode(key));
  return Buffer.concat([i32(RPC_MAGIC), i32(k.length), k]);
}

/** Server -> client on a match: SUCCESS, length, `server:<device key>` (R4). */
export function serverAccept(deviceKey: string): Buffer {
  const k = Buffer.from(enc.encode(`server:${deviceKey}`));
  return Buffer.concat([i32(RPC_MAGIC), i32(k.length), k]);
}

/** Server -> client on a key mismatch (R5): the code alone, then the server closes. */
export function serverMismatch(): Buffer {
  return i32(RPC_MISMATCH);
}

/** The key line a client sent, split as TVM's server does: the first word is compared with
 * `client:<matchkey>`; `-timeout=<s>` is the only option TVM defines. */
export interface ClientKey {
  key: string;
  timeoutS?: number;
}
export function parseClientKey(text: string): ClientKey {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const out: ClientKey = { key: words[0] ?? '' };
  for (const w of words.slice(1)) {
    const m = /^-timeout=(\d+(?:\.\d+)?)$/.exec(w);
    if (m) out.timeoutS = Number(m[1]);
  }
  return out;
}

/** Reads a client handshake: throws on a wrong magic or a key over MAX_KEY_BYTES. */
export async function readClientHandshake(r: SocketReader, timeoutMs: number): Promise<string> {
  const head = await r.read(8, timeoutMs, 'RPC handshake (magic and key length)');
  const magic = head.readInt32LE(0);
  if (magic !== RPC_MAGIC) throw new PacketError(`not a TVM RPC client (magic 0x${(magic >>> 0).toString(16)}, expected 0xff271)`);
  const n = head.readInt32LE(4);
  if (n < 0 || n > MAX_KEY_BYTES) throw new PacketError(`handshake key length ${n} is not 0..${MAX_KEY_BYTES}`);
  return n === 0 ? '' : (await r.read(n, timeoutMs, 'RPC handshake key')).toString('utf8');
}

/** Reads the server's answer to our handshake: its key on SUCCESS, else an error in TVM's words. */
export async function readServerAnswer(r: SocketReader, timeoutMs: number): Promise<string> {
  const code = (await r.read(4, timeoutMs, 'handshake answer from the RPC server')).readInt32LE(0);
  if (code === RPC_MISMATCH) throw new PacketError(`${r.name}: the RPC server has no matching key (0xff273: cannot find server that matches key)`);
  if (code === RPC_DUPLICATE) throw new PacketError(`${r.name}: the RPC proxy already has this key (0xff272)`);
  if (code !== RPC_MAGIC) throw new PacketError(`${r.name}: not a TVM RPC server (answered 0x${(code >>> 0).toString(16)})`);
  const n = (await r.read(4, timeoutMs, 'server key length')).readInt32LE(0);
  if (n < 0 || n > MAX_KEY_BYTES) throw new PacketError(`${r.name}: server key length ${n} is not 0..${MAX_KEY_BYTES}`);
  return n === 0 ? '' : (await r.read(n, timeoutMs, 'server key')).toString('utf8');
}

/** One packet of the TCP stream: u64 packet_nbytes, then that many bytes (returned whole, with
 * its length, as MinRPC packets are). `packet_nbytes = 0` packets are skipped (§1.3). Packets
 * over `maxBytes` are refused before they are read. `firstByteTimeoutMs` bounds the wait for a
 * packet to begin (undefined: the caller bounds it), `timeoutMs` the rest of it once begun. */
export async function readPacket(r: SocketReader, maxBytes: number, firstByteTimeoutMs: number | undefined, timeoutMs: number): Promise<Uint8Array> {
  for (;;) {
    if (!(await r.waitData(firstByteTimeoutMs)) && !r.isEnded) throw new PacketError(`${r.name}: no packet within ${firstByteTimeoutMs} ms`);
    const head = await r.read(8, timeoutMs, 'a packet length');
    const n = head.readBigUInt64LE(0);
    if (n === 0n) continue;
    if (n < 4n || n > BigInt(maxBytes)) throw new PacketError(`${r.name}: packet of ${n} bytes (accepted: 4..${maxBytes})`);
    const body = await r.read(Number(n), timeoutMs, `a packet of ${n} bytes`);
    return new Uint8Array(Buffer.concat([head, body]));
  }
}

/** The code of a whole packet (after its u64 length). */
export function packetCode(p: Uint8Array): number {
  return new DataView(p.buffer, p.byteOffset, p.byteLength).getInt32(8, true);
}

/** kInitServer's content: the protocol version and the number of constructor arguments. */
export function parseInitServer(p: Uint8Array): { version: string; args: number; constructor?: string } {
  const [code, r] = openPacket(p);
  if (code !== RPCCode.InitServer) throw new PacketError(`expected kInitServer, got code ${code}`);
  const n = r.u64();
  if (n > BigInt(r.left)) throw new PacketError(`kInitServer version length ${n} exceeds the packet`);
  const version = new TextDecoder().decode(r.bytes(Number(n)));
  const args = readArgs(r);
  const first = args[0];
  return { version, args: args.length, ...(first?.type === 'str' ? { constructor: first.value } : {}) };
}

/** kInitServer with no constructor arguments (R6), what TVM's rpc.connect sends. */
export function initServer(version = RPC_PROTOCOL_VERSION): Uint8Array {
  return initServerPacket(version);
}

export { ByteWriter };
