// The fuzz generator's coverage of the FwTS subset: the accepted syntax is read from the checker's
// own source (codegen/src/fuzz/allowlist-gen.ts, checked in as allowlist-data.ts so the fuzzer needs
// no .ts source at run time), and every accepted kind and every generator feature
// (conditionals of literals, widths, buffers and functions, switch edges, rebinding calls, init
// order, ...) must appear in some generated program. Generation only: about 20 s.
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allowList, Coverage, FEATURES, fuzzCodegen } from '../../codegen/src/fuzz/index.ts';
import { acceptedSyntax, ALLOW_LIST_FILE, renderAllowList } from '../../codegen/src/fuzz/allowlist-gen.ts';
import { ts } from '../../codegen/src/program.ts';
import { syntaxOf } from '../../codegen/src/fuzz/coverage.ts';
import { REPO } from './helpers.ts';

const PROGRAMS = Number(process.env.URPC_FUZZ_COVERAGE ?? 300);

describe('fuzz-codegen: coverage of the accepted subset', function () {
  this.timeout(360_000);

  it('reads the accepted kinds from the checker source, per site', () => {
    const a = acceptedSyntax();
    for (const [site, k] of [['stmt', 'SwitchStatement'], ['stmt', 'LabeledStatement'], ['expr', 'ConditionalExpression'], ['expr', 'ElementAccessExpression'],
      ['top', 'InterfaceDeclaration'], ['member', 'Constructor'], ['binop', 'GreaterThanGreaterThanGreaterThanToken'], ['prefix', 'TildeToken']] as const) {
      assert.ok(a.accepted[site].includes(k), `${site}:${k} not accepted: ${a.accepted[site].join(' ')}`);
    }
    for (const [site, k] of [['stmt', 'ForOfStatement'], ['stmt', 'TryStatement'], ['expr', 'ArrowFunction'], ['binop', 'SlashToken'], ['binop', 'EqualsEqualsToken'], ['prefix', 'PlusPlusToken'], ['member', 'GetAccessor']] as const) {
      assert.ok(!a.accepted[site].includes(k), `${site}:${k} should be rejected`);
      assert.ok(a.rejected[site].includes(k), `${site}:${k} not in the rejected list`);
    }
    assert.deepEqual(a.unmapped, []);
  });

  it('the checked-in allow-list (allowlist-data.ts) is the one the checker source gives now', () => {
    const now = acceptedSyntax();
    assert.deepEqual(allowList(), now, 'run `npm run gen:allowlist` and commit codegen/src/fuzz/allowlist-data.ts');
    assert.equal(readFileSync(ALLOW_LIST_FILE, 'utf8'), renderAllowList(now), 'run `npm run gen:allowlist`');
    // Every checker module is read: each family with a kind dispatch contributes its site.
    assert.ok(now.accepted.top.includes('ClassDeclaration') && now.accepted.member.includes('PropertyDeclaration'), 'declarations.ts');
    assert.ok(now.accepted.stmt.includes('ForStatement') && now.accepted.expr.includes('CallExpression'), 'statements.ts, expressions.ts');
    assert.ok(now.rejected.binop.includes('SlashToken') && now.rejected.prefix.includes('PlusPlusToken'), 'integers.ts');
  });

  it('fuzz-codegen reads no checker source at run time (an installed package has only dist/)', () => {
    // The static imports reachable from the fuzzer's entry: allowlist-gen.ts (which reads
    // codegen/src/check/*.ts) must not be among them.
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const imp of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        if (imp.fileName.startsWith('.')) visit(path.resolve(path.dirname(file), imp.fileName));
      }
    };
    visit(path.join(REPO, 'codegen/src/fuzz/index.ts'));
    assert.ok(seen.has(path.join(REPO, 'codegen/src/fuzz/allowlist-data.ts')));
    assert.ok(!seen.has(path.join(REPO, 'codegen/src/fuzz/allowlist-gen.ts')), [...seen].join('\n'));
  });

  it('follows a change of the checker (a kind it starts to reject leaves the accepted list)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'urpc-allow-'));
    try {
      cpSync(path.join(REPO, 'codegen/src/check'), dir, { recursive: true });
      // The statement family (codegen/src/check/statements.ts) dispatches it.
      const from = 'case ts.SyntaxKind.LabeledStatement: {';
      const f = readdirSync(dir).map((n) => path.join(dir, n)).find((p) => p.endsWith('.ts') && readFileSync(p, 'utf8').includes(from));
      assert.ok(f, 'the checker no longer dispatches LabeledStatement this way: update this test');
      const src = readFileSync(f, 'utf8');
      writeFileSync(f, src.replace(from, `case ts.SyntaxKind.LabeledStatement: {\n        this.report(s, 1001, ['labels']);`));
      const a = acceptedSyntax(dir);
      assert.ok(!a.accepted.stmt.includes('LabeledStatement'));
      assert.ok(a.rejected.stmt.includes('LabeledStatement'));
      assert.ok(acceptedSyntax().accepted.stmt.includes('LabeledStatement'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('places nodes in their context (condition, index, target, case label, loop body)', () => {
    const t = syntaxOf(['function f(b: Bytes, c: boolean, k: u32): void {', '  for (let i = u32(0); i < b.length; i++) { b[c ? 1 : 0] = u8(k); }', '  switch (k) { case -1: break; }', '}'].join('\n'));
    for (const want of ['expr\tConditionalExpression\tindex', 'expr\tElementAccessExpression\ttarget', 'prefix\tMinusToken\tcase-label', 'stmt\tExpressionStatement\tloop', 'binop\tLessThanToken\tcondition', 'stmt\tBreakStatement\tcase']) {
      assert.ok(t.has(want), `${want.replace(/\t/g, ' ')} not found in ${[...t].join(' | ')}`);
    }
  });

  it(`${PROGRAMS} generated programs (floats on): no accepted kind and no feature without a program`, async () => {
    const r = await fuzzCodegen({ programs: PROGRAMS, seed: 424242, generateOnly: true, gen: { floats: true }, workDir: path.join(REPO, 'build', 'test', 'fuzz-coverage') });
    assert.equal(r.coverage.programs, PROGRAMS);
    assert.deepEqual(r.coverage.zero, []);
    const rows = r.coverage.syntax.length;
    assert.ok(rows >= 50, `only ${rows} accepted kinds`);
    for (const f of Object.keys(FEATURES)) assert.ok(r.coverage.features[f]! > 0, f);
  });

  it('a feature the generator is told to avoid shows up as a zero row', async () => {
    const r = await fuzzCodegen({ programs: 30, seed: 424242, generateOnly: true, gen: { avoid: ['cond-fn', 'switch-edge'] }, workDir: path.join(REPO, 'build', 'test', 'fuzz-coverage-avoid') });
    assert.ok(r.coverage.zero.includes('feature:cond-fn'), r.coverage.zero.join(' '));
    assert.ok(r.coverage.zero.includes('feature:switch-edge-u8'), r.coverage.zero.join(' '));
    // A Coverage that sees no program has every row at zero.
    assert.equal(new Coverage().report().zero.length, new Coverage().report().syntax.length + Object.keys(FEATURES).length);
  });
});
