// FwTS fidelity (issue 12): programs the lowering or the index proofs got wrong. A fixture under
// test/codegen/fidelity/ either expects diagnostics inline (`// FW3003` at the end of a line,
// exactly those) or none: then its C must build under the strict flags with gcc and clang.
// (Programs whose C ran but disagreed with Node are difftested in test/diff/regressions/.)
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { transpile } from '../../codegen/src/index.ts';
import { fwCode } from '../../codegen/src/check/report.ts';
import { REPO, expectedCodes, tsFilesUnder, compileAll, buildDir } from './helpers.ts';

const UNUSED = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

describe('codegen: fidelity fixtures', function () {
  this.timeout(120_000);
  for (const file of tsFilesUnder(path.join(REPO, 'test/codegen/fidelity'))) {
    const expected = expectedCodes([file]);
    const name = path.relative(REPO, file);
    if (expected.length) {
      it(`${name}: exactly the inline-expected diagnostics`, () => {
        const r = transpile([file]);
        const actual = r.diagnostics
          .filter((d) => d.file && !UNUSED.has(d.code))
          .map((d) => `${path.relative(REPO, d.file!.fileName)}:${d.file!.getLineAndCharacterOfPosition(d.start!).line + 1} ${fwCode(d)}`)
          .sort();
        assert.deepEqual(actual, expected);
      });
    } else {
      it(`${name}: accepted, and its C builds under the strict flags (gcc, clang)`, () => {
        const out = buildDir(`fidelity-${path.basename(file, '.ts')}`);
        const r = transpile([file], { outDir: out });
        assert.ok(r.ok, r.format(false));
        compileAll(out, 'gcc', ['-O2']);
        compileAll(out, 'clang', ['-O2']);
      });
    }
  }

  it('a header with @inline bodies keeps its pragmas to itself: hand-written C that includes it still gets -Wtype-limits', () => {
    const out = buildDir('fidelity-inline-folded-user');
    const r = transpile([path.join(REPO, 'test/codegen/fidelity/inline-folded.ts')], { outDir: out });
    assert.ok(r.ok, r.format(false));
    fs.writeFileSync(path.join(out, 'user.c'), '#include "inline_folded.h"\nint user(unsigned short s);\nint user(unsigned short s) { return (unsigned short)(s - s) <= s; }\n');
    const res = spawnSync('gcc', ['-std=c99', '-Wall', '-Wextra', '-Werror', '-I', out, '-c', path.join(out, 'user.c'), '-o', path.join(out, 'user.o')], { encoding: 'utf8' });
    assert.notEqual(res.status, 0, 'the user code compiled: the header leaked its pragmas');
    assert.match(res.stderr, /-Werror=type-limits/);
  });
});
