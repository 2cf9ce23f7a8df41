// `npm run gen`: regenerates the byte tables of the FwTS RPC server (firmware/rpc/messages.ts and
// names.ts) from host/app/rpc-tables.ts. With --check it only reports which files are out of date
// (exit 1), for CI and scripts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../codegen/src/program.ts';
import { renderAll } from './rpc-tables.ts';

const check = process.argv.includes('--check');
let stale = 0;
for (const [rel, text] of renderAll()) {
  const file = path.join(REPO_ROOT, rel);
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (old === text) continue;
  stale++;
  if (check) console.error(`${rel} is out of date (run npm run gen)`);
  else {
    fs.writeFileSync(file, text);
    console.log(`wrote ${rel}`);
  }
}
if (check && stale > 0) process.exit(1);
