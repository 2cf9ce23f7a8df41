// The typed C IR: the expression printer (emit/print.ts) owns every parenthesis, and pruning reads
// the names recorded in the IR. The printer is checked against gcc itself: random trees are
// printed, compiled with -Wparentheses -Werror and run, and must compute what the tree
// means (evaluated here in uint32 arithmetic).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { printExpr } from '../../codegen/src/emit/print.ts';
import {
  type CNode, type BinaryOp, name, call, cast, binary, unary, cond, index, comma, assign, lit, field, addressOf, dot, refs,
  dependsOnStorage, constName,
} from '../../codegen/src/lower/cexpr.ts';
import { pruneUnusedStatics } from '../../codegen/src/lower/prune.ts';
import { type Chunk, type CStmt, exprStmt, verbatim } from '../../codegen/src/lower/ir.ts';
import { U32, I32, U8 } from '../../codegen/src/lower/ctype.ts';
import { Rng } from '../../codegen/src/difftest/inputs.ts';
import { emitC } from '../../codegen/src/emit/emit.ts';
import { transpile } from '../../codegen/src/index.ts';
import { buildDir, REPO } from './helpers.ts';

const u = (v: number): CNode => lit(v, U32);

describe('codegen: C IR printer', () => {
  it('parenthesises a compound operand, never a whole argument, index or statement', () => {
    const ab = binary('+', name('a'), name('b'));
    assert.equal(printExpr(binary('*', ab, u(2))), '(a + b) * 2u');
    assert.equal(printExpr(binary('+', binary('*', name('a'), name('b')), u(2))), '(a * b) + 2u', 'no reliance on C precedence');
    assert.equal(printExpr(call('f', ab, index(name('t'), ab))), 'f(a + b, t[a + b])');
    assert.equal(printExpr(cast('uint8_t', ab)), '(uint8_t)(a + b)');
    assert.equal(printExpr(cast('uint8_t', call('f', name('x')))), '(uint8_t)f(x)');
    assert.equal(printExpr(cast('uint8_t', cast('uint16_t', name('x')))), '(uint8_t)(uint16_t)x');
    assert.equal(printExpr(unary('!', binary('<', name('a'), name('b')))), '!(a < b)');
    assert.equal(printExpr(cond(binary('>', name('a'), u(3)), u(7), ab)), '(a > 3u) ? 7u : (a + b)');
    assert.equal(printExpr(assign(name('x'), ab)), 'x = a + b');
  });

  it('keeps a comma in parentheses everywhere, and separates `- -1`', () => {
    assert.equal(printExpr(comma(cast('void', name('a')), lit(0, { k: 'bool' }))), '((void)a, false)');
    assert.equal(printExpr(call('f', comma(name('a'), name('b')))), 'f((a, b))');
    assert.equal(printExpr(unary('-', lit(-1, I32))), '-(-1)');
    assert.equal(printExpr(lit(-2147483648, I32)), '(-2147483647 - 1)');
    assert.equal(printExpr(lit(300, U32)), '300u');
    assert.equal(printExpr({ k: 'lit', value: 255, t: U8, written: '0xFF', name: 'MAX' }), '0xFFu /* MAX */');
  });

  it('reaches members through pointers and addresses', () => {
    assert.equal(printExpr(field(name('self'), 'n')), 'self->n');
    assert.equal(printExpr(field(addressOf(name('o')), 'n')), 'o.n');
    assert.equal(printExpr(dot(field(name('self'), 'out'), 'len')), 'self->out.len');
    assert.equal(printExpr(call({ k: 'member', x: dot(name('h'), 'vt'), name: 'run', arrow: true }, dot(name('h'), 'self'))), 'h.vt->run(h.self)');
    assert.equal(printExpr(field(cast('Sq *', name('p')), 'n')), '((Sq *)p)->n');
  });

  it('knows which values a C compiler may fold (a switch on them needs a temporary)', () => {
    assert.equal(dependsOnStorage(binary('*', u(11), constName('K'))), false);
    assert.equal(dependsOnStorage(binary('*', u(11), name('x'))), true);
    assert.equal(dependsOnStorage(binary('&&', comma(cast('void', name('x')), lit(0, { k: 'bool' })), name('y'))), false);
    assert.equal(dependsOnStorage(cond(name('c'), u(0), u(8))), true);
    assert.equal(dependsOnStorage(cond(lit(1, { k: 'bool' }), u(0), name('x'))), false);
    assert.equal(dependsOnStorage(call('fw_i16', constName('K'))), true);
    assert.deepEqual([...refs(call('f', binary('+', name('a'), constName('K'))))].sort(), ['K', 'a', 'f']);
  });

  it('prints random trees that gcc compiles warning-free and evaluates as the tree means', function () {
    this.timeout(120_000);
    const rng = new Rng(20261202);
    const vars = [0x12345678, 0xfffffff0, 7, 0x80000000];
    const names = vars.map((_, i) => `v${i}`);
    const ops: BinaryOp[] = ['+', '-', '*', '&', '|', '^', '<<', '>>', '<', '<=', '>', '>=', '==', '!=', '&&', '||'];
    // Every node is uint32_t-valued (comparisons and `!` are cast back), so C and JS agree.
    const gen = (depth: number): [CNode, number] => {
      if (depth === 0 || rng.range(0, 4) === 0) {
        if (rng.range(0, 1) === 0) { const k = rng.range(0, vars.length - 1); return [name(names[k]), vars[k]]; }
        const v = rng.range(0, 1) === 0 ? rng.range(0, 40) : rng.next();
        return [u(v), v];
      }
      const pick = rng.range(0, 9);
      if (pick === 0) { const [x, v] = gen(depth - 1); return [unary('~', x), ~v >>> 0]; }
      if (pick === 1) { const [x, v] = gen(depth - 1); return [unary('-', x), (-v) >>> 0]; }
      if (pick === 2) { const [x, v] = gen(depth - 1); return [cast('uint32_t', unary('!', x)), v === 0 ? 1 : 0]; }
      if (pick === 3) { const [x, v] = gen(depth - 1); return [cast('uint32_t', cast('uint8_t', x)), v & 0xff]; }
      if (pick === 4) {
        const [c, cv] = gen(depth - 1); const [a, av] = gen(depth - 1); const [b, bv] = gen(depth - 1);
        return [cond(c, a, b), cv !== 0 ? av : bv];
      }
      const op = ops[rng.range(0, ops.length - 1)];
      const [a, av] = gen(depth - 1);
      let [b, bv] = gen(depth - 1);
      if (op === '<<' || op === '>>') { b = binary('&', b, u(31)); bv &= 31; }
      const node = binary(op, a, b);
      switch (op) {
        case '+': return [node, (av + bv) >>> 0];
        case '-': return [node, (av - bv) >>> 0];
        case '*': return [node, Math.imul(av, bv) >>> 0];
        case '&': return [node, (av & bv) >>> 0];
        case '|': return [node, (av | bv) >>> 0];
        case '^': return [node, (av ^ bv) >>> 0];
        case '<<': return [node, (av << bv) >>> 0];
        case '>>': return [node, av >>> bv];
        case '<': return [cast('uint32_t', node), av < bv ? 1 : 0];
        case '<=': return [cast('uint32_t', node), av <= bv ? 1 : 0];
        case '>': return [cast('uint32_t', node), av > bv ? 1 : 0];
        case '>=': return [cast('uint32_t', node), av >= bv ? 1 : 0];
        case '==': return [cast('uint32_t', node), av === bv ? 1 : 0];
        case '!=': return [cast('uint32_t', node), av !== bv ? 1 : 0];
        case '&&': return [cast('uint32_t', node), av !== 0 && bv !== 0 ? 1 : 0];
        default: return [cast('uint32_t', node), av !== 0 || bv !== 0 ? 1 : 0];
      }
    };
    const trees = Array.from({ length: 300 }, () => gen(5));
    const dir = buildDir('cir-printer');
    const src = path.join(dir, 'print.c');
    fs.writeFileSync(src, [
      '#include <stdint.h>', '#include <stdio.h>',
      // volatile: the values are not known to the compiler (no constant folding, no -Wtype-limits).
      ...vars.map((v, i) => `static volatile uint32_t ${names[i]}_ = ${v}u;`),
      'int main(void) {',
      ...names.map((n) => `  uint32_t ${n} = ${n}_;`),
      ...trees.map(([t]) => `  printf("%lu\\n", (unsigned long)(uint32_t)(${printExpr(t)}));`),
      '  return 0;', '}', '',
    ].join('\n'));
    const exe = path.join(dir, 'print');
    execFileSync('gcc', ['-std=c99', '-Wparentheses', '-Werror', '-O0', '-o', exe, src], { stdio: 'pipe' });
    const got = execFileSync(exe, { encoding: 'utf8' }).trim().split('\n').map(Number);
    assert.deepEqual(got, trees.map(([, v]) => v));
  });
});

