// FwTS fidelity (issue 12): programs the lowering or the index proofs got wrong. A fixture under
// test/codegen/fidelity/ either expects diagnostics inline (`// FW3003` at the end of a line,
// exactly those) or none: then its C must build under the strict flags with gcc and clang.
// (Programs whose C ran but disagreed with Node are difftested in test/diff/regressions/.)
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
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
});
