// The checker and the lowering must never throw, whatever TypeScript they are given: mutants of
// real FwTS modules (lines deleted, duplicated, swapped, identifiers and operators replaced) go
// through transpile(). Each either gets diagnostics (never the internal FW9001) or lowers to C
// that compiles under the strict flags.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { transpile } from '../../codegen/src/index.ts';
import { fwCode } from '../../codegen/src/check/report.ts';
import { REPO, buildDir, compileAll } from './helpers.ts';

const SOURCES = process.env.URPC_MUTANT_SOURCES?.split(',') ?? ['firmware/framing/crc16.ts', 'firmware/memory/page_allocator.ts', 'test/codegen/fixtures/shapes.ts'];
const OPERATORS = ['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>', '>>>', '<', '<=', '===', '!==', '==', '&&', '||', '?', '=', '+='];

type Mutation =
  | { k: 'delete'; at: number }
  | { k: 'duplicate'; at: number }
  | { k: 'swap'; at: number; with: number }
  | { k: 'ident'; at: number; pick: number }
  | { k: 'operator'; at: number; pick: number };

function mutate(src: string, muts: readonly Mutation[]): string {
  const lines = src.split('\n');
  const words = [...new Set(src.match(/\b[A-Za-z_]\w*\b/g) ?? [])];
  for (const m of muts) {
    const i = m.at % lines.length;
    switch (m.k) {
      case 'delete': lines.splice(i, 1); break;
      case 'duplicate': lines.splice(i, 0, lines[i]); break;
      case 'swap': { const j = m.with % lines.length; [lines[i], lines[j]] = [lines[j], lines[i]]; break; }
      case 'ident': lines[i] = lines[i].replace(/\b[A-Za-z_]\w*\b/, words[m.pick % words.length]); break;
      case 'operator': lines[i] = lines[i].replace(/[+\-*&|^<>=!]+/, OPERATORS[m.pick % OPERATORS.length]); break;
    }
  }
  return lines.join('\n');
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ k: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ k: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ k: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ k: fc.constant('ident' as const), at: fc.nat(), pick: fc.nat() }),
  fc.record({ k: fc.constant('operator' as const), at: fc.nat(), pick: fc.nat() }),
);

describe('codegen: robustness on broken and foreign TypeScript', function () {
  this.timeout(300_000);
  for (const rel of SOURCES) {
    it(`mutants of ${rel}: diagnostics or compilable C, never a throw`, () => {
      const dir = buildDir(`mutants-${path.basename(rel, '.ts')}`);
      // Keep relative imports working: the mutant sits where the original does.
      const original = path.join(REPO, rel);
      const target = path.join(path.dirname(original), `.mutant-${path.basename(rel)}`);
      let lowered = 0;
      try {
        fc.assert(
          fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (muts) => {
            fs.writeFileSync(target, mutate(fs.readFileSync(original, 'utf8'), muts));
            const r = transpile([target], { outDir: dir });
            const internal = r.diagnostics.filter((d) => fwCode(d) === 'FW9001');
            assert.deepEqual(internal.map((d) => r.format(false)), []);
            if (r.ok) {
              compileAll(dir, 'gcc', ['-O0']);
              lowered++;
            }
            for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f));
          }),
          { numRuns: Number(process.env.URPC_MUTANTS ?? 25), seed: Number(process.env.URPC_MUTANT_SEED ?? 20261121) },
        );
      } finally {
        fs.rmSync(target, { force: true });
      }
      assert.ok(lowered >= 0);
    });
  }
});
