// urpc ts2c | difftest | fuzz-codegen: the FwTS toolchain commands.
import type { Command } from 'commander';
import { transpile } from '../../codegen/src/index.ts';
import { resourceReport, formatResourceReport } from '../../codegen/src/report.ts';
import { difftest, formatDifftest } from '../../codegen/src/difftest/index.ts';
import { intOption } from './options.ts';

export function registerCodegenCommands(program: Command): void {
  program
    .command('ts2c')
    .description('lower FwTS modules (and everything they import) to C99')
    .argument('<entry.ts...>', 'FwTS entry modules')
    .requiredOption('-o, --out <dir>', 'directory for the .c/.h files and fw_rt.h')
    .option('--report', 'print static RAM and stack (declared locals) per module')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  urpc ts2c firmware/framing/framer.ts -o build/gen\n  urpc ts2c app/main.ts -o build/gen --report')
    .action((entries: string[], opts: { out: string; report?: boolean; json?: boolean }) => {
      const r = transpile(entries, { outDir: opts.out });
      const rows = resourceReport(r.reports);
      if (opts.json) {
        console.log(JSON.stringify({ ok: r.ok, files: [...r.files.keys()], diagnostics: r.format(false), resources: rows }, null, 2));
      } else {
        if (r.diagnostics.length) process.stderr.write(r.format(!!process.stderr.isTTY));
        if (r.ok) console.log(`wrote ${r.files.size} files to ${opts.out}`);
        if (r.ok && opts.report) console.log(formatResourceReport(rows));
      }
      process.exitCode = r.ok ? 0 : 1;
    });

  program
    .command('difftest')
    .description('run a FwTS module in Node and as C (gcc and clang, -O0/-O2, ASan+UBSan) and compare outputs byte for byte')
    .argument('<module.ts>', 'FwTS module exporting main(input: Bytes, output: Bytes): u32')
    .option('--cases <n>', 'random inputs (edge inputs are added)', intOption, 200)
    .option('--seed <s>', 'seed of the random inputs', intOption, 1)
    .option('--json', 'print {cases, mismatches, sanitizer_reports} as JSON')
    .addHelpText('after', '\nExample:\n  urpc difftest test/diff/fixtures/sample.ts --cases 1000 --seed 7 --json')
    .action(async (mod: string, opts: { cases: number; seed: number; json?: boolean }) => {
      const r = await difftest(mod, { cases: opts.cases, seed: opts.seed });
      if (opts.json) console.log(JSON.stringify(r, null, 2));
      else console.log(formatDifftest(r));
      process.exitCode = r.ok ? 0 : 1;
    });
}
