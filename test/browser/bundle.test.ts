// The browser bundle (host/web/build.ts): it builds from host/client as is, carries no Node
// import (a module that brings one in fails the build with esbuild's reason), and the bench's
// figures for it (bench/browser-bundle.ts) are consistent.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildWeb, WEB_SRC } from '../../host/web/build.ts';
import { benchBrowserBundle } from '../../bench/browser-bundle.ts';

describe('browser bundle', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-web-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('bundles the console and the client stack into urpc.js next to the page; window.urpc is set by it', async () => {
    const b = await buildWeb(dir);
    for (const f of b.files) assert.ok(fs.existsSync(path.join(dir, f.slice(1))), f);
    const js = fs.readFileSync(path.join(dir, 'urpc.js'), 'utf8');
    assert.equal(b.bundleBytes, Buffer.byteLength(js));
    assert.match(js, /window\.urpc=/, 'sets window.urpc');
    assert.ok(Object.keys(b.inputs).some((f) => f.startsWith('host/client/')), 'host/client is in it');
    // The page's links share the Transport interface and the Inbox with Node's; no Node transport.
    const shared = ['host/transport/transport.ts', 'host/transport/inbox.ts'];
    const nodeTransports = Object.keys(b.inputs).filter((f) => f.startsWith('host/transport/') && !shared.includes(f));
    assert.deepEqual(nodeTransports, [], 'no Node transport in it');
  });

  it('a Node import reaching the bundle fails the build, naming it', async () => {
    const entry = path.join(WEB_SRC, `.node-import-${process.pid}.ts`);
    fs.writeFileSync(entry, "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n");
    try {
      await assert.rejects(buildWeb(dir, entry), /building the browser console failed: .*node:fs/s);
    } finally {
      fs.rmSync(entry, { force: true });
    }
  });

  it('bench: raw above gzipped, the parts add up to the bundle (less esbuild glue)', async () => {
    const r = await benchBrowserBundle(dir);
    assert.ok(r.gzipBytes > 0 && r.gzipBytes < r.bundleBytes);
    const sum = r.parts.reduce((n, p) => n + p.bytes, 0);
    assert.ok(sum <= r.bundleBytes && sum > 0.9 * r.bundleBytes, `${sum} of ${r.bundleBytes}`);
    assert.ok(r.parts.find((p) => p.part.startsWith('client'))!.bytes > 0);
  });
});
