// TVM RPC tracker messages (shared/spec/tvm-rpc-tracker.md §2.1-2.2): the 4-byte magic, sent
// alone and echoed, then `i32 size | JSON` both ways. JSON is written as Python's json.dumps
// writes it (", " and ": " separators, ASCII only), so the bytes match TVM's own peers.

export const TRACKER_MAGIC = 0x2f271;
/** Replies larger than this are refused (main's tracker uses the same bound). */
export const MAX_TRACKER_MESSAGE = 1 << 20;

export const TrackerCode = {
  FAIL: -1, SUCCESS: 0, PING: 1, STOP: 2, PUT: 3, REQUEST: 4, UPDATE_INFO: 5, SUMMARY: 6, GET_PENDING_MATCHKEYS: 7,
} as const;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** json.dumps(v) with Python's defaults. Numbers must be integers or finite floats. */
export function pyJson(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`${v} cannot be sent as tracker JSON`);
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${pyJson(k)}: ${pyJson(x)}`).join(', ')}}`;
}

/** One framed message: i32 size, then the JSON text (ASCII, so size = bytes). */
export function trackerMessage(v: Json): Buffer {
  const text = Buffer.from(pyJson(v), 'ascii');
  const head = Buffer.alloc(4);
  head.writeInt32LE(text.length);
  return Buffer.concat([head, text]);
}

export function trackerMagic(): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(TRACKER_MAGIC);
  return b;
}

/** A slot the tracker handed out: where the RPC server is and the key it expects. */
export interface Slot {
  host: string;
  port: number;
  matchKey: string;
}

/** REQUEST's reply `[0, [addr, port, matchkey]]`. */
export function parseSlot(v: unknown): Slot {
  if (!Array.isArray(v) || v[0] !== TrackerCode.SUCCESS || !Array.isArray(v[1])) {
    throw new Error(`the tracker answered the request with ${JSON.stringify(v)?.slice(0, 200)}`);
  }
  const [host, port, matchKey] = v[1] as unknown[];
  if (typeof host !== 'string' || typeof port !== 'number' || !Number.isInteger(port) || typeof matchKey !== 'string') {
    throw new Error(`the tracker handed out a malformed slot ${JSON.stringify(v[1]).slice(0, 200)}`);
  }
  return { host, port, matchKey };
}

/** SUMMARY's reply, checked. */
export interface Summary {
  queueInfo: Record<string, { free: number; pending: number }>;
  servers: { key: string; addr: [string, number] }[];
}
export function parseSummary(v: unknown): Summary {
  const bad = (): Error => new Error(`the tracker's summary has an unexpected shape: ${JSON.stringify(v)?.slice(0, 200)}`);
  if (!Array.isArray(v) || v[0] !== TrackerCode.SUCCESS || typeof v[1] !== 'object' || v[1] === null) throw bad();
  const o = v[1] as { queue_info?: unknown; server_info?: unknown };
  if (typeof o.queue_info !== 'object' || o.queue_info === null || !Array.isArray(o.server_info)) throw bad();
  const queueInfo: Summary['queueInfo'] = {};
  for (const [k, q] of Object.entries(o.queue_info as Record<string, { free?: unknown; pending?: unknown }>)) {
    queueInfo[k] = { free: Number(q?.free ?? 0), pending: Number(q?.pending ?? 0) };
  }
  const servers = (o.server_info as { key?: unknown; addr?: unknown }[]).map((s) => ({
    key: String(s?.key ?? ''),
    addr: (Array.isArray(s?.addr) ? [String(s.addr[0]), Number(s.addr[1])] : ['?', 0]) as [string, number],
  }));
  return { queueInfo, servers };
}
