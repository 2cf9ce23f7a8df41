// The Cortex-M3 image (qemu-lm3s6965evb) linked with urpc.echo as its only built-in device
// function besides the system ones (host/board/builtins.ts), against the default image with all
// of them: the left-out functions' modules, symbols and names are not in the image, which is
// smaller by at least what those modules took in the full one; in QEMU a TVM-style session opens,
// urpc.echo answers and urpc.add / urpc.info are missing functions.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { buildBoard, type BuildResult } from '../../host/board/build.ts';
import { connect } from '../../host/client/connect.ts';
import { RpcError } from '../../host/client/client.ts';
import { REPO } from '../../host/repo.ts';
import { qemuLink } from '../microtvm-host/link.ts';
import { checkTvmHost } from '../board/builtins-tvm.ts';
import { QEMU_TOOLS, requireTools, ensureBoard } from './helpers.ts';

const run = promisify(execFile);
/** Modules of the built-ins left out (urpc.echo stays), the time evaluator's with them. */
const LEFT_OUT = ['timeeval', 'evaluator', 'f64', 'tensor_ops', 'info', 'device_log', 'sleep'];

async function symbols(elf: string): Promise<string[]> {
  const { stdout } = await run('arm-none-eabi-nm', [elf], { maxBuffer: 1 << 24 });
  return stdout.split('\n').map((l) => l.trim().split(/\s+/)[2]).filter((s): s is string => s !== undefined);
}

/** The bytes the board's flash holds (no debug sections). */
async function flashBytes(elf: string): Promise<Buffer> {
  const bin = `${elf}.bin`;
  await run('arm-none-eabi-objcopy', ['-O', 'binary', elf, bin]);
  return fs.readFileSync(bin);
}

describe('qemu: lm3s6965evb with urpc.echo as its only built-in', function () {
  this.timeout(300_000);
  let full: BuildResult;
  let echo: BuildResult;
  let tmp: string;
  before(async function () {
    requireTools(this, [...QEMU_TOOLS, 'arm-none-eabi-nm', 'arm-none-eabi-objcopy']);
    fs.mkdirSync(path.join(REPO, 'build'), { recursive: true });
    tmp = fs.mkdtempSync(path.join(REPO, 'build', 'builtins-m3-'));
    full = await ensureBoard('qemu-lm3s6965evb');
    echo = await buildBoard('qemu-lm3s6965evb', { outDir: tmp, builtins: ['urpc.echo'] });
  });
  after(() => { if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true }); });

  it('the left-out functions\' modules and symbols are not linked; the full image has them', async () => {
    const has = (r: BuildResult): string[] => r.sizes!.modules.filter((m) => m.text + m.data > 0).map((m) => m.module);
    for (const m of LEFT_OUT) {
      assert.ok(has(full).includes(m), `the full image links ${m}`);
      assert.ok(!has(echo).includes(m), `the echo image links ${m}`);
    }
    const prefix = new RegExp(`^(${LEFT_OUT.join('|')})_`);
    assert.ok((await symbols(full.output)).some((s) => prefix.test(s)));
    assert.deepEqual((await symbols(echo.output)).filter((s) => prefix.test(s)), []);
    assert.ok((await symbols(echo.output)).includes('echo_fnEcho'));
  });

  it('their names and signatures are not in flash', async () => {
    const fullFlash = await flashBytes(full.output);
    const echoFlash = await flashBytes(echo.output);
    for (const name of ['urpc.add\0', 'runtime.RPCTimeEvaluator\0', 'urpc.info\0', '(tensor a) -> int\0']) {
      assert.ok(fullFlash.includes(name), `the full image holds ${JSON.stringify(name)}`);
      assert.ok(!echoFlash.includes(name), `the echo image holds ${JSON.stringify(name)}`);
    }
    assert.ok(echoFlash.includes('urpc.echo\0'));
  });

  it('the image is smaller by at least what the left-out modules took in the full one', () => {
    const took = full.sizes!.modules.filter((m) => LEFT_OUT.includes(m.module)).reduce((a, m) => a + m.text + m.data, 0);
    const saved = full.sizes!.flash - echo.sizes!.flash;
    assert.ok(took > 3000, `the left-out modules took ${took} B`);
    assert.ok(saved >= took, `flash ${full.sizes!.flash} -> ${echo.sizes!.flash}: ${saved} B saved, the left-out modules took ${took} B`);
    // The rest of the saving: the shorter name and signature tables and handler table.
    const names = (r: BuildResult): number => r.sizes!.modules.find((m) => m.module === 'names')!.text;
    assert.ok(names(echo) < names(full) / 4, `names ${names(full)} -> ${names(echo)}`);
  });

  it('in QEMU: a TVM-style session opens, urpc.echo answers, urpc.add and urpc.info are missing', async () => {
    await checkTvmHost(await qemuLink('lm3s6965evb', echo.output, ['-semihosting-config', 'enable=on,target=native'], 30000));
    const s = await connect(`qemu:lm3s6965evb?elf=${echo.output}`);
    try {
      assert.equal(await s.call('urpc.echo', 'on the M3'), 'on the M3');
      for (const name of ['urpc.add', 'urpc.info']) {
        await assert.rejects(s.call(name), (e: unknown) => e instanceof RpcError && new RegExp(`the device has no function '${name}'$`).test(e.message));
      }
      assert.equal(await s.call('urpc.echo', 2), 2);
    } finally {
      await s.close();
    }
  });
});
