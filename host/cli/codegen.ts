// urpc ts2c | difftest | fuzz-codegen: the FwTS toolchain commands.
import type { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transpile } from '../../codegen/src/index.ts';
import { resourceReport, formatResourceReport } from '../../codegen/src/report.ts';
import { difftest, formatDifftest } from '../../codegen/src/difftest/index.ts';
import { difftestCorpus, formatCorpus } from '../../codegen/src/difftest/corpus.ts';
import { parseQemuTarget, QEMU_TARGETS } from '../../codegen/src/difftest/qemu.ts';
import { fuzzCodegen, formatCoverage, FEATURES, type FuzzResult } from '../../codegen/src/fuzz/index.ts';
import { command, countOption, intOption, fail, EXIT_PROBLEM } from './options.ts';
import { AppError } from '../app/modules.ts';
import { selectBuiltins, linkBuiltins, parseBuiltinList, BuiltinsError } from '../board/builtins.ts';
import { REPO } from '../repo.ts';

/** Removes the .c/.h files of `dir` that this run did not write. */
function removeStaleC(dir: string, files: ReadonlyMap<string, string>): void {
  for (const f of fs.readdirSync(dir)) if (/\.[ch]$/.test(f) && !files.has(f)) fs.rmSync(path.join(dir, f));
}

