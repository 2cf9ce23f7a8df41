// The browser console's files: host/web/page/main.ts bundled by esbuild (the client stack as is:
// host/client and the FwTS framing/session it runs), next to the page's HTML and CSS, in
// build/web/. `urpc serve --web` builds it at start (well under a second); the browser tests and
// the bench build it too. A Node import reaching the bundle fails the build (platform 'browser':
// host/client must stay free of them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, stop } from 'esbuild';
import { REPO } from '../repo.ts';

export const WEB_SRC = path.join(REPO, 'host', 'web', 'page');
export const WEB_OUT = path.join(REPO, 'build', 'web');
/** The page as the npm package ships it, bundled by `npm run build` (scripts/build-web.js). */
export const PACKAGED_WEB = path.join(REPO, 'dist', 'web');
/** The page's static files (besides the bundle) copied as they are. */
const STATIC = ['index.html', 'style.css'];

export interface WebBuild {
  dir: string;
  /** Size of urpc.js, the minified bundle. */
  bundleBytes: number;
  /** Bytes of the bundle from each source file (repository-relative paths). */
  inputs: Record<string, number>;
  /** Every file of the page, by URL path ('/urpc.js'). */
  files: string[];
}

/** Builds the page into `outDir`; `entry` is for tests (another entry module). */
export async function buildWeb(outDir = WEB_OUT, entry = path.join(WEB_SRC, 'main.ts')): Promise<WebBuild> {
  fs.mkdirSync(outDir, { recursive: true });
  const bundle = path.join(outDir, 'urpc.js');
  const r = await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: REPO,
  }).catch((e: Error) => { throw new Error(`building the browser console failed: ${e.message}`); })
    .finally(() => stop()); // esbuild's service process would otherwise live as long as we do
  for (const f of STATIC) fs.copyFileSync(path.join(WEB_SRC, f), path.join(outDir, f));
  const out = Object.values(r.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const inputs: Record<string, number> = {};
  for (const [f, v] of Object.entries(out?.inputs ?? {})) inputs[f] = v.bytesInOutput;
  return { dir: outDir, bundleBytes: fs.statSync(bundle).size, inputs, files: ['/index.html', '/style.css', '/urpc.js', '/urpc.js.map'] };
}
