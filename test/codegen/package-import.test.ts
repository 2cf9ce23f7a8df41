// `urpc/fwts`: a user's FwTS module imports the prelude and the Tensor API by the package name
// (codegen/src/program.ts packageModule). It lowers to the same C as the relative import, from
// a folder outside the repository with no node_modules (the name resolves in this urpc), and
// only the prelude may be re-exported (how firmware/app/api.ts offers it).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transpile } from '../../codegen/src/index.ts';
import { FW_CODE_BASE } from '../../codegen/src/check/report.ts';
import { REPO, STRICT_C, compileAll } from './helpers.ts';

const SCALE = (from: string): string => `import { u32, i32, imul32, Tensor, DType, fail } from '${from}';

export function scale(t: Tensor, k: i32): i32 {
  if (!t.is(DType.Int, u32(32))) {
    fail(u32(1));
    return i32(0);
  }
  let sum: i32 = i32(0);
  for (let i = u32(0); i < t.count(); i++) {
    const v: i32 = imul32(t.getI32(i), k);
    t.setI32(i, v);
    sum = i32(sum + v);
  }
  return sum;
}
`;

describe('codegen: the urpc/fwts package import', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-fwts-'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function lower(source: string): ReturnType<typeof transpile> & { out: string } {
    fs.writeFileSync(path.join(dir, 'scale.ts'), source);
    const out = fs.mkdtempSync(path.join(dir, 'gen-'));
    return Object.assign(transpile([path.join(dir, 'scale.ts')], { outDir: out }), { out });
  }

  it('lowers like the relative import of firmware/app/api.ts, outside the repository, and compiles warning-free', () => {
    const pkg = lower(SCALE('urpc/fwts'));
    assert.ok(pkg.ok, pkg.format(false));
    const rel = lower(SCALE(path.relative(dir, path.join(REPO, 'firmware/app/api.ts')).split(path.sep).join('/')));
    assert.ok(rel.ok, rel.format(false));
    assert.deepEqual([...pkg.files.keys()].sort(), ['api.c', 'api.h', 'fw_rt.h', 'scale.c', 'scale.h']);
    for (const [name, text] of rel.files) assert.equal(pkg.files.get(name), text, `${name} differs`);
    assert.equal(pkg.modules.get(path.join(REPO, 'firmware/app/api.ts')), 'api');
    compileAll(pkg.out, 'gcc', STRICT_C);
  });

  it('the host API (urpc) is not a FwTS module, and only the prelude may be re-exported', () => {
    const host = lower("import { connect } from 'urpc';\nexport const c = connect;\n");
    assert.ok(!host.ok);
    assert.ok(host.diagnostics.some((d) => d.code === FW_CODE_BASE + 1020 || d.code === 2307), host.format(false));
    fs.writeFileSync(path.join(dir, 'other.ts'), "import { u32 } from 'urpc/fwts';\nexport function one(): u32 { return u32(1); }\n");
    const re = lower("export * from './other.ts';\n");
    assert.ok(!re.ok);
    assert.deepEqual(re.diagnostics.map((d) => d.code), [FW_CODE_BASE + 1020], re.format(false));
  });
});
