// `urpc ls --tracker host:port`: the tracker's SUMMARY as a table of device keys (free boards,
// waiting requests) and the RPC servers registered with it.
import type { Summary } from './tracker-wire.ts';
import { TrackerConnection, parseTrackerAddress } from './tracker-client.ts';

export async function fetchSummary(address: string, timeoutMs: number): Promise<Summary> {
  const { host, port } = parseTrackerAddress(address);
  const t = await TrackerConnection.open(host, port, timeoutMs);
  try {
    return await t.summary(timeoutMs);
  } finally {
    t.close();
  }
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ')).join('\n') + '\n';
}

export function formatSummary(s: Summary, address: string): string {
  const keys = Object.keys(s.queueInfo).sort();
  const out: string[] = [];
  if (keys.length === 0) out.push(`tracker ${address} has no boards\n`);
  else {
    out.push(table(['KEY', 'FREE', 'PENDING', 'URI'],
      keys.map((k) => [k, String(s.queueInfo[k]!.free), String(s.queueInfo[k]!.pending), `tracker:${address}/${k}`])));
  }
  if (s.servers.length > 0) {
    out.push('\n' + table(['SERVER', 'ADDRESS'], s.servers.map((x) => [x.key, `${x.addr[0]}:${x.addr[1]}`])));
  }
  return out.join('');
}
