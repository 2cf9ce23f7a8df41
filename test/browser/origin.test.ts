// Which requests `urpc serve --web` answers (host/web/origin.ts), and the same rules end to end
// on a live server with Node's `ws` client: another site's page, a rebound DNS name and a wrong
// path are refused before the token gate; a client without Origin (not a browser) is admitted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { refuseRequest } from '../../host/web/origin.ts';
import { ensureNative } from '../e2e/helpers.ts';
import { startServeWeb, stopServe, type WebServe } from './serve-web.ts';

const LOOP = { host: '127.0.0.1', port: 4560, loopback: true };

describe('serve --web: request rules (origin.ts)', () => {
  it('on loopback: a loopback Host, and an Origin (when sent) of that same host:port', () => {
    assert.equal(refuseRequest({ host: '127.0.0.1:4560' }, LOOP), undefined);
    assert.equal(refuseRequest({ host: 'localhost:4560', origin: 'http://localhost:4560' }, LOOP), undefined);
    assert.equal(refuseRequest({ host: '[::1]:4560', origin: 'http://[::1]:4560' }, LOOP), undefined);
    assert.match(refuseRequest({ host: 'evil.example:4560', origin: 'http://evil.example:4560' }, LOOP)!, /not a loopback name/);
    assert.match(refuseRequest({ host: '127.0.0.1:4560', origin: 'https://evil.example' }, LOOP)!, /is not this server's page/);
    assert.match(refuseRequest({ host: '127.0.0.1:4560', origin: 'http://127.0.0.1:4561' }, LOOP)!, /is not this server's page/);
    assert.match(refuseRequest({ host: '127.0.0.1:4560', origin: 'null' }, LOOP)!, /bad Origin|not this server's page/);
    assert.match(refuseRequest({}, LOOP)!, /no valid Host/);
    assert.match(refuseRequest({ host: 'a b' }, LOOP)!, /no valid Host/);
  });
  it('off loopback (a token is required there): any Host name, still the same-origin rule', () => {
    const lan = { host: '0.0.0.0', port: 4560, loopback: false };
    assert.equal(refuseRequest({ host: 'buildbox:4560', origin: 'http://buildbox:4560' }, lan), undefined);
    assert.match(refuseRequest({ host: 'buildbox:4560', origin: 'http://evil.example' }, lan)!, /not this server's page/);
  });
});

/** Opens a WebSocket with these headers; resolves with the first message, or the refusal. */
function tryWs(url: string, headers: Record<string, string>, first: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    const t = setTimeout(() => { ws.terminate(); resolve('timeout'); }, 10_000);
    ws.on('unexpected-response', (_req, res) => { clearTimeout(t); resolve(`HTTP ${res.statusCode}`); ws.terminate(); });
    ws.on('error', () => undefined);
    ws.on('open', () => ws.send(first));
    ws.on('message', (d: Buffer) => { clearTimeout(t); resolve(d.toString('latin1').split('\n')[0]!); ws.close(); });
  });
}

describe('serve --web: refusals on a live server', function () {
  this.timeout(60_000);
  let serve: WebServe | undefined;
  before(async () => {
    await ensureNative();
    serve = await startServeWeb(['native', '--listen', '127.0.0.1:0', '--token', 'tk']);
  });
  after(async () => {
    if (serve) assert.equal(await stopServe(serve.p), 0);
  });

  it('refuses another site, a rebound name and a wrong path; admits a client without Origin with the token', async () => {
    const port = new URL(serve!.url).port;
    assert.equal(await tryWs(serve!.ws, { origin: 'http://evil.example' }, 'URPC-TOKEN tk\n'), 'HTTP 403');
    assert.equal(await tryWs(serve!.ws, { host: `rebound.example:${port}` }, 'URPC-TOKEN tk\n'), 'HTTP 403');
    assert.equal(await tryWs(serve!.ws.replace(/\/ws$/, '/other'), {}, 'URPC-TOKEN tk\n'), 'HTTP 403');
    assert.equal(await tryWs(serve!.ws, {}, 'URPC-TOKEN nope\n'), 'URPC-DENIED wrong token');
    assert.equal(await tryWs(serve!.ws, { origin: serve!.url.replace(/\/$/, '') }, 'URPC-TOKEN tk\n'), 'URPC-OK');
    assert.match(serve!.err(), /refused 127\.0\.0\.1:\d+: Origin 'http:\/\/evil\.example' is not this server's page/);
    assert.match(serve!.err(), /refused 127\.0\.0\.1:\d+: Host 'rebound\.example:\d+' is not a loopback name/);
  });

  it('off loopback without --token it refuses to start (exit 2), as TCP serve', () => {
    const urpc = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));
    const r = spawnSync(process.execPath, [urpc, 'serve', 'native', '--web', '--listen', '0.0.0.0:0'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /refusing to listen on 0\.0\.0\.0 without --token/);
  });

  it('serves the page with a CSP and nothing else', async () => {
    const page = await fetch(serve!.url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(await page.text(), /<script src="urpc.js" defer><\/script>/);
    const js = await fetch(new URL('urpc.js', serve!.url));
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal((await fetch(new URL('../../etc/passwd', serve!.url))).status, 404);
    assert.equal((await fetch(new URL('nope.js', serve!.url))).status, 404);
    assert.equal((await fetch(serve!.url, { method: 'POST' })).status, 405);
  });
});
