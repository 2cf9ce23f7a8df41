// The subset checker: every rejected construct has a code, expected inline in a fixture
// (`// FW2003` at the end of the line). The lists must match exactly, so an extra or a missing
// diagnostic fails the test (AssemblyScript's "EOF" rule).
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { transpile } from '../../codegen/src/index.ts';
import { CATALOGUE } from '../../codegen/src/check/catalogue.ts';
import { fwCode, formatDiagnostics } from '../../codegen/src/check/report.ts';
import { checkProgram } from '../../codegen/src/check/checker.ts';
import { createFrontEnd, ts } from '../../codegen/src/program.ts';
import { Sema } from '../../codegen/src/sema.ts';
import * as fs from 'node:fs';
import { REPO, expectedCodes, tsFilesUnder, buildDir } from './helpers.ts';
import { FAST_TIER } from '../tier.ts';

const rejectDir = path.join(REPO, 'test/codegen/reject');
const rejectTsDir = path.join(REPO, 'test/codegen/reject-ts');
const entries = [...tsFilesUnder(rejectDir).filter((f) => path.dirname(f) === rejectDir), ...tsFilesUnder(rejectTsDir)];

/** noUnusedLocals errors (TS6133 ...) would be on most fixture lines: they are left out here and
 * tested once below, so that each fixture line shows the one construct it is about. */
const UNUSED = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

function actualCodes(r: ReturnType<typeof transpile>): string[] {
  return r.diagnostics
    .filter((d) => d.file && !UNUSED.has(d.code))
    .map((d) => `${path.relative(REPO, d.file!.fileName)}:${d.file!.getLineAndCharacterOfPosition(d.start!).line + 1} ${fwCode(d)}`)
    .sort();
}

describe('codegen: diagnostics', () => {
  for (const entry of entries) {
    it(`${path.relative(REPO, entry)} gives exactly the inline-expected diagnostics, and no C`, () => {
      const r = transpile([entry]);
      const programFiles = tsFilesUnder(path.dirname(entry)).filter((f) => f === entry || f.includes('/more/'));
      assert.deepEqual(actualCodes(r), expectedCodes(programFiles));
      assert.equal(r.ok, false);
      assert.equal(r.files.size, 0, 'no C may be emitted while errors exist');
    });
  }

  it('an unused local is an error (C would warn) and stops C emission', () => {
    const dir = buildDir('unused');
    const f = path.join(dir, 'unused.ts');
    fs.writeFileSync(f, "import { u8 } from '../../../firmware/lib/prelude.ts';\nexport function f(): u8 {\n  const x = u8(1);\n  return u8(2);\n}\n");
    const r = transpile([f]);
    assert.deepEqual(r.diagnostics.map(fwCode), ['TS6133']);
    assert.equal(r.files.size, 0);
  });

  it('every catalogue code except the internal one is exercised by a fixture', () => {
    const expected = new Set(expectedCodes(entries.concat(tsFilesUnder(path.join(rejectDir, 'more')))).map((l) => l.split(' ')[1]));
    const missing = Object.keys(CATALOGUE).filter((c) => c !== '9001' && !expected.has(`FW${c}`));
    assert.deepEqual(missing, []);
  });

  it('docs/fwts.md explains every catalogue code', () => {
    const doc = fs.readFileSync(path.join(REPO, 'docs/fwts.md'), 'utf8');
    const missing = Object.keys(CATALOGUE).filter((c) => !new RegExp(`^\\| FW${c} \\|`, 'm').test(doc));
    assert.deepEqual(missing, []);
  });

  it('formats like tsc: location, FW code, reason, fix and a code frame', () => {
    const r = transpile([path.join(rejectDir, 'integers.ts')]);
    const text = formatDiagnostics(r.diagnostics, false, REPO);
    assert.match(text, /^test\/codegen\/reject\/integers\.ts:7:7 - error FW2003: 'a \+ b' is observed without a wrap$/m);
    assert.match(text, /^ {4}Node keeps the exact value/m);
    assert.match(text, /^ {4}fix: wrap it to a declared width first/m);
    assert.match(text, /^7 {3}if \(a \+ b > c\) return c; \/\/ FW2003$/m);
    assert.match(text, /^ {8}~~~~~$/m);
    assert.match(text, /Found \d+ errors\./);
  });

  it('messages and fixes fit the construct (issue 12, item 11)', () => {
    /** The message and fix lines of the diagnostic with `code` on `line` of a reject fixture. */
    const text = (file: string, line: number, code: string): string => {
      const r = transpile([path.join(rejectDir, file)]);
      const d = r.diagnostics.find((x) => fwCode(x) === code && x.file!.getLineAndCharacterOfPosition(x.start!).line + 1 === line);
      assert.ok(d, `${file}:${line} ${code}`);
      return ts.flattenDiagnosticMessageText(d.messageText, '\n');
    };
    // (i32(x) - c) >> 3: '>>>' would change the result; the arithmetic shift Node does is i32(...) >> n.
    assert.match(text('integers.ts', 23, 'FW2006'), /fix: i32\(i32\(c\) - c\) >> n shifts as Node does now.*write \(i32\(c\) - c\) >>> n if you mean a logical shift/s);
    assert.match(text('integers.ts', 11, 'FW2006'), /fix: i32\(c\) >> n .*c >>> n/s);
    assert.doesNotMatch(text('integers.ts', 14, 'FW2014'), /divu|modu/);
    assert.match(text('integers.ts', 37, 'FW2016'), /^enum value -1 is negative$/m);
    assert.doesNotMatch(text('integers.ts', 37, 'FW2016'), /32-bit integer/);
    assert.doesNotMatch(text('buffers.ts', 27, 'FW3007'), /rd8/);
    assert.match(text('buffers.ts', 27, 'FW3007'), /if \(i < T16\.length\)/);
    assert.doesNotMatch(text('buffers.ts', 13, 'FW1024'), /readonly table/);
    assert.match(text('syntax.ts', 80, 'FW1027'), /^case '1' repeats the value 1 of the earlier case '1'$/m);
    for (const [file, line, code] of [['syntax.ts', 57, 'FW1025'], ['syntax.ts', 74, 'FW1025'], ['syntax.ts', 66, 'FW1026'], ['syntax.ts', 80, 'FW1027']] as const) {
      assert.doesNotMatch(text(file, line, code), /rewrite it with the constructs listed/);
    }
  });

  // The fast tier (test/tier.ts) checks codegen/src only, a third of the files.
  it(`never throws on TypeScript that is not FwTS (${FAST_TIER ? 'codegen/, fast tier' : 'host/, codegen/, test/'})`, function () {
    this.timeout(300_000); // type-checks all of host/ and codegen/: minutes on a loaded machine
    const dirs = FAST_TIER ? ['codegen/src'] : ['host', 'codegen/src', 'test/unit'];
    const files = dirs.flatMap((d) => tsFilesUnder(path.join(REPO, d)));
    const fe = createFrontEnd(files);
    const sema = new Sema(fe.program);
    const sources = fe.program.getSourceFiles().filter((sf) => !sf.isDeclarationFile && !sema.isPrelude(sf) && !sf.fileName.includes('node_modules'));
    const diags = checkProgram(sema, sources);
    assert.ok(diags.length > 10, 'host code is full of constructs outside FwTS');
    const internal = diags.filter((d) => fwCode(d) === 'FW9001');
    assert.deepEqual(internal.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')), []);
  });
});
