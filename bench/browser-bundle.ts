// 6. browser: the size of the browser console's bundle (host/web/build.ts, esbuild --minify):
// raw and gzip -9 (what a server would send compressed), the page's HTML and CSS, and the bytes
// each part of the stack contributes (from esbuild's metafile), so growth shows where it comes from.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWeb } from '../host/web/build.ts';

/** Source folders the bundle's bytes are grouped by (first match wins). */
const PARTS: [string, RegExp][] = [
  ['console page (host/web/page)', /^host\/web\/page\//],
  ['client (host/client)', /^host\/client\//],
  ['framing + session (firmware/framing, firmware/session)', /^firmware\/(framing|session)\//],
  ['other firmware (prelude, codes)', /^firmware\//],
];

export interface BundleResult {
  what: string;
  bundleBytes: number;
  gzipBytes: number;
  /** index.html + style.css. */
  pageBytes: number;
  buildMs: number;
  /** Bundle bytes by part of the stack; 'other' for anything else (esbuild's runtime helpers). */
  parts: { part: string; bytes: number }[];
}

export async function benchBrowserBundle(outDir: string): Promise<BundleResult> {
  const t0 = performance.now();
  const b = await buildWeb(outDir);
  const buildMs = Math.round(performance.now() - t0);
  const js = fs.readFileSync(path.join(outDir, 'urpc.js'));
  const pageBytes = ['index.html', 'style.css'].reduce((n, f) => n + fs.statSync(path.join(outDir, f)).size, 0);
  const sums = new Map<string, number>(PARTS.map(([p]) => [p, 0]));
  let other = 0;
  for (const [file, bytes] of Object.entries(b.inputs)) {
    const part = PARTS.find(([, re]) => re.test(file))?.[0];
    if (part === undefined) other += bytes;
    else sums.set(part, sums.get(part)! + bytes);
  }
  return {
    what: 'build/web/urpc.js: the browser console and the client stack, esbuild --minify, ES2022',
    bundleBytes: b.bundleBytes,
    gzipBytes: gzipSync(js, { level: 9 }).length,
    pageBytes,
    buildMs,
    parts: [...[...sums].map(([part, bytes]) => ({ part, bytes })), { part: 'other (bundler glue)', bytes: other }],
  };
}
