// The fuzz generator's coverage of the FwTS subset: the accepted syntax is read from the checker's
// own source (codegen/src/fuzz/allowlist.ts), and every accepted kind and every generator feature
// (conditionals of literals, widths, buffers and functions, switch edges, rebinding calls, init
// order, ...) must appear in some generated program. Generation only: about 20 s.
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acceptedSyntax, Coverage, FEATURES, fuzzCodegen } from '../../codegen/src/fuzz/index.ts';
import { syntaxOf } from '../../codegen/src/fuzz/coverage.ts';
import { REPO } from './helpers.ts';

const PROGRAMS = Number(process.env.URPC_FUZZ_COVERAGE ?? 300);

describe('fuzz-codegen: coverage of the accepted subset', function () {
  this.timeout(180_000);

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

  it('follows a change of the checker (a kind it starts to reject leaves the accepted list)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'urpc-allow-'));
    try {
      cpSync(path.join(REPO, 'codegen/src/check'), dir, { recursive: true });
      const f = path.join(dir, 'checker.ts');
      const src = readFileSync(f, 'utf8');
      const from = 'case ts.SyntaxKind.LabeledStatement: {';
      assert.ok(src.includes(from), 'the checker no longer dispatches LabeledStatement this way: update this test');
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

  it(`${PROGRAMS} generated programs: no accepted kind and no feature without a program`, async () => {
    const r = await fuzzCodegen({ programs: PROGRAMS, seed: 424242, generateOnly: true, workDir: path.join(REPO, 'build', 'test', 'fuzz-coverage') });
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
