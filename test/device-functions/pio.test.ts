// The PlatformIO boards' port (firmware/platform/arduino/urpc_port.c, with the panic trap of
// firmware/platform/common/trap.h) cross-compiled with the firmware's C including the test app,
// for each ARM env's CPU (Cortex-M4 and M0+): -Werror clean, linked, and the image keeps the trap
// (contain_trapCall, setjmp/longjmp from newlib). No board runs it here (no PlatformIO offline).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { readEnvs, BOARD_CPUS } from '../../host/pio/ini.ts';
import { ciBuild } from '../../host/pio/ci_build.ts';
import { requireTools } from '../qemu/helpers.ts';
import { withApp } from './helpers.ts';

const run = promisify(execFile);

describe('PlatformIO ports with a user app: the panic trap cross-compiles and links', function () {
  this.timeout(300_000);
  let gen: string;
  let tmp: string;
  before(async function () {
    requireTools(this, ['arm-none-eabi-gcc']);
    gen = path.join(path.dirname(await withApp('native')), 'gen');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'urpc-pio-app-'));
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const e of readEnvs().envs.filter((x) => BOARD_CPUS[x.board] !== undefined)) {
    it(`${e.name} (${BOARD_CPUS[e.board]!.cflags[0]})`, async () => {
      const b = await ciBuild(e, gen, path.join(tmp, e.name));
      for (const [file, err] of Object.entries(b.stderr)) assert.equal(err, '', `${file}: ${err}`);
      assert.ok(fs.existsSync(path.join(gen, 'panics.c')), 'the app is in the C');
      const { stdout } = await run('arm-none-eabi-nm', [b.elf]);
      for (const sym of ['contain_trapCall', 'contain_callApp', 'longjmp', 'setjmp', 'panics_quotient']) {
        assert.match(stdout, new RegExp(`\\s${sym}$`, 'm'), `${sym} linked`);
      }
    });
  }
});
