// Section 9 of `npm run bench`: the host's codec in Node, each way, on the code the host runs.
//
//   encode  copyToRemotePacket (host/client/packet.ts) of a tensor chunk filling one session
//           message (TVM's 2048 B), then the FwTS Framer into a sink that copies and joins its
//           writes into one buffer, as HostSession does before a transport write
//   decode  the FwTS Unframer over those wire bytes of a CopyAck reply into a sink that copies
//           into a message buffer, as Session.frameData does, then decodeReply
//
// Throughput is tensor bytes per second of this process's CPU time (process.cpuUsage), best of
// the repeats with the median alongside, so other load on the machine shows up less than in wall
// time. Random data is the goal's case; all-0xFF data (every byte escaped) is reported beside it.
import { Framer, type WriteStream } from '../firmware/framing/framer.ts';
import { Unframer, type FrameSink } from '../firmware/framing/unframer.ts';
import { Err } from '../firmware/lib/errors.ts';
import { asBytes, type Bytes, type u32 } from '../firmware/lib/prelude.ts';
import { SESSION_MAX_MESSAGE } from '../firmware/session/session.ts';
import { copyToRemotePacket, decodeReply, packet, RPCCode, tensorRecordBytes, type DLTensor } from '../host/client/packet.ts';
import { median } from '../host/cli/stats.ts';

/** Session header in front of every packet (type byte and session id). */
const HEADER = 3;
const PACKET_OVERHEAD = 8 + 4;
/** Host codec goal of issue 16 (MB/s each way, 10^6 bytes). */
export const CODEC_GOAL_MBS = 200;

class Joiner implements WriteStream {
  parts: Uint8Array[] = [];
  write(data: Bytes): Err {
    this.parts.push(new Uint8Array(data as unknown as Uint8Array));
    return Err.Ok;
  }
  take(): Uint8Array {
    const n = this.parts.reduce((a, p) => a + p.length, 0);
    const buf = new Uint8Array(n);
    let at = 0;
    for (const p of this.parts) {
      buf.set(p, at);
      at += p.length;
    }
    this.parts = [];
    return buf;
  }
}

class Collect implements FrameSink {
  readonly rx = new Uint8Array(SESSION_MAX_MESSAGE);
  len = 0;
  got = 0;
  frameStart(len: u32): Err {
    this.len = 0;
    return len > this.rx.length ? Err.SessionReceiveBufferShortWrite : Err.Ok;
  }
  frameData(data: Bytes): Err {
    this.rx.set(data as unknown as Uint8Array, this.len);
    this.len += data.length;
    return Err.Ok;
  }
  frameEnd(valid: boolean): void {
    if (!valid) throw new Error('codec bench: a frame did not check');
    const r = decodeReply(this.rx.subarray(HEADER, this.len));
    if (r.code !== RPCCode.CopyAck) throw new Error('codec bench: not a CopyAck');
    this.got += r.data.length;
  }
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
    const joiner = new Joiner();
    const framer = new Framer(joiner);
    const header = new Uint8Array(HEADER);
    const encode = (): Uint8Array => {
      const p = copyToRemotePacket(t, up);
      const msg = new Uint8Array(HEADER + p.length);
      msg.set(header);
      msg.set(p, HEADER);
      if (framer.writeFrame(asBytes(msg)) !== Err.Ok) throw new Error('codec bench: framer failed');
      return joiner.take();
    };
    encode(); // the FE prefix of the first frame
    const encoded = encode();
    // The reply: a CopyAck framed the same way, decoded over and over.
    const reply = packet(RPCCode.CopyAck, down);
    const msg = new Uint8Array(HEADER + reply.length);
    msg.set(reply, HEADER);
    if (framer.writeFrame(asBytes(msg)) !== Err.Ok) throw new Error('codec bench: framer failed');
    const wire = joiner.take();
    const sink = new Collect();
    const unframer = new Unframer(sink);
    const decode = (): void => {
      if (unframer.write(asBytes(wire)) !== Err.Ok) throw new Error('codec bench: unframer failed');
    };
    decode();
    if (sink.got !== downBytes) throw new Error(`codec bench: decoded ${sink.got} of ${downBytes} bytes`);
    const enc = measure(encode, upBytes, reps, minMs);
    const dec = measure(decode, downBytes, reps, minMs);
    rows.push({ payload: kind, encode: { tensorBytes: upBytes, wireBytes: encoded.length, ...enc }, decode: { tensorBytes: downBytes, wireBytes: wire.length, ...dec } });
    log(`codec ${kind}: encode ${enc.mbs} MB/s (median ${enc.medianMbs}), decode ${dec.mbs} MB/s (median ${dec.medianMbs}), CPU time`);
  }
  return {
    what: 'host codec in Node: packet encode + FwTS Framer (encode, copyToRemote), FwTS Unframer + decodeReply (decode, CopyAck), ' +
      `one ${SESSION_MAX_MESSAGE} B session message per frame; tensor MB/s (10^6 B) of process CPU time, best of ${reps} (median alongside)`,
    goalMbs: CODEC_GOAL_MBS, reps, rows,
  };
}
