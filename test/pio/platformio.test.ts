// PlatformIO boards without PlatformIO (its registry is unreachable here): every env of
// platformio.ini points at sources that exist; for each ARM env's CPU the generated C and the
// portable platform core are cross-compiled with Debian's arm-none-eabi-gcc (strict warnings,
// the env's -D flags), linked with --gc-sections, and .text/.data/.bss printed; `urpc flash`
// drives a fake `pio` that records its arguments.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transpile } from '../../codegen/src/index.ts';
import { readEnvs, BOARD_CPUS } from '../../host/pio/ini.ts';
import { REPO } from '../../host/repo.ts';
import { ciBuild } from '../../host/pio/ci_build.ts';
import { requireTools } from '../qemu/helpers.ts';

const { ini, envs } = readEnvs();

describe('platformio.ini', () => {
  it('has envs for an STM32 Nucleo, the nRF52840 DK, the Pico and an ESP32, on the Arduino framework', () => {
    assert.deepEqual(envs.map((e) => e.board).sort(), ['esp32dev', 'nrf52840_dk_adafruit', 'nucleo_f401re', 'pico']);
    for (const e of envs) {
      assert.equal(e.framework, 'arduino', e.name);
      assert.ok(e.platform !== '', `${e.name}: platform`);
      assert.ok(e.buildFlags.some((f) => f.startsWith('-DURPC_MEMORY_BYTES=')), `${e.name}: URPC_MEMORY_BYTES`);
      assert.ok(e.name in BOARD_CPUS || e.board in BOARD_CPUS, `${e.name}: known board`);
    }
  });

  it('every env points at sources that exist', () => {
    const srcDir = path.join(REPO, ini.get('platformio')?.get('src_dir') ?? 'src');
    for (const f of ['urpc_port.h', 'urpc_port.c', 'urpc_arduino.cpp']) assert.ok(fs.existsSync(path.join(srcDir, f)), f);
    assert.ok(fs.existsSync(path.join(REPO, 'firmware/device.ts')));
    for (const e of envs) {
      assert.ok(e.extraScripts.length > 0, `${e.name}: extra_scripts`);
      for (const s of e.extraScripts) assert.ok(fs.existsSync(path.join(REPO, s)), `${e.name}: ${s}`);
    }
    const script = fs.readFileSync(path.join(REPO, 'scripts/pio_urpc.py'), 'utf8');
    assert.match(script, /bin", "urpc\.js"\), "ts2c"/);
  });
});

describe('PlatformIO envs: CI cross-build of the firmware and the portable platform layer', function () {
  this.timeout(180_000);
  let gen: string;
  let tmp: string;
  before(function () {
    requireTools(this, ['arm-none-eabi-gcc']);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-pio-'));
    gen = path.join(tmp, 'gen');
    const r = transpile([path.join(REPO, 'firmware/device.ts')], { outDir: gen });
    assert.ok(r.ok, r.format(false));
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const e of envs) {
    const cpu = BOARD_CPUS[e.board];
    if (cpu === undefined) {
      it(`${e.name} (${e.board}): not ARM, no cross compiler here; its sources are checked above`, () => undefined);
      continue;
    }
    it(`${e.name} (${e.board}, ${cpu.cflags[0]}): compiles with -Werror, links, fits`, async () => {
      const b = await ciBuild(e, gen, path.join(tmp, e.name));
      for (const [file, err] of Object.entries(b.stderr)) assert.equal(err, '', `${file}: ${err}`);
      const s = b.size.sections;
      console.log(`      ${e.name}: .text ${s.text}  .data ${s.data}  .bss ${s.bss}  (flash ${s.text + s.data} of ${cpu.flash / 1024} KiB, RAM ${s.data + s.bss} of ${cpu.ram / 1024} KiB; startup code of the Arduino core not included)`);
      assert.ok(s.text + s.data < cpu.flash && s.data + s.bss < cpu.ram);
      assert.ok(b.size.modules.some((m) => m.module === 'session' && m.text > 0), 'per-module sizes from the map');
    });
  }
});

describe('scripts/pio_urpc.py with custom_urpc_app and custom_urpc_builtins (SCons stubbed: no PlatformIO here)', function () {
  this.timeout(180_000);
  let tmp: string;
  before(function () {
    requireTools(this, ['python3', 'arm-none-eabi-gcc']);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-pio-app-'));
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** scripts/pio_urpc.py as PlatformIO runs it (Import("env") gives the env) in a project `project`
   * whose platformio.ini has custom_urpc_dir (urpc's checkout) and `options`. */
  function runScript(project: string, options: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
    const stub = [
      'import sys, json',
      'project, urpc, options, script = sys.argv[1:5]',
      'class Env:',
      '    def subst(self, s): return project if s == "$PROJECT_DIR" else s',
      '    def GetProjectOption(self, k, d=None): return dict(json.loads(options), custom_urpc_dir=urpc).get(k, d)',
      '    def Append(self, **kw): print("Append", kw)',
      '    def Prepend(self, **kw): print("Prepend", kw)',
      '    def BuildLibrary(self, d, src): print("BuildLibrary", src); return "urpc_gen"',
      'g = {"Import": lambda name: None, "env": Env(), "__file__": script}',
      'exec(compile(open(script).read(), script, "exec"), g)',
    ].join('\n');
    return new Promise((resolve) => {
      const p = spawn('python3', ['-c', stub, project, REPO, JSON.stringify(options), path.join(REPO, 'scripts/pio_urpc.py')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
      p.once('exit', (code) => resolve({ code, out, err }));
    });
  }
  function nmOf(elf: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const p = spawn('arm-none-eabi-nm', [elf], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      p.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`nm exited ${code}`))));
    });
  }

  it("lowers the firmware with the app's functions, and the env's image links them", async () => {
    const r = await runScript(tmp, { custom_urpc_app: path.join(REPO, 'examples/app') });
    assert.equal(r.code, 0, r.err);
    const gen = path.join(tmp, 'build', 'pio', 'gen');
    assert.match(r.out, /app functions: scale, addBytes, describe, isNegative, fillBytes/);
    assert.ok(r.out.includes(`BuildLibrary ${gen}`), r.out);
    assert.ok(fs.existsSync(path.join(gen, 'scale.c')), "the app's module is lowered into the library's folder");
    // Cross-built for the Pico's Cortex-M0+ with the env's flags: the app's functions are in the image.
    const pico = envs.find((e) => e.name === 'pico')!;
    const b = await ciBuild(pico, gen, path.join(tmp, 'pico'));
    for (const [file, err] of Object.entries(b.stderr)) assert.equal(err, '', `${file}: ${err}`);
    const nm = await nmOf(b.elf);
    for (const f of ['scale', 'addBytes', 'fillBytes']) assert.match(nm, new RegExp(`\\bscale_${f}\\b`), `${f} linked`);
  });

  it('custom_urpc_builtins: the env\'s image links only the listed built-ins (and the system functions)', async () => {
    const project = path.join(tmp, 'builtins');
    fs.mkdirSync(project, { recursive: true });
    const r = await runScript(project, { custom_urpc_builtins: 'urpc.echo,\n  urpc.info' });
    assert.equal(r.code, 0, r.err);
    const gen = path.join(project, 'build', 'pio', 'gen');
    const pico = envs.find((e) => e.name === 'pico')!;
    const b = await ciBuild(pico, gen, path.join(project, 'pico'));
    for (const [file, err] of Object.entries(b.stderr)) assert.equal(err, '', `${file}: ${err}`);
    const nm = await nmOf(b.elf);
    assert.match(nm, /\becho_fnEcho\b/);
    assert.match(nm, /\binfo_fnInfo\b/);
    assert.doesNotMatch(nm, /\b(tensor_ops|timeeval|evaluator|f64|sleep|device_log)_\w+/);
    // An unknown name: the script fails with urpc's message.
    const bad = await runScript(project, { custom_urpc_builtins: 'urpc.echo urpc.nope' });
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /urpc ts2c: the --builtins option: 'urpc.nope' is not a built-in device function/);
  });

  it('urpc ts2c --app with an app that does not type-check: status 1 and the error, no C', async () => {
    const app = path.join(tmp, 'bad-app');
    fs.mkdirSync(app, { recursive: true });
    const prelude = path.relative(app, path.join(REPO, 'firmware/lib/prelude.ts')).split(path.sep).join('/');
    fs.writeFileSync(path.join(tmp, 'package.json'), '{ "type": "module" }\n'); // as an init project's
    fs.writeFileSync(path.join(app, 'bad.ts'), `import { u32 } from '${prelude}';\nexport function bad(x: u32): u32 { return x * x; }\n`);
    const out = path.join(tmp, 'bad-gen');
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const p = spawn(process.execPath, [path.join(REPO, 'bin/urpc.js'), 'ts2c', path.join(REPO, 'firmware/device.ts'), '-o', out, '--app', app], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
      p.once('exit', (code) => resolve({ code, err }));
    });
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /urpc ts2c: app .*bad-app does not type-check:\n.*bad\.ts\(2,\d+\): error TS2322/);
    assert.doesNotMatch(r.err, /TS1295/);
    assert.ok(!fs.existsSync(path.join(out, 'bad.c')));
  });
});

