// urpc init as a user runs it (a real subprocess; no npm install here: test/package runs the
// project): what it writes, the versions it pins, the platformio.ini it derives, and its refusals.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { urpcAsync } from './subprocess.ts';
import { REPO } from '../../host/repo.ts';
import { readEnvs, BOARD_CPUS } from '../../host/pio/ini.ts';
import { appModules, AppError } from '../../host/app/modules.ts';
import { buildBoard } from '../../host/board/build.ts';
import { ciBuild } from '../../host/pio/ci_build.ts';
import { requireTools } from '../tools.ts';

describe('urpc init', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-init-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes the project, its app types and a platformio.ini of urpc\'s envs pointing into node_modules/urpc', async () => {
    const dir = path.join(tmp, 'My Project');
    const r = await urpcAsync(['init', dir]);
    assert.equal(r.code, 0, r.err);
    const files = ['.gitignore', 'README.md', 'app/app.d.ts', 'app/math.ts', 'app/tsconfig.json', 'host/main.ts', 'package.json',
      'platformio.ini', 'test/app.test.ts', 'tsconfig.json'];
    for (const f of files) assert.ok(fs.existsSync(path.join(dir, f)), f);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const urpc = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    assert.equal(pkg.name, 'my-project');
    assert.equal(pkg.type, 'module');
    assert.deepEqual(pkg.dependencies, { urpc: `^${urpc.version}` });
    assert.deepEqual(pkg.devDependencies, { '@types/node': urpc.devDependencies['@types/node'], tsx: urpc.devDependencies.tsx, typescript: urpc.dependencies.typescript });
    assert.ok(!JSON.stringify(pkg).includes('{{'), 'a placeholder left');
    assert.match(fs.readFileSync(path.join(dir, 'app/app.d.ts'), 'utf8'), /import type \{ NDArray \} from 'urpc';[\s\S]*madd\(a: number, b: number, c: number\): Promise<number>;/);
    const { ini, envs } = readEnvs(path.join(dir, 'platformio.ini'));
    assert.deepEqual(envs.map((e) => e.name), readEnvs().envs.map((e) => e.name));
    assert.equal(ini.get('env')?.get('custom_urpc_dir'), 'node_modules/urpc');
    assert.equal(ini.get('env')?.get('custom_urpc_app'), 'app');
    for (const e of envs) assert.deepEqual(e.extraScripts, ['node_modules/urpc/scripts/pio_urpc.py'], e.name);
    assert.equal(ini.get('platformio')?.get('src_dir'), 'node_modules/urpc/firmware/platform/arduino');
  });

  it("its platformio.ini names urpc's boards with the same envs, platforms, frameworks and flags as urpc's own", async () => {
    const dir = path.join(tmp, 'ini');
    const r = await urpcAsync(['init', dir]);
    assert.equal(r.code, 0, r.err);
    const mine = readEnvs(path.join(dir, 'platformio.ini'));
    const urpc = readEnvs(path.join(REPO, 'platformio.ini'));
    const facts = (e: (typeof urpc.envs)[number]): unknown => ({ name: e.name, platform: e.platform, board: e.board, framework: e.framework, buildFlags: e.buildFlags });
    assert.ok(urpc.envs.length >= 4, 'urpc lists its boards');
    assert.deepEqual(mine.envs.map(facts), urpc.envs.map(facts));
    for (const k of ['framework', 'monitor_speed', 'build_flags']) assert.equal(mine.ini.get('env')?.get(k), urpc.ini.get('env')?.get(k), `[env] ${k}`);
    assert.equal(mine.ini.get('platformio')?.get('build_dir'), urpc.ini.get('platformio')?.get('build_dir'));
  });

  // PlatformIO's registry is unreachable here (and in CI): the project's own CI cross-build
  // (host/pio/ci_build.ts, as test/pio uses it) stands in for `pio run -e pico`. The C is the one
  // `npm start` builds in the project (urpc build --board native --app app: firmware and app merged).
  it("the CI cross-build builds the init project's app for its pico env with arm-none-eabi-gcc (-Werror, linked, the app kept)", async function () {
    this.timeout(600_000); // two builds on a shared machine
    requireTools(this, ['gcc', 'arm-none-eabi-gcc']);
    const dir = path.join(tmp, 'cross');
    const r = await urpcAsync(['init', dir]);
    assert.equal(r.code, 0, r.err);
    const out = path.join(dir, 'build', 'native');
    await buildBoard('native', { app: path.join(dir, 'app'), outDir: out });
    const env = readEnvs(path.join(dir, 'platformio.ini')).envs.find((e) => e.name === 'pico');
    assert.ok(env !== undefined && BOARD_CPUS[env.board] !== undefined, 'a pico env for an ARM CPU');
    const b = await ciBuild(env, path.join(out, 'gen'), path.join(dir, 'build', 'ci-pico'));
    for (const [file, err] of Object.entries(b.stderr)) assert.equal(err, '', `${file}: ${err}`);
    assert.equal(b.cpu, 'cortex-m0plus');
    assert.ok(b.cflags.includes('-DURPC_BOARD_NAME="pico"'), b.cflags.join(' '));
    // The app's module (app/math.ts: C prefix math_mod, not to hide <math.h>) and its registry are
    // in the linked image, not only compiled.
    for (const m of ['math_mod', 'app_registry']) assert.ok(b.size.modules.some((x) => x.module === m && x.text > 0), `${m} linked: ${b.size.modules.map((x) => x.module).join(', ')}`);
    assert.ok(b.size.flash < b.flashTotal && b.size.ram < b.ramTotal);
  });

  it('refuses a folder that is not empty (exit 2), and writes nothing into it', async () => {
    const dir = path.join(tmp, 'full');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'mine');
    const r = await urpcAsync(['init', dir]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^urpc init: .*full is not empty$/m);
    assert.deepEqual(fs.readdirSync(dir), ['keep.txt']);
    const usage = await urpcAsync(['init']);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /missing required argument 'dir'/);
  });

  it('an app module named app.ts is refused (tsc would take app.d.ts, the host types, for it)', () => {
    const dir = path.join(tmp, 'clash');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'app.ts'), 'export {};\n');
    assert.throws(() => appModules(dir), (e: unknown) => e instanceof AppError && /rename app\.ts/.test(e.message));
  });
});
