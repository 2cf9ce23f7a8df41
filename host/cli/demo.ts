// urpc demo (npm start): the main job on this machine, no hardware needed. It lowers the whole
// device stack in firmware/ to C, compiles it warning-free with the host compiler, and runs the
// protocol core (framer, unframer, session, allocator) in Node and as C on the same inputs.
// (When the native board lands, this becomes: build it, open a session, call functions.)
import type { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { transpile } from '../../codegen/src/index.ts';
import { resourceReport, formatResourceReport } from '../../codegen/src/report.ts';
import { difftest, formatDifftest } from '../../codegen/src/difftest/index.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STRICT = ['-std=c99', '-pedantic', '-Wall', '-Wextra', '-Wconversion', '-Wsign-conversion', '-Werror'];

function firmwareSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'lib' ? [] : firmwareSources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('lower firmware/ to C, compile it, and check Node and C agree on the protocol core (npm start)')
    .option('--cases <n>', 'random inputs for the Node-vs-C check', (v) => Number(v), 300)
    .action(async (opts: { cases: number }) => {
      const out = path.join(REPO, 'build', 'native', 'gen');
      fs.rmSync(out, { recursive: true, force: true });
      const entries = firmwareSources(path.join(REPO, 'firmware')).sort();
      console.log(`1. urpc ts2c: ${entries.length} FwTS modules -> ${path.relative(process.cwd(), out)}`);
      const t0 = Date.now();
      const r = transpile(entries, { outDir: out });
      if (!r.ok) {
        process.stderr.write(r.format(!!process.stderr.isTTY));
        process.exitCode = 1;
        return;
      }
      console.log(`   ${r.files.size} files in ${Date.now() - t0} ms`);
      console.log(formatResourceReport(resourceReport(r.reports)).replace(/^/gm, '   '));
      const cc = process.env.CC ?? 'gcc';
      const cFiles = [...r.files.keys()].filter((f) => f.endsWith('.c'));
      console.log(`2. ${cc} ${STRICT.join(' ')}: ${cFiles.length} files`);
      for (const f of cFiles) execFileSync(cc, [...STRICT, '-Os', '-c', path.join(out, f), '-o', path.join(out, f.replace(/\.c$/, '.o'))], { stdio: 'inherit' });
      console.log('   clean');
      console.log('3. the protocol core in Node and as C (gcc/clang -O0/-O2, ASan+UBSan), byte for byte');
      const d = await difftest(path.join(REPO, 'test/unit/fixtures/protocol_diff.ts'), { cases: opts.cases, seed: 1 });
      console.log('   ' + formatDifftest(d).split('\n').join('\n   '));
      process.exitCode = d.ok ? 0 : 1;
    });
}