describe('urpc flash (fake pio on PATH)', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-fakepio-'));
    fs.writeFileSync(path.join(dir, 'pio'), `#!/bin/sh\necho "$PWD|$*" >> "${dir}/calls.txt"\necho "fake pio: $*"\nexit \${FAKE_PIO_STATUS:-0}\n`, { mode: 0o755 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const urpc = (args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> =>
    new Promise((resolve) => {
      const p = spawn(process.execPath, [path.join(REPO, 'bin/urpc.js'), 'flash', ...args], { env: { ...process.env, URPC_PIO: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
      p.once('exit', (code) => resolve({ code, out, err }));
    });
  const calls = (): string[] => (fs.existsSync(path.join(dir, 'calls.txt')) ? fs.readFileSync(path.join(dir, 'calls.txt'), 'utf8').trim().split('\n') : []);

  it('runs pio run -e <env> -t upload --upload-port <port> in the repository, then the monitor', async () => {
    const r = await urpc(['--board', 'pico', '--port', '/dev/ttyACM0', '--monitor'], { PATH: `${dir}${path.delimiter}${process.env.PATH}` });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(calls(), [`${REPO}|run -e pico -t upload --upload-port /dev/ttyACM0`, `${REPO}|device monitor -e pico -p /dev/ttyACM0 -b 115200`]);
    assert.match(r.out, /fake pio: run -e pico -t upload/);
  });

  it("reports pio's failure with status 1 and skips the monitor", async () => {
    fs.rmSync(path.join(dir, 'calls.txt'), { force: true });
    const r = await urpc(['--board', 'nucleo_f401re', '--monitor'], { PATH: `${dir}${path.delimiter}${process.env.PATH}`, FAKE_PIO_STATUS: '3' });
    assert.equal(r.code, 1);
    assert.match(r.err, /pio exited with status 3/);
    assert.deepEqual(calls(), [`${REPO}|run -e nucleo_f401re -t upload`]);
  });

  it('a clear message when pio is missing, and for an unknown env', async () => {
    const noPio = (process.env.PATH ?? '').split(path.delimiter).filter((d) => !onPathIn(d, 'pio') && !onPathIn(d, 'platformio')).join(path.delimiter);
    const r = await urpc(['--board', 'pico'], { PATH: noPio });
    assert.equal(r.code, 2);
    assert.match(r.err, /PlatformIO Core \(`pio`\) is not on PATH/);
    const u = await urpc(['--board', 'uno'], { PATH: `${dir}${path.delimiter}${process.env.PATH}` });
    assert.equal(u.code, 2);
    assert.match(u.err, /no env 'uno' in platformio.ini; envs: nucleo_f401re, nrf52840_dk, pico, esp32dev/);
  });
});

function onPathIn(dir: string, tool: string): boolean {
  return dir !== '' && fs.existsSync(path.join(dir, tool));
}
