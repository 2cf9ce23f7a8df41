// The browser console in real Chromium (Debian's chromium through playwright-core): the page
// served by `urpc serve native --web`, its WebSocket relayed to the native firmware.
//   page -> WebSocket -> urpc serve -> native firmware: connect through the page's own controls,
//   call echo (form and window.urpc), a 64 KiB tensor round trip byte-exact, device logs in the
//   pane, tensors as plot and heat map, the bench tab, reconnect after the firmware restarts,
//   no console errors; the token in the first message; the WebSerial transport over an injected
//   port (fake-serial-port.js). Screenshots go to build/test-output/browser/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { ensureNative } from '../e2e/helpers.ts';
import { collectErrors, launch, requireChromium, screenshot } from './chromium.ts';
import { firmwareOf, startServeWeb, stopServe, waitUntil, type WebServe } from './serve-web.ts';

// The functions given to page.evaluate/waitForFunction run in the page, where these exist.
declare const window: unknown;
declare const document: { querySelector(s: string): { textContent: string | null } | null };

const FAKE_SERIAL = fileURLToPath(new URL('./fake-serial-port.js', import.meta.url));
const TOKEN = 's3cret-token';
const WAIT = { timeout: 30_000 };

/** 64 KiB of xorshift bytes, made in Node and compared in Node. */
function pattern(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** window.urpc's current session does the round trip in the page; bytes travel as base64. */
async function roundTrip(page: Page, data: Buffer): Promise<Buffer> {
  const back = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const w = window as unknown as { urpc: { session: any; DType: any; showTensor(t: unknown): Promise<string> } }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const t = await w.urpc.session.array(bytes, { dtype: w.urpc.DType.uint8 });
    const out: Uint8Array = await t.copyTo();
    await t.free();
    let s = '';
    for (let i = 0; i < out.length; i += 0x8000) s += String.fromCharCode(...out.subarray(i, i + 0x8000));
    return btoa(s);
  }, data.toString('base64'));
  return Buffer.from(back, 'base64');
}

async function connectThroughPage(page: Page, token: string | undefined): Promise<void> {
  if (token !== undefined) await page.fill('#token', token);
  await page.press('#token', 'Enter'); // keyboard: Enter in the bar connects
  await waitState(page, 'connected');
  await page.waitForSelector('button[data-fn="urpc.echo"]', WAIT);
}

/** Waits for the console's connection state; a timeout says what the status line shows. */
async function waitState(page: Page, state: string, timeout = 30_000): Promise<void> {
  try {
    await page.waitForSelector(`body[data-state=${state}]`, { timeout });
  } catch (e) {
    const shown = await page.locator('.status').innerText().catch(() => '?');
    throw new Error(`the console did not become ${state} within ${timeout} ms; it shows: ${shown}`, { cause: e });
  }
}

const deviceLog = (page: Page): Promise<string> => page.locator('#log-lines').innerText();