describe('codegen: pruning unused statics from the IR', () => {
  // A definition: its head (a name, not a use), and a body naming `uses`, nested in a statement.
  const def = (statik: string | undefined, ...uses: CNode[]): Chunk => {
    const body: CStmt[] = uses.length ? [{ k: 'if', c: name('c'), then: [exprStmt(uses.reduce((a, b) => comma(a, b)))] }] : [];
    return { static: statik, items: [verbatim(`/* ${statik ?? ''} */`), { k: 'func', name: statik ?? 'f', head: `void ${statik ?? 'f'}(void)`, body }] };
  };

  it('drops a static no other definition names, and what only it named', () => {
    const chunks = [
      def('helper', call('leaf')), def('leaf'), def('kept'), def(undefined, call('kept')),
      def('selfish', call('selfish')),
    ];
    const out = pruneUnusedStatics(chunks).map((c) => c.static);
    assert.deepEqual(out, ['kept', undefined]);
  });

  it('keeps a static named by a prototype-less user in another chunk (vtable -> thunk)', () => {
    const chunks = [def('thunk'), def('vt', name('thunk')), def('as', addressOf(name('vt'))), def(undefined, call('as'))];
    assert.deepEqual(pruneUnusedStatics(chunks).map((c) => c.static), ['thunk', 'vt', 'as', undefined]);
  });
});

