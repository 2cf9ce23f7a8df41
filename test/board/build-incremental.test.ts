// Incremental board builds (host/board/build.ts, incremental.ts): with nothing changed nothing is
// lowered, compiled or linked; a touched but unchanged file changes nothing; a changed app
// function lowers the app alone (not the firmware) and compiles only its own module; new flags
// compile everything; and the rebuilt firmware runs the changed code.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBoard, type BuildResult } from '../../host/board/build.ts';
import { depFiles } from '../../host/board/incremental.ts';
import { connect } from '../../host/client/connect.ts';
import { REPO } from '../../host/repo.ts';

describe('board builds are incremental', function () {
  this.timeout(600_000);
  let tmp: string;
  let app: string;
  let out: string;
  const build = (extra: string[] = []): Promise<BuildResult> => buildBoard('native', { outDir: out, app, extraCflags: extra });

  before(() => {
    fs.mkdirSync(path.join(REPO, 'build'), { recursive: true }); // a fresh clone has no build/ yet
    tmp = fs.mkdtempSync(path.join(REPO, 'build', 'incremental-'));
    app = path.join(tmp, 'app');
    out = path.join(tmp, 'native');
    fs.mkdirSync(app);
    // The example app, its prelude import pointing at the same file from one folder deeper.
    const src = fs.readFileSync(path.join(REPO, 'examples/app/scale.ts'), 'utf8').replaceAll("'../../firmware/", "'../../../firmware/");
    fs.writeFileSync(path.join(app, 'scale.ts'), src);
  });
  after(() => { if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true }); });

  async function describeOf(r: BuildResult): Promise<number> {
    const s = await connect<{ describe(t: unknown): Promise<number> }>(`native:${r.output}`);
    try {
      return await s.functions.describe(await s.array(new Int32Array(3)));
    } finally {
      await s.close();
    }
  }

  it('builds everything once, then nothing while nothing changes (a touch included)', async () => {
    const first = await build();
    assert.deepEqual(first.lowered, ['firmware', 'app']);
    assert.equal(first.compiled, first.units.length);
    assert.equal(await describeOf(first), 103);
    const linked = fs.statSync(first.output).mtimeMs;
    const again = await build();
    assert.deepEqual([again.lowered, again.compiled], [[], 0]);
    const f = path.join(app, 'scale.ts');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8')); // new time, same content
    const touched = await build();
    assert.deepEqual([touched.lowered, touched.compiled], [[], 0]);
    assert.equal(fs.statSync(touched.output).mtimeMs, linked, 'linked again');
  });

  it('a changed app function lowers the app alone again and compiles only its module, and the firmware runs it', async () => {
    const f = path.join(app, 'scale.ts');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('return u32(x * 100);', 'return u32(x * 200);'));
    const r = await build();
    assert.deepEqual(r.lowered, ['app']);
    assert.equal(r.compiled, 1);
    assert.equal(await describeOf(r), 203);
  });

  it('a deleted object or different flags compile again what they affect', async () => {
    const before = await build();
    fs.rmSync(before.units[0]!.o);
    const one = await build();
    assert.deepEqual([one.lowered, one.compiled], [[], 1]);
    const flags = await build(['-DURPC_INCREMENTAL_TEST=1']);
    assert.equal(flags.compiled, flags.units.length);
    assert.equal(await describeOf(flags), 203);
  });

  it('side outputs of a compile (-fstack-usage .su, which urpc stack reads) are kept, and a missing one compiles its unit again', async () => {
    const su = (r: BuildResult): string[] => r.units.map((u) => u.o.replace(/\.o$/, '.su'));
    const first = await build(['-fstack-usage']);
    for (const f of su(first)) assert.ok(fs.existsSync(f), f);
    const again = await build(['-fstack-usage']);
    assert.equal(again.compiled, 0);
    for (const f of su(again)) assert.ok(fs.existsSync(f), `${f} removed by a no-op build`);
    fs.rmSync(su(again)[0]!);
    const one = await build(['-fstack-usage']);
    assert.equal(one.compiled, 1);
    assert.ok(fs.existsSync(su(one)[0]!));
  });

  it('reads the prerequisites of a -MMD rule', () => {
    assert.deepEqual(depFiles('obj/a.o: gen/a.c gen/a.h \\\n  gen/fw_rt.h\n', '/r'), ['/r/gen/a.c', '/r/gen/a.h', '/r/gen/fw_rt.h']);
    assert.deepEqual(depFiles('/x/b.o: /x/my\\ dir/b.c\n', '/r'), ['/x/my dir/b.c']);
  });
});
