// Which HTTP/WebSocket requests `urpc serve --web` answers. A WebSocket is not bound by the
// same-origin policy: any page the user visits could open ws://127.0.0.1:PORT/ws and drive the
// device. So, besides the token rules of TCP serve (tcp-gate.ts):
//   - a browser's WebSocket must come from the served page: its Origin names the same host:port
//     as its Host (a client that is not a browser sends no Origin, as over TCP);
//   - on loopback, the Host must be a loopback name (a DNS name rebound to 127.0.0.1 is refused,
//     since its page would otherwise be same-origin with us).

export interface Listening {
  host: string;
  port: number;
  loopback: boolean;
}

function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Splits "host:port" (IPv6 in brackets); undefined if it is not that. */
function hostPort(text: string): { hostname: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(text);
  if (m === null) return undefined;
  return { hostname: m[1]!.toLowerCase(), port: m[2] === undefined ? 80 : Number(m[2]) };
}

/** Why the request must be refused, or undefined when it may go on. */
export function refuseRequest(headers: { host?: string | undefined; origin?: string | undefined }, at: Listening): string | undefined {
  const host = headers.host === undefined ? undefined : hostPort(headers.host);
  if (host === undefined) return 'no valid Host header';
  if (at.loopback && !isLoopbackName(host.hostname)) return `Host '${headers.host}' is not a loopback name (serving on loopback only)`;
  if (headers.origin === undefined) return undefined;
  let origin: URL;
  try {
    origin = new URL(headers.origin);
  } catch {
    return `bad Origin '${headers.origin}'`;
  }
  const o = hostPort(origin.host);
  const oport = origin.port === '' ? (origin.protocol === 'https:' ? 443 : 80) : Number(origin.port);
  if (o === undefined || o.hostname !== host.hostname || oport !== host.port) {
    return `Origin '${headers.origin}' is not this server's page (http://${headers.host})`;
  }
  return undefined;
}