export function registerCodegenCommands(program: Command): void {
  command(program, 'ts2c')
    .description('lower FwTS modules (and everything they import) to C99')
    .argument('<entry.ts...>', 'FwTS entry modules')
    .requiredOption('-o, --out <dir>', 'directory for the .c/.h files and fw_rt.h')
    .option('--report', 'print static RAM and stack (declared locals) per module')
    .option('--json', 'print the result as JSON')
    .option('--app <dir>', "merge a device-function app (its modules' exported functions) into the firmware's C, as `urpc build --app` does")
    .option('--builtins <names>', 'the built-in device functions to link (comma-separated wire names), as `urpc build --builtins` does')
    .addHelpText('after', '\nExamples:\n  urpc ts2c firmware/framing/framer.ts -o build/gen\n  urpc ts2c app/main.ts -o build/gen --report\n  urpc ts2c firmware/device.ts -o build/pio/gen --app app\n' +
      '  urpc ts2c firmware/device.ts -o build/pio/gen --builtins urpc.echo,urpc.info')
    .action(async (entries: string[], opts: { out: string; report?: boolean; json?: boolean; app?: string; builtins?: string }) => {
      let substitutes: ReadonlyMap<string, string> | undefined;
      if (opts.builtins !== undefined) {
        try {
          // The generated names and handler table go beside the C (as the app's registry does).
          substitutes = linkBuiltins(selectBuiltins(parseBuiltinList(opts.builtins), 'the --builtins option'), REPO, `${opts.out}-registry`).substitutes;
        } catch (e) {
          if (!(e instanceof BuiltinsError)) throw e;
          fail('ts2c', e, opts, EXIT_PROBLEM);
          return;
        }
      }
      if (opts.app !== undefined) {
        const { lowerFirmwareWithApp } = await import('../app/lower.ts');
        try {
          const { files, app } = lowerFirmwareWithApp(entries, opts.app, opts.out, substitutes);
          const names = app.functions.map((f) => f.name);
          if (opts.json) console.log(JSON.stringify({ ok: true, files: [...files.keys()], functions: names }, null, 2));
          else console.log(`wrote ${files.size} files to ${opts.out} (app functions: ${names.join(', ')})`);
        } catch (e) {
          // A firmware or app the checker rejects: status 1, as without --app.
          if (!(e instanceof AppError)) throw e;
          fail('ts2c', e, opts, EXIT_PROBLEM);
        }
        return;
      }
      const r = transpile(entries, { outDir: opts.out, substitutes });
      // C an earlier run wrote for a built-in now left out would be built into a library of the folder.
      if (r.ok && substitutes !== undefined) removeStaleC(opts.out, r.files);
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

  command(program, 'difftest')
    .description('run FwTS modules in Node and as C (gcc and clang, -O0/-O2, ASan+UBSan; or on Cortex-M in QEMU) and compare outputs byte for byte')
    .argument('<module.ts...>', 'FwTS modules exporting main(input: Bytes, output: Bytes): u32')
    .option('--cases <n>', 'random inputs (edge inputs are added)', countOption, 200)
    .option('--seed <s>', 'seed of the random inputs', intOption, 1)
    .option('--target <list>', `comma-separated: host (gcc/clang with sanitizers) and/or ${Object.keys(QEMU_TARGETS).map((k) => `qemu:${k}`).join(', ')} (built with arm-none-eabi-gcc -O2, run in QEMU)`, 'host')
    .option('--json', 'print {cases, mismatches, sanitizer_reports} as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  urpc difftest test/diff/fixtures/sample.ts --cases 1000 --seed 7 --json\n  urpc difftest test/diff/corpus/*.ts --cases 2000 --target host,qemu:lm3s6965evb',
    )
    .action(async (mods: string[], opts: { cases: number; seed: number; target: string; json?: boolean }) => {
      const targets = opts.target.split(',').map((t) => t.trim()).filter((t) => t !== '');
      for (const t of targets) if (t !== 'host') parseQemuTarget(t); // a clear error before any work
      if (mods.length === 1 && targets.length === 1 && targets[0] === 'host') {
        const r = await difftest(mods[0]!, { cases: opts.cases, seed: opts.seed });
        if (opts.json) console.log(JSON.stringify(r, null, 2));
        else console.log(formatDifftest(r));
        process.exitCode = r.ok ? 0 : 1;
        return;
      }
      // Several modules or a QEMU target: one build per configuration links every module.
      const r = await difftestCorpus(mods, { cases: opts.cases, seed: opts.seed, targets });
      if (opts.json) console.log(JSON.stringify(r, null, 2));
      else console.log(formatCorpus(r));
      process.exitCode = r.ok ? 0 : 1;
    });

  command(program, 'fuzz-codegen')
    .description('generate random well-typed FwTS programs and difftest each (Csmith-style); mismatches are shrunk and saved as regression tests')
    .requiredOption('--programs <n>', 'how many programs', countOption)
    .option('--seed <s>', 'seed of the first program (program k uses seed + k)', intOption, 1)
    .option('--cases <n>', 'random inputs per program (edge inputs are added)', countOption, 24)
    .option('--json', 'print {programs, cases, mismatches, checker_rejections, ..., coverage} as JSON')
    .option('--coverage', 'print the coverage report: accepted kind x context -> programs containing it, and the generator features')
    .option('--generate-only', 'only generate the programs and count coverage (no transpile, build or run)')
    .option('--avoid <tags>', `feature tags not to generate, comma-separated (one of: ${Object.keys(FEATURES).join(' ')})`, '')
    .option('--only <tags>', 'keep only programs that have all these feature tags (comma-separated; seeds without them are skipped)', '')
    .option('--findings <dir>', 'write each shrunk finding (mismatch, sanitizer report, strict-build failure, rejection) to <dir>/fuzz-<seed>-<kind>.ts')
    .option('--no-shrink', 'do not shrink findings')
    .option('--max-shrinks <n>', 'shrink at most n findings (one per failure signature)', intOption, 10)
    .option('--floats', 'also generate f32/f64 values, operations, conversions and helpers (edge literals, floats decoded from the input bytes)')
    .option('--minutes <n>', 'time box: start no batch after n minutes (the report says how many programs ran)', countOption)
    .option('--sanitize <list>', 'host builds: -fsanitize=<list> (default address,undefined; e.g. undefined,float-cast-overflow)')
    .option('--target <list>', `comma-separated: host (gcc/clang -O0/-O2 with sanitizers) and/or ${Object.keys(QEMU_TARGETS).map((k) => `qemu:${k}`).join(', ')} (arm-none-eabi-gcc -O2, run in QEMU)`, 'host')
    .addHelpText('after', '\nExamples:\n  urpc fuzz-codegen --programs 200 --seed 1\n  urpc fuzz-codegen --programs 100 --seed 5 --target qemu:mps2-an386,qemu:microbit\n  urpc fuzz-codegen --programs 10000 --seed 100000 --json > fuzz.json\n  urpc fuzz-codegen --programs 400 --generate-only --coverage\n  urpc fuzz-codegen --programs 300 --findings build/findings --avoid cond-fn,cond-bytes-mixed')
    .action(async (opts: { programs: number; seed: number; cases: number; json?: boolean; coverage?: boolean; generateOnly?: boolean; avoid: string; only: string; findings?: string; shrink: boolean; maxShrinks: number; target: string; floats?: boolean; sanitize?: string; minutes?: number }) => {
      const targets = opts.target.split(',').map((t) => t.trim()).filter((t) => t !== '');
      for (const t of targets) if (t !== 'host') parseQemuTarget(t); // a clear error before any work
      const avoid = opts.avoid.split(',').filter(Boolean);
      const only = opts.only.split(',').filter(Boolean);
      const unknown = [...avoid, ...only].filter((t) => !(t in FEATURES));
      if (unknown.length) throw new Error(`--avoid/--only: unknown feature tag(s) ${unknown.join(', ')} (known: ${Object.keys(FEATURES).join(' ')})`);
      const progress = !opts.json && process.stderr.isTTY;
      const r: FuzzResult = await fuzzCodegen({
        programs: opts.programs,
        seed: opts.seed,
        casesPerProgram: opts.cases,
        generateOnly: opts.generateOnly,
        gen: { avoid, floats: !!opts.floats },
        only,
        shrink: opts.shrink,
        maxShrinks: opts.maxShrinks,
        targets,
        sanitizers: opts.sanitize,
        budgetMs: opts.minutes === undefined ? undefined : opts.minutes * 60_000,
        findingsDir: opts.findings ?? null,
        // Findings go to --findings when given; the regression suite is written by hand.
        regressionsDir: opts.findings ? null : undefined,
        onBatch: progress ? (done) => process.stderr.write(`\r${done}/${opts.programs} programs`) : undefined,
      });
      if (progress) process.stderr.write('\n');
      if (opts.json) {
        console.log(JSON.stringify(r, null, 2));
      } else {
        if (opts.coverage) console.log(formatCoverage(r.coverage));
        if (opts.generateOnly) console.log(`${r.programs} programs generated (${Math.round(r.programs_per_minute)} programs/min)`);
        else {
          console.log(`${r.programs} programs, ${r.cases} cases: ${r.mismatches} mismatches, ${r.sanitizer_reports} sanitizer reports, ` +
            `${r.checker_rejections} checker rejections (${r.internal_errors} internal errors), ${r.build_failures} programs failing the -Werror build ` +
            `(${r.c_compile_errors} not compiling at all), ${r.unrun} not run (${Math.round(r.programs_per_minute)} programs/min)`);
          for (const [sig, x] of Object.entries(r.signatures)) console.log(`  ${x.programs} x ${sig} (seeds ${x.seeds.join(', ')})`);
          for (const f of r.findings) console.log(`  ${f.kind} in program seed ${f.seed} (${f.config})${f.regression ? ': ' + f.regression : ''}`);
          for (const [w, ex] of Object.entries(r.warning_examples)) console.log(`  warning ${w}: seed ${ex.seed}`);
        }
      }
      const clean = r.mismatches === 0 && r.sanitizer_reports === 0 && r.checker_rejections === 0 && r.transpiler_crashes === 0 &&
        r.build_failures === 0 && r.unrun === 0 && (!opts.coverage || r.coverage.zero.length === 0);
      process.exitCode = clean ? 0 : 1;
    });
}
