// urpc outside its repository, as a new user gets it: `npm pack` (prepack compiles dist/), the
// tarball installed in a temporary folder outside the repository (nothing of the checkout on the
// module path: no NODE_PATH, no NODE_OPTIONS loader, no npm_* variables of the running npm), then
// `npx urpc init p`, and in p: the tarball installed, `npm test`, `npm start`, and tsc on host
// scripts that call the app through its generated types. Dependencies come from npm's cache where
// it has them (--prefer-offline: the versions of this repository's package-lock).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from '../../host/repo.ts';

interface Run { code: number | null; out: string }

/** The environment of a user's shell: none of this test run's loaders or npm settings. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('npm_') || k.startsWith('NPM_') || k === 'NODE_OPTIONS' || k === 'NODE_PATH' || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return env;
}

/** Runs a command (no shell), output interleaved; killed after `timeoutMs`. */
function run(cmd: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    p.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => { clearTimeout(t); resolve({ code, out }); });
  });
}

async function ok(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await run(cmd, args, cwd);
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${r.out}`);
  return r.out;
}

const NPM_I = ['install', '--prefer-offline', '--no-audit', '--no-fund'];

/** A host script of the project that calls the app through its generated types. */
const script = (body: string): string => [
  "import { connect } from 'urpc';",
  "import type { AppFunctions } from '../app/app.d.ts';",
  "const s = await connect<AppFunctions>('native');",
  body,
  'await s.close();',
  '',
].join('\n');

describe('the urpc package outside its repository (npm pack, install, urpc init)', function () {
  this.timeout(900_000);
  let tmp: string;
  let tarball: string;
  let p: string;
  const t0 = Date.now();

  before(async () => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-package-')));
    assert.ok(path.relative(REPO, tmp).startsWith('..'), `${tmp} is inside the repository`);
    // Its own package.json: npm installs here, not into a package.json further up.
    fs.writeFileSync(path.join(tmp, 'package.json'), '{ "name": "urpc-package-test", "private": true }\n');
    await ok('npm', ['pack', '--pack-destination', tmp], REPO);
    const packed = fs.readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
    assert.equal(packed.length, 1, packed.join(' '));
    tarball = path.join(tmp, packed[0]!);
    await ok('npm', [...NPM_I, tarball], tmp);
  });
  after(() => {
    console.log(`    (package test: ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('ships compiled JavaScript without tests or host sources, and runs without tsx', async () => {
    const pkg = path.join(tmp, 'node_modules', 'urpc');
    assert.ok(fs.existsSync(path.join(pkg, 'dist/host/cli/main.js')));
    assert.ok(fs.existsSync(path.join(pkg, 'firmware/lib/prelude.ts')), 'the FwTS sources ship');
    for (const absent of ['test', 'host', 'bench', 'codegen/src', 'node_modules/tsx']) {
      assert.ok(!fs.existsSync(path.join(pkg, absent)), `${absent} is in the package`);
    }
    assert.ok(!fs.existsSync(path.join(tmp, 'node_modules', 'tsx')), 'tsx was installed as a dependency');
    const help = await ok(path.join(tmp, 'node_modules/.bin/urpc'), ['--help'], tmp);
    assert.match(help, /^ {2}init <dir> /m);
    const api = await ok(process.execPath, ['--input-type=module', '-e',
      "const m = await import('urpc'); console.log(import.meta.resolve('urpc'), typeof m.connect, typeof m.NDArray, typeof m.RemoteError)"], tmp);
    assert.equal(api.trim(), `file://${pkg}/dist/host/index.js function function function`);
  });

  it('urpc init p; in p with the tarball installed: npm test (its tsc included), npm start, call local --app, a build with fewer built-ins and difftest pass', async () => {
    await ok('npx', ['urpc', 'init', 'p'], tmp);
    p = path.join(tmp, 'p');
    await ok('npm', [...NPM_I, tarball], p);
    // A second host script, type-checked by npm test's tsc with the project's own.
    fs.writeFileSync(path.join(p, 'host', 'good.ts'), script('const n: number = await s.functions.madd(1, 2, 3);\nconsole.log(n);'));
    const test = await ok('npm', ['test'], p);
    assert.match(test, /# pass 3\b/);
    assert.match(test, /# fail 0\b/);
    const start = await ok('npm', ['start'], p);
    assert.match(start, /^ts2c: build\/native\/gen is up to date$/m, 'npm test built the same board: nothing to lower again');
    assert.match(start, /^madd\(6, 7, 100\) = 142$/m);
    assert.match(start, /^total\(\[1, 2, 3, 4\]\) = 10$/m);
    // The app's FwTS in-process, without tsx (host/ts-loader.ts): what the native board answered.
    const local = await ok('npx', ['urpc', 'call', 'local', '--app', 'app', 'madd', '6', '7', '100'], p);
    assert.equal(local.trim(), '142');
    // Fewer built-ins from the installed package: the build's own tables import the package's firmware.
    await ok('npx', ['urpc', 'build', '--board', 'native', '--app', 'app', '--builtins', 'urpc.echo', '--out', 'build/few'], p);
    assert.equal((await ok('npx', ['urpc', 'call', 'native:build/few/firmware', 'urpc.echo', '5'], p)).trim(), '5');
    assert.equal((await ok('npx', ['urpc', 'call', 'native:build/few/firmware', 'madd', '6', '7', '100'], p)).trim(), '142');
    const noAdd = await run('npx', ['urpc', 'call', 'native:build/few/firmware', 'urpc.add'], p);
    assert.equal(noAdd.code, 1, noAdd.out);
    assert.match(noAdd.out, /the device has no function 'urpc.add'/);
    // urpc difftest of a FwTS module that imports urpc/fwts: Node (the package's JavaScript) against its C.
    fs.mkdirSync(path.join(p, 'dt'));
    fs.writeFileSync(path.join(p, 'dt', 'sum.ts'), [
      "import { u8, u32, wr8, type Bytes } from 'urpc/fwts';",
      'export function main(input: Bytes, output: Bytes): u32 {',
      '  let s: u32 = u32(0);',
      '  for (let i = u32(0); i < input.length; i++) {',
      '    s = u32(s + input[i]);',
      '  }',
      '  wr8(output, 0, u8(s));',
      '  return u32(1);',
      '}',
      '',
    ].join('\n'));
    const dt = await ok('npx', ['urpc', 'difftest', 'dt/sum.ts', '--cases', '20'], p);
    assert.match(dt, /^OK .*: \d+ cases x \d+ builds, 0 mismatching cases, 0 sanitizer reports, 0 build failures, 0 Node errors/m);
  });

  it('a host script calling the app through its generated types type-checks (above); a wrong argument type or an unknown function fails tsc', async () => {
    assert.ok(p !== undefined, 'needs the project of the test before');
    fs.writeFileSync(path.join(p, 'host', 'bad.ts'), script("await s.functions.madd(1, 'two', 3);\nawait s.functions.mad(1, 2, 3);"));
    const r = await run('npx', ['tsc', '-p', '.'], p);
    assert.notEqual(r.code, 0, r.out);
    const errors = r.out.split('\n').filter((l) => l.includes('error TS'));
    assert.equal(errors.length, 2, r.out);
    assert.match(errors[0]!, /^host\/bad\.ts\(4,\d+\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'/);
    assert.match(errors[1]!, /^host\/bad\.ts\(5,\d+\): error TS(2339|2551): Property 'mad' does not exist/);
  });
});
