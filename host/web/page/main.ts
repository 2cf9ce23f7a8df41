// The browser console's entry point (bundled to build/web/urpc.js by host/web/build.ts): the
// connection bar, the tabs (Functions, Tensors, Bench) and the log pane, wired to one
// Connection; and window.urpc for scripting in the devtools console and for tests:
//   const s = await urpc.connect('ws://127.0.0.1:4560/ws', { token: '...' });   // via `urpc serve --web`
//   const s = await urpc.connect('serial', { baudRate: 115200 });               // Web Serial port chooser
//   await s.functions.echo(1, 'two'); const t = await s.array(new Float32Array([1, 2, 3]));
import { DType, NDArray } from '../../client/client.ts';
import type { RemoteSession } from '../../client/remote.ts';
import { BenchView } from './bench-view.ts';
import { Connection, type ConnectionOptions, type State, type Target } from './connection.ts';
import { busy, byId } from './dom.ts';
import { FunctionsView } from './functions-view.ts';
import { LogsView } from './logs-view.ts';
import { TensorsView } from './tensors-view.ts';
import { webSerial, type SerialPortLike } from './webserial.ts';

const conn = new Connection();
const current = (): RemoteSession | undefined => conn.session;
const tensors = new TensorsView(byId('panel-tensors'), current);
const functions = new FunctionsView(byId('panel-functions'), current, tensors);
const bench = new BenchView(byId('panel-bench'), current);
const logs = new LogsView(byId('logs'));

// ---- tabs: arrow keys move between them (WAI-ARIA tabs pattern) ----
const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role=tab]')];
function selectTab(tab: HTMLButtonElement, focus = true): void {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    byId(t.getAttribute('aria-controls')!).hidden = !on;
  }
  if (focus) tab.focus();
}
for (const t of tabs) {
  t.addEventListener('click', () => selectTab(t));
  t.addEventListener('keydown', (ev) => {
    const i = tabs.indexOf(t);
    const to = ev.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : ev.key === 'ArrowLeft' ? tabs[(i + tabs.length - 1) % tabs.length]
      : ev.key === 'Home' ? tabs[0] : ev.key === 'End' ? tabs[tabs.length - 1] : undefined;
    if (to !== undefined) {
      ev.preventDefault();
      selectTab(to);
    }
  });
}
selectTab(tabs[0]!, false);

// ---- the connection bar ----
const mode = byId<HTMLSelectElement>('mode');
const url = byId<HTMLInputElement>('ws-url');
const token = byId<HTMLInputElement>('token');
const baud = byId<HTMLInputElement>('baud');
const reconnect = byId<HTMLInputElement>('reconnect');
const connectBtn = byId<HTMLButtonElement>('connect');
const disconnectBtn = byId<HTMLButtonElement>('disconnect');
const stateEl = byId('state');
const detailEl = byId('state-detail');

if (location.protocol === 'http:' || location.protocol === 'https:') url.value = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const syncMode = (): void => {
  for (const el of document.querySelectorAll<HTMLElement>('[data-mode]')) el.hidden = el.dataset.mode !== mode.value;
};
mode.addEventListener('change', syncMode);
syncMode();

conn.on('state', (s: State, detail: string) => {
  document.body.dataset.state = s;
  stateEl.textContent = s;
  detailEl.textContent = detail;
  connectBtn.disabled = s === 'connecting';
  disconnectBtn.disabled = s === 'disconnected';
  if (s === 'reconnecting' || (s === 'disconnected' && detail !== 'closed' && detail !== '')) logs.note(`${s}: ${detail}`);
  if (s !== 'connected') functions.clear(s === 'disconnected' ? 'Not connected.' : `${s}…`);
});
conn.on('session', (s) => {
  logs.note(`connected: ${s.uri} (session ${conn.sessions})`);
  if (conn.sessions > 1) tensors.forget('the device session was re-opened');
  void functions.refresh(s).catch((e: Error) => functions.clear(`cannot list functions: ${e.message}`));
});
conn.on('log', (t) => logs.device(t));
conn.on('reset', (why) => {
  logs.note(`device reset: ${why}`);
  tensors.forget('the device reset');
});

export interface UrpcConnectOptions extends ConnectionOptions {
  /** WebSocket: the `urpc serve --token`, sent in the first message. */
  token?: string;
  /** Web Serial: baud rate (default 115200). */
  baudRate?: number;
}

/** Connects the console: a ws:// URL (`urpc serve --web`), 'serial' (the browser's port chooser),
 * or a SerialPort-like object. Resolves with the session (the same API as Node's connect()). */
async function connect(target: string | SerialPortLike, opts: UrpcConnectOptions = {}): Promise<RemoteSession> {
  let t: Target;
  if (typeof target === 'string' && target !== 'serial') t = { kind: 'websocket', url: target, token: opts.token };
  else {
    let port: SerialPortLike;
    if (target === 'serial') {
      const serial = webSerial();
      if (serial === undefined) throw new Error('this browser has no Web Serial (navigator.serial: desktop Chromium-based browsers have it); connect through `urpc serve --web` instead');
      port = await serial.requestPort();
    } else port = target;
    t = { kind: 'serial', port, baudRate: opts.baudRate ?? 115200 };
  }
  return conn.connect(t, opts);
}

// Enter in any field of the bar, or the button, connects.
byId<HTMLFormElement>('conn').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void busy(connectBtn, detailEl, async () => {
    const opts: UrpcConnectOptions = { reconnect: reconnect.checked, token: token.value || undefined, baudRate: Number(baud.value) };
    await connect(mode.value === 'serial' ? 'serial' : url.value.trim(), opts);
  });
});
disconnectBtn.addEventListener('click', () => void conn.disconnect());
disconnectBtn.disabled = true;

// ---- window.urpc ----
const api = {
  connect,
  disconnect: (): Promise<void> => conn.disconnect(),
  get session(): RemoteSession | undefined { return conn.session; },
  get state(): State { return conn.state; },
  connection: conn,
  /** Shows a tensor in the Tensors tab (its current contents are read from the device). */
  async showTensor(t: NDArray): Promise<string> { return tensors.add(t, await t.copyTo()); },
  get bench() { return bench.last; },
  get deviceLogLines(): number { return logs.count; },
  DType,
  NDArray,
};
(window as unknown as { urpc: typeof api }).urpc = api;
document.body.dataset.ready = 'true';