describe('browser console in Chromium (page -> WebSocket -> urpc serve --web -> native firmware)', function () {
  this.timeout(240_000);
  let exe: string;
  let browser: Browser | undefined;
  let serve: WebServe | undefined;

  before(async function () {
    exe = requireChromium(this);
    await ensureNative();
    serve = await startServeWeb(['native', '--listen', '127.0.0.1:0', '--token', TOKEN]);
    browser = await launch(exe);
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    if (serve) await stopServe(serve.p);
  });

  it('connects, calls echo, round-trips a 64 KiB tensor byte-exact, shows logs, plots tensors, benches, reconnects after the firmware restarts; no console errors', async () => {
    const page = await browser!.newPage({ viewport: { width: 1366, height: 800 } });
    const errors = collectErrors(page);
    try {
      await page.goto(serve!.url, WAIT);
      await page.waitForSelector('body[data-ready=true]', WAIT);
      assert.equal(await page.inputValue('#ws-url'), serve!.ws, 'the page points at its own serving host');
      await connectThroughPage(page, TOKEN);
      // The device's log line of the handshake is shown too (it comes before the page subscribes).
      await page.waitForFunction(() => /urpc session established: id \d+/.test(document.querySelector('#log-lines')?.textContent ?? ''), undefined, WAIT);

      // The function list is the device's registry, with signatures.
      const fnText = await page.locator('.fn-table').innerText();
      for (const f of ['urpc.echo', 'urpc.add', 'urpc.sum', 'urpc.log']) assert.ok(fnText.includes(f), fnText);
      assert.match(fnText, /urpc\.add\s+\(tensor a, tensor b, tensor out\) -> void/);

      // echo through the typed form (urpc.echo's form is shown first; 'any' lets us pick a type).
      await page.selectOption('#panel-functions .field select.kind', 'str');
      await page.fill('#arg-0', 'hello from Chromium');
      await page.press('#arg-0', 'Enter');
      await page.waitForFunction(() => /"hello from Chromium"/.test(document.querySelector('output[data-result="urpc.echo"]')?.textContent ?? ''), undefined, WAIT);
      // ... and from script, as a user would in the devtools console.
      const echoed = await page.evaluate(async () => {
        const s = (window as unknown as { urpc: { session: { functions: { echo(...a: unknown[]): Promise<unknown[]> } } } }).urpc.session;
        const r = await s.functions.echo(7, -3, 2.5, 'two', true, null, new Uint8Array([1, 2, 255]), 2n ** 62n);
        return r.map((v) => (v instanceof Uint8Array ? `bytes:${[...v].join(',')}` : typeof v === 'bigint' ? `bigint:${v}` : v));
      });
      assert.deepEqual(echoed, [7, -3, 2.5, 'two', true, null, 'bytes:1,2,255', `bigint:${2n ** 62n}`]);

      // 64 KiB tensor round trip (the device takes 2 KiB packets: many copy packets each way).
      const data = pattern(64 * 1024, 0x5eed);
      const back = await roundTrip(page, data);
      assert.equal(back.length, data.length);
      assert.ok(back.equals(data), `64 KiB round trip differs at byte ${back.findIndex((b, i) => b !== data[i])}`);

      // Device logs reach the pane: urpc.log through its form (variadic ints).
      await page.click('button[data-fn="urpc.log"]');
      await page.fill('#arg-0', '7, 8, 9');
      await page.press('#arg-0', 'Enter');
      await page.waitForFunction(() => (document.querySelector('#log-lines')?.textContent ?? '').includes('urpc.log 7 8 9'), undefined, WAIT);

      // Tensors: a 2-D one as a heat map, a 1-D one as a line plot, both as tables.
      await page.click('#tab-tensors');
      await page.selectOption('#t-dtype', 'float32');
      await page.fill('#t-shape', '16,24');
      await page.selectOption('#t-fill', 'sine');
      await page.click('#panel-tensors button.primary');
      await page.waitForSelector('button[data-tensor=t0]', WAIT);
      await page.click('text=Read back from device');
      await page.waitForFunction(() => /read 1536 bytes/.test(document.querySelector('#panel-tensors .t-detail output')?.textContent ?? ''), undefined, WAIT);
      assert.equal(await page.locator('#panel-tensors .nums tr').count(), 11, '256 of 384 elements in rows of 24');
      await screenshot(page, 'tensors-heatmap');
      await page.fill('#t-shape', '200');
      await page.click('#panel-tensors button.primary');
      await page.waitForSelector('button[data-tensor=t1]', WAIT);
      await screenshot(page, 'tensors-plot');
      await page.selectOption('#t-dtype', 'int32');
      await page.selectOption('#t-fill', 'ramp');
      await page.click('#panel-tensors button.primary');
      await page.waitForSelector('button[data-tensor=t2]', WAIT);
      // A created tensor is an argument of urpc.sum (the tensor picker of its form): 0 + ... + 199.
      await page.click('#tab-functions');
      await page.click('button[data-fn="urpc.sum"]');
      await page.selectOption('#arg-0-tensor', 't2');
      await page.click('#panel-functions button.primary');
      await page.waitForFunction(() => /ms\)/.test(document.querySelector('output[data-result="urpc.sum"]')?.textContent ?? ''), undefined, WAIT);
      assert.match(await page.locator('output[data-result="urpc.sum"]').innerText(), /^19900 /);

      // Bench tab: latency and goodput plots over this link.
      await page.click('#tab-bench');
      await page.fill('#b-calls', '5');
      await page.click('#panel-bench button.primary');
      await page.waitForFunction(() => /^done:/.test(document.querySelector('#bench-status')?.textContent ?? ''), undefined, { timeout: 120_000 });
      const bench = await page.evaluate(() => (window as unknown as { urpc: { bench: { latency: unknown[]; goodput: unknown[] } } }).urpc.bench);
      assert.equal(bench.latency.length, 5);
      assert.equal(bench.goodput.length, 4);
      await screenshot(page, 'bench');
      await page.click('#tab-functions');
      await screenshot(page, 'console');

      // The firmware restarts: serve's device link ends, it drops the page, the page reconnects
      // and serve starts the firmware again; the new session works and old tensors are dropped.
      const fw = firmwareOf(serve!.p.pid!);
      assert.equal(fw.length, 1, `serve should have one firmware process, has ${fw.join(',')}`);
      process.kill(fw[0]!, 'SIGKILL');
      await waitState(page, 'reconnecting');
      await waitState(page, 'connected');
      await waitUntil('a new firmware process', () => { const c = firmwareOf(serve!.p.pid!); return c.length === 1 && c[0] !== fw[0]; }, 30_000);
      assert.equal(await page.evaluate(() => (window as unknown as { urpc: { connection: { sessions: number } } }).urpc.connection.sessions), 2);
      const again = await roundTrip(page, data.subarray(0, 4096));
      assert.ok(again.equals(data.subarray(0, 4096)));
      assert.match(await deviceLog(page), /reconnecting: .*connection closed/);
      assert.match(await page.locator('#panel-tensors').innerText(), /Tensors from before were dropped/);
      await page.evaluate(() => (window as unknown as { urpc: { session: { functions: { log(...a: number[]): Promise<void> } } } }).urpc.session.functions.log(42));
      await page.waitForFunction(() => (document.querySelector('#log-lines')?.textContent ?? '').includes('urpc.log 42'), undefined, WAIT);
      await screenshot(page, 'reconnected');

      // The device reboots with the link up (SIGUSR1: the native board's reset): the page stays
      // connected, notes the reset and drops its tensors; the next call opens a new session.
      await page.evaluate(() => (window as unknown as { urpc: { showTensor(t: unknown): Promise<string>; session: { array(d: Uint8Array): Promise<unknown> } } })
        .urpc.session.array(new Uint8Array([1, 2, 3])).then((t) => (window as unknown as { urpc: { showTensor(t: unknown): Promise<string> } }).urpc.showTensor(t)));
      const [fw2] = firmwareOf(serve!.p.pid!);
      process.kill(fw2!, 'SIGUSR1');
      await page.waitForFunction(() => /device reset: .*ended the session/.test(document.querySelector('#log-lines')?.textContent ?? ''), undefined, WAIT);
      assert.equal(await page.getAttribute('body', 'data-state'), 'connected');
      assert.match(await page.locator('#panel-tensors').innerText(), /Tensors from before were dropped: the device reset/);
      assert.ok((await roundTrip(page, data.subarray(0, 3000))).equals(data.subarray(0, 3000)));
      assert.deepEqual(firmwareOf(serve!.p.pid!), [fw2], 'the same firmware process, rebooted in place');
      assert.equal(await page.evaluate(() => (window as unknown as { urpc: { connection: { sessions: number } } }).urpc.connection.sessions), 2, 'no reconnect of the link');
      assert.match(serve!.err(), /device link ended/);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('WebSerial: the same console over an injected Web Serial port (over the same socket); reconnects when the port is lost', async () => {
    const page = await browser!.newPage({ viewport: { width: 1366, height: 800 } });
    const errors = collectErrors(page);
    try {
      await page.addInitScript({ content: `window.__URPC_FAKE_SERIAL = ${JSON.stringify({ url: serve!.ws, token: TOKEN })};\n${fs.readFileSync(FAKE_SERIAL, 'utf8')}` });
      await page.goto(serve!.url, WAIT);
      await page.waitForSelector('body[data-ready=true]', WAIT);
      await page.selectOption('#mode', 'serial');
      assert.ok(await page.isVisible('#baud'));
      assert.ok(!(await page.isVisible('#token')));
      await page.fill('#baud', '230400');
      await page.press('#baud', 'Enter');
      await waitState(page, 'connected');
      assert.match(await page.locator('#state-detail').innerText(), /webserial 1209:0001 @230400/);
      assert.equal(await page.evaluate(() => (window as unknown as { __fakeSerialPort: { baudRate: number } }).__fakeSerialPort.baudRate), 230400);
      await page.waitForSelector('button[data-fn="urpc.echo"]', WAIT);
      const data = pattern(64 * 1024, 77);
      assert.ok((await roundTrip(page, data)).equals(data), '64 KiB over WebSerial');
      await page.evaluate(() => (window as unknown as { urpc: { session: { functions: { log(...a: number[]): Promise<void> } } } }).urpc.session.functions.log(5, 6));
      await page.waitForFunction(() => (document.querySelector('#log-lines')?.textContent ?? '').includes('urpc.log 5 6'), undefined, WAIT);
      // The port is lost (the firmware restarts): the console re-opens the same port.
      const fw = firmwareOf(serve!.p.pid!);
      assert.equal(fw.length, 1);
      process.kill(fw[0]!, 'SIGKILL');
      await waitState(page, 'reconnecting');
      await waitState(page, 'connected');
      assert.equal(await page.evaluate(() => (window as unknown as { __fakeSerialPort: { opens: number } }).__fakeSerialPort.opens), 2);
      assert.ok((await roundTrip(page, data.subarray(0, 1000))).equals(data.subarray(0, 1000)));
      await screenshot(page, 'webserial');
      await page.click('#disconnect');
      await waitState(page, 'disconnected');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('one page at a time: a second page waits in the queue (its status says so) and gets the device when the first disconnects', async () => {
    const first = await browser!.newPage();
    const second = await browser!.newPage();
    try {
      for (const p of [first, second]) {
        await p.goto(serve!.url, WAIT);
        await p.waitForSelector('body[data-ready=true]', WAIT);
      }
      await connectThroughPage(first, TOKEN);
      // The second one connects from script with a 2 s connect deadline, which a queued page
      // outlives (its turn comes when the first leaves; the server bounds the wait).
      await second.evaluate(([url, token]) => {
        void (window as unknown as { urpc: { connect(u: string, o: object): Promise<unknown> } }).urpc.connect(url!, { token, startTimeoutMs: 2000 });
      }, [serve!.ws, TOKEN]);
      await second.waitForFunction(() => /number 1 in the server's queue/.test(document.querySelector('#state-detail')?.textContent ?? ''), undefined, WAIT);
      assert.equal(await second.getAttribute('body', 'data-state'), 'connecting');
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(await second.getAttribute('body', 'data-state'), 'connecting', await second.locator('.status').innerText());
      await first.click('#disconnect');
      await waitState(first, 'disconnected');
      await waitState(second, 'connected');
      await second.waitForSelector('button[data-fn="urpc.echo"]', WAIT);
      await second.click('#disconnect');
      await waitState(second, 'disconnected');
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('keyboard: tabs by arrow keys; the token travels in the first message: a wrong or missing one is refused with the reason, the URL never carries it', async () => {
    const page = await browser!.newPage();
    try {
      await page.goto(serve!.url, WAIT);
      await page.waitForSelector('body[data-ready=true]', WAIT);
      // Keyboard: the tabs follow the arrow keys, Home and End (WAI-ARIA tabs).
      await page.focus('#tab-functions');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.getAttribute('#tab-tensors', 'aria-selected'), 'true');
      assert.ok(await page.isVisible('#panel-tensors') && !(await page.isVisible('#panel-functions')));
      await page.keyboard.press('End');
      assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id), 'tab-bench');
      await page.keyboard.press('Home');
      assert.ok(await page.isVisible('#panel-functions'));
      await page.fill('#token', 'not-the-token');
      await page.press('#token', 'Enter');
      await page.waitForFunction(() => /refused by the server: wrong token/.test(document.querySelector('#state-detail')?.textContent ?? ''), undefined, WAIT);
      assert.equal(await page.getAttribute('body', 'data-state'), 'disconnected');
      const noToken = await page.evaluate(async (url) => {
        try {
          await (window as unknown as { urpc: { connect(u: string, o: object): Promise<unknown> } }).urpc.connect(url, { reconnect: false });
          return 'connected';
        } catch (e) {
          return (e as Error).message;
        }
      }, serve!.ws);
      assert.match(noToken, /refused by the server: wrong token/);
      const inUrl = await page.evaluate(async (url) => {
        try {
          await (window as unknown as { urpc: { connect(u: string, o: object): Promise<unknown> } }).urpc.connect(`${url}?token=x`, {});
          return 'connected';
        } catch (e) {
          return (e as Error).message;
        }
      }, serve!.ws);
      assert.match(inUrl, /the token goes in the token field, never in the URL/);
      assert.match(serve!.err(), /refused 127\.0\.0\.1:\d+: wrong token/);
    } finally {
      await page.close();
    }
  });
});