describe('codegen: statement trees and their printer', () => {
  it('prints nesting as indentation, else-if chains, compact flag checks, switch cases and #line from src', () => {
    const x = name('x');
    const tree: CStmt[] = [{
      k: 'func', name: 'f', head: 'void f(uint32_t x)', src: 3, body: [
        { k: 'if', c: binary('<', x, u(1)), src: 4, then: [{ k: 'return', src: 5 }], else: {
          k: 'if', c: binary('<', x, u(2)), src: 6, then: [exprStmt(call('g', x))], else: [{ k: 'break' }],
        } },
        { k: 'switch', x, src: 9, cases: [{ label: u(1), src: 10, body: [{ k: 'decl', type: 'const int32_t', name: 'v', dims: '2', list: [lit(1, I32), lit(2, I32)] }] }, { src: 11 }] },
        { k: 'loop', body: [{ k: 'if', c: name('done'), then: [{ k: 'break' }], compact: true, src: 12 }] },
        { k: 'if', c: name('fw_continue_l'), then: [exprStmt(assign(name('fw_continue_l'), lit(0, { k: 'bool' }))), { k: 'continue' }], compact: true },
      ],
    }];
    assert.equal(emitC(tree, 'm.ts', 'm.c'), [
      '#line 3 "m.ts"',
      'void f(uint32_t x) {',
      '  if (x < 1u) {',
      '    return;',
      '  } else if (x < 2u) {',
      '    g(x);',
      '  } else {',
      '    break;',
      '  }',
      '#line 9 "m.ts"',
      '  switch (x) {',
      '    case 1u:',
      '    {',
      '      const int32_t v[2] = { 1, 2 };',
      '    }',
      '#line 11 "m.ts"',
      '    default:',
      '  }',
      '  for (;;) {',
      '#line 12 "m.ts"',
      '    if (done) break;',
      '  }',
      '  if (fw_continue_l) { fw_continue_l = false; continue; }',
      '}',
      '',
    ].join('\n'));
  });

  it('indents every generated line by its nesting (module_init temporaries, a decided && arm)', () => {
    const dir = buildDir('cir-indent');
    const fixture = path.join(dir, 'decided.ts');
    fs.writeFileSync(fixture, [
      `import { u8, u32, type Bytes } from '${path.relative(dir, path.join(REPO, 'firmware/lib/prelude.ts'))}';`,
      'let s: u32 = init();',
      'function init(): u32 { return u32(3); }',
      'function get(): u8 { return u8(s); }',
      'export function main(input: Bytes, output: Bytes): u32 {',
      '  if (input.length > 0) {',
      '    if (!(u8(1) > u8(2)) && get() !== u8(0)) return u32(1);',
      '  }',
      '  return u32(0);',
      '}',
      '',
    ].join('\n'));
    const r = transpile([fixture], { outDir: dir });
    assert.ok(r.ok, r.format(false));
    const c = r.files.get('decided.c')!;
    let depth = 0;
    for (const l of c.split('\n')) {
      if (l.startsWith('#') || l.trim() === '') continue;
      const closes = l.trim().startsWith('}') ? 1 : 0;
      assert.equal(l.length - l.trimStart().length, 2 * (depth - closes), `indentation of ${JSON.stringify(l)} in\n${c}`);
      for (const ch of l) { if (ch === '{') depth++; else if (ch === '}') depth--; }
    }
    assert.match(c, /\n {2}uint32_t fw_t0 = init\(\);\n/);
  });
});
