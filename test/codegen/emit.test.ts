// Generated C: golden snapshots of fixture modules (every change to the output is reviewed),
// and the whole of firmware/ compiled warning-free for the host and for Cortex-M.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transpile } from '../../codegen/src/index.ts';
import { createFrontEnd, ts } from '../../codegen/src/program.ts';
import { REPO, tsFilesUnder, compileAll, buildDir } from './helpers.ts';
import { requireTools } from '../tools.ts';
import { FAST_TIER } from '../tier.ts';

const goldenDir = path.join(REPO, 'test/codegen/golden');
const GOLDEN = ['sample.ts', 'shapes.ts', 'floats.ts'];

describe('codegen: emitted C', () => {
  for (const name of GOLDEN) {
    it(`${name} matches its golden C (UPDATE_GOLDEN=1 rewrites it)`, () => {
      const out = buildDir(`golden-${name}`);
      const r = transpile([path.join(REPO, 'test/codegen/fixtures', name)], { outDir: out });
      assert.ok(r.ok, r.format(false));
      for (const [file, text] of r.files) {
        if (file === 'fw_rt.h') continue;
        const golden = path.join(goldenDir, file);
        if (process.env.UPDATE_GOLDEN) fs.writeFileSync(golden, text);
        assert.equal(text, fs.readFileSync(golden, 'utf8'), `${file} differs from ${path.relative(REPO, golden)}`);
      }
    });
  }

  it('@inline puts a header-safe exported function in the header as static inline, others stay in the .c', () => {
    const out = buildDir('inline');
    const r = transpile([path.join(REPO, 'test/codegen/inline/user.ts')], { outDir: out });
    assert.ok(r.ok, r.format(false));
    const h = r.files.get('mix.h')!;
    const c = r.files.get('mix.c')!;
    assert.match(h, /static inline uint32_t mix_twice\(uint32_t x\) \{/);
    assert.doesNotMatch(c, /mix_twice\(/, 'no out-of-line copy');
    for (const f of ['mix_scaled', 'mix_noisy']) {
      assert.match(h, new RegExp(`^uint32_t ${f}\\(uint32_t x\\);`, 'm'), `${f} is only declared in the header`);
      assert.match(c, new RegExp(`^uint32_t ${f}\\(uint32_t x\\) \\{`, 'm'), `${f} is defined in the .c`);
    }
    for (const cc of ['gcc', 'clang']) compileAll(out, cc, ['-O2']);
  });

  it('#line directives point at the .ts line of each statement', () => {
    let mapped = 0;
    for (const name of GOLDEN) {
    const out = buildDir('line-map');
    const src = path.join(REPO, 'test/codegen/fixtures', name);
    transpile([src], { outDir: out });
    const c = fs.readFileSync(path.join(out, name.replace('.ts', '.c')), 'utf8').split('\n');
    const ts_ = fs.readFileSync(src, 'utf8').split('\n');
    // Replay the directives: the C line after `#line N` is .ts line N, and so on.
    let cur: number | undefined;
    for (const l of c) {
      const m = /^#line (\d+) "(.*)"$/.exec(l);
      if (m) {
        // Back to the generated file (thunks, vtables): the directive names the C file's next line.
        if (m[2].endsWith('.c')) { assert.equal(Number(m[1]), c.indexOf(l) + 2); cur = undefined; continue; }
        cur = Number(m[1]);
        assert.equal(path.resolve(out, m[2]), src);
        continue;
      }
      if (cur === undefined) continue;
      const call = /\b(\w+)\(/.exec(l.trim());
      // Every mapped C line that calls a function names a function that is on its .ts line.
      if (call && l.trim().endsWith(';') && !call[1].startsWith('fw_') && !l.includes('memset') && !/^(if|for|while|switch|return)$/.test(call[1]) && !l.trim().startsWith('static')) {
        const fn = call[1].endsWith('_init') ? `new ${call[1].slice(0, -5)}` : call[1].replace(/^[A-Za-z]+_/, '');
        assert.ok(ts_[cur - 1]?.includes(fn), `C line '${l.trim()}' maps to .ts line ${cur}: '${ts_[cur - 1]?.trim()}'`);
        mapped++;
      }
      cur++;
    }
    }
    assert.ok(mapped >= 10, `only ${mapped} mapped calls checked`);
  });

  describe('firmware/ compiles with -std=c99 -pedantic -Wall -Wextra -Wconversion -Wsign-conversion -Werror', () => {
    let out = '';
    before(() => {
      out = buildDir('firmware-c');
      const entries = tsFilesUnder(path.join(REPO, 'firmware')).filter((f) => !f.includes('/firmware/lib/'));
      const r = transpile(entries, { outDir: out });
      assert.ok(r.ok, r.format(false));
      assert.ok(r.files.size > entries.length, 'a .c and a .h per module');
    });
    // The fast tier (test/tier.ts) builds with gcc and for the M0+ only.
    const targets: [string, string[]][] = [
      ['gcc', ['-O2']],
      ...(FAST_TIER ? [] : [['clang', ['-O2']] as [string, string[]]]),
      ['arm-none-eabi-gcc', ['-mcpu=cortex-m0plus', '-mthumb', '-Os']],
      ...(FAST_TIER ? [] : [['arm-none-eabi-gcc', ['-mcpu=cortex-m4', '-mthumb', '-Os']] as [string, string[]]]),
    ];
    for (const [cc, flags] of targets) {
      it(`${cc} ${flags.join(' ')}`, function () {
        requireTools(this, [cc]); // fails under CI=true, skips with a note elsewhere (test/tools.ts)
        compileAll(out, cc, flags);
      });
    }
  });

  it('the brand of a parameter is visible to the checker (aliasSymbol), and a + b is plain number', () => {
    const dir = buildDir('alias');
    const f = path.join(dir, 'alias.ts');
    fs.writeFileSync(f, "import { u8, u16 } from '../../../firmware/lib/prelude.ts';\nexport function f(a: u8, b: u8): u16 {\n  const d = u16(a + b);\n  const e = d;\n  return e;\n}\n");
    const fe = createFrontEnd([f]);
    assert.deepEqual(fe.tsDiagnostics.map((d) => d.code), []);
    const sf = fe.program.getSourceFile(f)!;
    const fn = sf.statements.find(ts.isFunctionDeclaration)!;
    const t = (n: ts.Node): ts.Type => fe.checker.getTypeAtLocation(n);
    assert.equal(t(fn.parameters[0]).aliasSymbol?.name, 'u8');
    const sum = ((fn.body!.statements[0] as ts.VariableStatement).declarationList.declarations[0].initializer as ts.CallExpression).arguments[0];
    assert.equal(fe.checker.typeToString(t(sum)), 'number');
    assert.equal(t((fn.body!.statements[1] as ts.VariableStatement).declarationList.declarations[0]).aliasSymbol?.name, 'u16');
  });
});

describe('codegen: fixtures run the same in Node and C', () => {
  for (const name of GOLDEN) {
    it(`${name}: 0 mismatches, 0 sanitizer reports (gcc -O0, clang -O2)`, async () => {
      const { difftest } = await import('../../codegen/src/difftest/index.ts');
      const r = await difftest(path.join(REPO, 'test/codegen/fixtures', name), {
        cases: 150, seed: 11, compilers: ['gcc', 'clang'], optLevels: ['-O0', '-O2'],
      });
      assert.equal(r.transpile_ok, true, r.diagnostics);
      assert.equal(r.build_failures, 0, JSON.stringify(r.configs.map((c) => c.log)));
      assert.equal(r.mismatches, 0, JSON.stringify(r.first_mismatch));
      assert.equal(r.sanitizer_reports, 0, r.sanitizer_excerpt);
      assert.ok(r.cases >= 150);
    });
  }
});
