// npm run build, after tsc: bundles the browser console (host/web/page, esbuild) into dist/web,
// which the package's `urpc serve --web` serves as it is (it ships no host/ sources to bundle).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { buildWeb, PACKAGED_WEB } = await import(path.join(root, 'dist/host/web/build.js'));
const r = await buildWeb(PACKAGED_WEB);
console.log(`web console: ${r.files.length} files in ${path.relative(root, r.dir)} (bundle ${r.bundleBytes} bytes)`);
