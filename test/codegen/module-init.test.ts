// <module>_module_init (codegen/src/driver.ts elideInits): a module whose init has nothing to do,
// itself or through its imports, gets an empty init and its importers stop calling it; one with
// work, or importing one with work, keeps its once-only init and its calls in import order; a
// `@replaceable` module (the app table a board build swaps) always counts as having work.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { transpile } from '../../codegen/src/index.ts';
import { compileAll, buildDir, REPO } from './helpers.ts';

/** The body of prefix_module_init in the generated C, without #line directives. */
function initBody(c: string, prefix: string): string[] {
  const lines = c.split('\n');
  const at = lines.indexOf(`void ${prefix}_module_init(void) {`);
  assert.ok(at >= 0, `${prefix}_module_init not found`);
  const end = lines.indexOf('}', at);
  return lines.slice(at + 1, end).filter((l) => !l.startsWith('#line')).map((l) => l.trim());
}

describe('codegen: module inits with nothing to do are elided', () => {
  it('empties pure chains, keeps the ones that reach an initialiser, and runs those in order', function () {
    this.timeout(60_000);
    const dir = buildDir('module-init');
    const prelude = (_f: string) => path.relative(dir, path.join(REPO, 'firmware/lib/prelude.ts'));
    const files: Record<string, string[]> = {
      // leaf with a runtime initialiser
      'leaf.ts': [`import { u32 } from '${prelude('leaf.ts')}';`, 'export let seen: u32 = start();', 'function start(): u32 { return u32(7); }'],
      // no initialiser, imports leaf: must keep calling it
      'mid.ts': [`import { u32 } from '${prelude('mid.ts')}';`, "import { seen } from './leaf.ts';", 'export function get(): u32 { return seen; }'],
      // no initialiser anywhere below
      'pure.ts': [`import { u32 } from '${prelude('pure.ts')}';`, 'export function one(): u32 { return u32(1); }'],
      'purer.ts': [`import { u32 } from '${prelude('purer.ts')}';`, "import { one } from './pure.ts';", 'export function two(): u32 { return u32(one() + 1); }'],
      // swapped at link time: always called
      'swap.ts': [`import { u32 } from '${prelude('swap.ts')}';`, '/** @replaceable */', 'export function three(): u32 { return u32(3); }'],
      'top.ts': [
        `import { u8, u32, wr8, type Bytes } from '${prelude('top.ts')}';`,
        "import { get } from './mid.ts';", "import { two } from './purer.ts';", "import { three } from './swap.ts';",
        'export function main(input: Bytes, output: Bytes): u32 {',
        '  wr8(output, u32(0), u8(get() + two() + three() + input.length));',
        '  return u32(1);',
        '}',
      ],
    };
    for (const [f, lines] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), lines.join('\n') + '\n');
    const r = transpile([path.join(dir, 'top.ts')], { outDir: dir });
    assert.ok(r.ok, r.format(false));
    const c = (m: string) => r.files.get(`${m}.c`)!;
    assert.deepEqual(initBody(c('pure'), 'pure'), []);
    assert.deepEqual(initBody(c('purer'), 'purer'), []);
    assert.deepEqual(initBody(c('mid'), 'mid'), ['static bool done = false;', 'if (done) return;', 'done = true;', 'leaf_module_init();']);
    assert.deepEqual(initBody(c('swap'), 'swap'), ['static bool done = false;', 'if (done) return;', 'done = true;']);
    assert.deepEqual(initBody(c('top'), 'top').filter((l) => l.endsWith('_module_init();')), ['mid_module_init();', 'swap_module_init();']);
    // The C builds warning-free and computes what Node does: 7 + 2 + 3 + 0.
    compileAll(dir, 'gcc', ['-O2']);
    fs.writeFileSync(path.join(dir, 'run_main.c'), [
      '#include <stdio.h>', '#include <stdlib.h>', '#include "top.h"',
      'void fw_panic_at(uint32_t code, const char *file, uint32_t line) { (void)file; (void)line; exit((int)code + 100); }',
      'int main(void) { uint8_t out[1] = {0}; top_module_init(); fw_bytes o = { out, 1u }; fw_bytes i = { out, 0u };',
      '  (void)top_main(i, o); printf("%u\\n", (unsigned)out[0]); return 0; }', '',
    ].join('\n'));
    const exe = path.join(dir, 'run');
    const objs = fs.readdirSync(dir).filter((f) => f.endsWith('.gcc.o')).map((f) => path.join(dir, f));
    execFileSync('gcc', ['-std=c99', '-I', dir, path.join(dir, 'run_main.c'), ...objs, '-o', exe], { stdio: 'pipe' });
    assert.equal(execFileSync(exe, { timeout: 10_000 }).toString().trim(), '12');
  });
});
