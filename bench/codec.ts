// Section 9 of `npm run bench`: the host's codec in Node, each way, on the code the host runs: the
// FwTS Session (its Framer and Unframer) of an established session, as HostSession drives it.
//
//   encode  copyToRemotePacket (host/client/packet.ts) of a tensor chunk filling one session
//           message (TVM's 2048 B), framed as a Normal message (startMessage, the packet as the
//           body, finishMessage) into host/client/wire-out.ts, taken as one transport write:
//           what HostSession.sendPacket does
//   decode  Session.receive of the wire bytes of a CopyAck reply (the Unframer, the Session's
//           copy into its receive buffer, dispatch), the body copied out as HostSession.message
//           does, then decodeReply
//
// The host side's Session has the host's fast payload loops (host/client/fast-framing.ts), as
// HostSession's has; the device side (which only makes the reply once) runs the FwTS code.
//
// Throughput is tensor bytes per second of this process's CPU time (process.cpuUsage), best of
// the repeats with the median alongside, so other load on the machine shows up less than in wall
// time. Random data is the goal's case; all-0xFF data (every byte escaped) is reported beside it.
import { Err } from '../firmware/lib/errors.ts';
import { asBytes, u8, u32, type Bytes } from '../firmware/lib/prelude.ts';
import { MessageType, Session, SESSION_MAX_MESSAGE, type SessionListener } from '../firmware/session/session.ts';
import { copyToRemotePacket, decodeReply, packet, RPCCode, tensorRecordBytes, type DLTensor } from '../host/client/packet.ts';
import { WireOut } from '../host/client/wire-out.ts';
import { useFastFraming } from '../host/client/fast-framing.ts';
import { copyBytes } from '../host/client/slab.ts';
import { median } from '../host/cli/stats.ts';

/** Session header in front of every packet (type byte and session id). */
const HEADER = 3;
const PACKET_OVERHEAD = 8 + 4;
/** Host codec goal of issue 16 (MB/s each way, 10^6 bytes). */
export const CODEC_GOAL_MBS = 200;

/** One side of the in-memory session: its wire output and the last Normal message body. */
class Side implements SessionListener {
  readonly out = new WireOut();
  readonly session: Session;
  onMessage: (body: Bytes) => void = () => undefined;
  constructor(nonce: number) {
    this.session = new Session(this.out, { randomByte: () => u8(nonce) }, this);
  }
  established(): void {}
  terminated(): void {}
  log(): void {}
  message(type: u8, body: Bytes): void {
    if (type === MessageType.Normal) this.onMessage(body);
  }
}

/** A host and a device Session with a plain (version 1) session between them: each side's
 * Terminate, the host's Init, the device's Reply. */
function openSession(): { host: Side; device: Side } {
  const host = new Side(0x21);
  const device = new Side(0x42);
  // The host's Session gets the host's fast payload loops, as HostSession does.
  useFastFraming(host.session);
  host.session.initialize();
  device.session.initialize();
  host.session.startSession();
  device.session.receive(asBytes(host.out.take()));
  host.session.receive(asBytes(device.out.take()));
  if (!host.session.isEstablished() || !device.session.isEstablished()) throw new Error('codec bench: no session');
  return { host, device };
}

function fill(n: number, kind: 'random' | 'ff'): Uint8Array {
  let x = 0x9e3779b9;
  return new Uint8Array(n).map(() => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return kind === 'ff' ? 0xff : x >>> 24;
  });
}

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Runs `once` (which handles `bytes` tensor bytes) in batches until `minMs` of CPU time passed,
 * `reps` times; MB/s best and median. */
function measure(once: () => void, bytes: number, reps: number, minMs: number): { mbs: number; medianMbs: number } {
  const rates: number[] = [];
  for (let r = 0; r < reps; r++) {
    let n = 0;
    const t0 = cpuMs();
    let dt = 0;
    while (dt < minMs) {
      for (let k = 0; k < 50; k++) once();
      n += 50;
      dt = cpuMs() - t0;
    }
    rates.push((n * bytes) / (dt / 1000) / 1e6);
  }
  const r1 = (x: number): number => Math.round(x * 10) / 10;
  return { mbs: r1(Math.max(...rates)), medianMbs: r1(median(rates)) };
}

export function benchCodec(quick: boolean, log: (s: string) => void) {
  const reps = quick ? 1 : 7;
  const minMs = quick ? 20 : 150;
  const tensor: DLTensor = { data: 0x1000n, device: { deviceType: 1, deviceId: 0 }, dtype: { code: 1, bits: 8, lanes: 1 }, shape: [0n], byteOffset: 0n };
  // A request and a reply each filling one session message.
  const upBytes = SESSION_MAX_MESSAGE - HEADER - PACKET_OVERHEAD - tensorRecordBytes(1) - 8;
  const downBytes = SESSION_MAX_MESSAGE - HEADER - PACKET_OVERHEAD;
  const rows = [];
  for (const kind of ['random', 'ff'] as const) {
    const up = fill(upBytes, kind);
    const down = fill(downBytes, kind);
    const t: DLTensor = { ...tensor, shape: [BigInt(upBytes)] };
    const { host, device } = openSession();
    const encode = (): Uint8Array => {
      const p = copyToRemotePacket(t, up);
      let e = host.session.startMessage(u8(MessageType.Normal), u32(p.length));
      if (e === Err.Ok) e = host.session.writeMessageBody(asBytes(p));
      if (e === Err.Ok) e = host.session.finishMessage();
      if (e !== Err.Ok) throw new Error('codec bench: the session did not frame');
      return host.out.take();
    };
    const encoded = encode();
    // The reply: a CopyAck from the device, decoded over and over.
    if (device.session.sendMessage(u8(MessageType.Normal), asBytes(packet(RPCCode.CopyAck, down))) !== Err.Ok) throw new Error('codec bench: the device did not frame');
    const wire = device.out.take();
    let got = 0;
    host.onMessage = (body) => {
      const r = decodeReply(copyBytes(body as unknown as Uint8Array));
      if (r.code !== RPCCode.CopyAck) throw new Error('codec bench: not a CopyAck');
      got += r.data.length;
    };
    const decode = (): void => {
      if (host.session.receive(asBytes(wire)) !== Err.Ok) throw new Error('codec bench: the unframer failed');
    };
    decode();
    if (got !== downBytes) throw new Error(`codec bench: decoded ${got} of ${downBytes} bytes`);
    const enc = measure(encode, upBytes, reps, minMs);
    const dec = measure(decode, downBytes, reps, minMs);
    rows.push({ payload: kind, encode: { tensorBytes: upBytes, wireBytes: encoded.length, ...enc }, decode: { tensorBytes: downBytes, wireBytes: wire.length, ...dec } });
    log(`codec ${kind}: encode ${enc.mbs} MB/s (median ${enc.medianMbs}), decode ${dec.mbs} MB/s (median ${dec.medianMbs}), CPU time`);
  }
  return {
    what: 'host codec in Node: packet encode + FwTS Session/Framer into one transport write (encode, copyToRemote), FwTS Session/Unframer + decodeReply (decode, CopyAck), ' +
      'with the host\'s fast payload loops (host/client/fast-framing.ts) as HostSession runs them, ' +
      `one ${SESSION_MAX_MESSAGE} B session message per frame; tensor MB/s (10^6 B) of process CPU time, best of ${reps} (median alongside)`,
    goalMbs: CODEC_GOAL_MBS, reps, rows,
  };
}
