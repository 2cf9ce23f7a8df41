// `urpc qemu` says what happened (issue 14 item 8) and a panicking device is named (item 9):
// "firmware panic: Bounds at app/boot.ts:4", not "connection closed" or "exit status 3".
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBoard } from '../../host/board/build.ts';
import { REPO } from '../../host/repo.ts';
import { qemuEnding } from '../../host/cli/qemu.ts';
import { panicKind, panicOfNativeExit, panicOfQemuStatus } from '../../host/client/panic.ts';
import { QEMU_TOOLS, requireTools } from '../qemu/helpers.ts';
import { urpcAsync, watchOutput } from './subprocess.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

/** An app whose module initialiser panics (Bounds) at boot: uncontained, the firmware stops. */
const PANIC_APP = `import { u32, panic, Panic } from '../../../firmware/lib/prelude.ts';

function boom(): u32 {
  panic(u32(Panic.Bounds));
  return u32(0);
}

const SEED: u32 = boom();

/** The seed. */
export function seed(): u32 {
  return SEED;
}
`;
const DIR = path.join(REPO, 'build', 'test-panic');

function writeApp(): string {
  const app = path.join(DIR, 'app');
  fs.mkdirSync(app, { recursive: true });
  fs.writeFileSync(path.join(app, 'boot.ts'), PANIC_APP);
  return app;
}

describe('panics and QEMU endings: naming', () => {
  it('panic kinds, semihosting exit statuses and the native stderr line', () => {
    assert.equal(panicKind(1), 'Bounds');
    assert.equal(panicKind(2), 'DivZero');
    assert.equal(panicKind(0x100), 'code 256');
    assert.equal(panicOfQemuStatus(17), 'firmware panic: Bounds');
    assert.equal(panicOfQemuStatus(0), undefined);
    assert.equal(panicOfQemuStatus(1), undefined);
    assert.equal(panicOfNativeExit(3, 'urpc native firmware: panic 2 at ../../app/x.ts:9\n'), 'firmware panic: DivZero at ../../app/x.ts:9');
    assert.equal(panicOfNativeExit(0, ''), undefined);
  });
  it('how urpc qemu reports QEMU ending', () => {
    assert.deepEqual(qemuEnding(null, 'SIGKILL', false), { message: 'qemu was killed (SIGKILL)', exitCode: 1 });
    assert.deepEqual(qemuEnding(null, 'SIGKILL', true), { message: 'qemu stopped', exitCode: 0 });
    assert.deepEqual(qemuEnding(17, null, false), { message: 'firmware panic: Bounds (qemu exit status 17)', exitCode: 1 });
    assert.deepEqual(qemuEnding(0, null, false), { message: 'qemu exited (status 0)', exitCode: 0 });
  });
});

describe('a panicking native device is named (subprocess)', function () {
  this.timeout(600_000); // a firmware build on a shared machine
  let fw: string;
  before(async () => {
    const r = await buildBoard('native', { app: writeApp(), outDir: path.join(DIR, 'native') });
    fw = r.output;
  });

  it('urpc call: "firmware panic: Bounds at app/boot.ts:4", exit 2', async () => {
    const r = await urpcAsync(['call', `native:${fw}`, 'echo', '1']);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /^urpc call: firmware panic: Bounds at \S*app\/boot\.ts:4: native:/m);
  });
});

describe('urpc qemu (subprocess)', function () {
  this.timeout(600_000);
  before(function () {
    requireTools(this, QEMU_TOOLS);
  });

  it('a --tcp port something else holds is reported before anything says running (exit 2)', async () => {
    const holder = net.createServer(() => undefined);
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    const elf = path.join(DIR, 'dummy.elf');
    fs.mkdirSync(DIR, { recursive: true });
    fs.writeFileSync(elf, 'not run');
    try {
      const r = await urpcAsync(['qemu', '--board', 'lm3s6965evb', '--tcp', String(port), '--elf', elf]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.doesNotMatch(r.out, /running/);
      assert.match(r.err, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
    } finally {
      holder.close();
    }
  });

  it('a QEMU killed from outside is reported as killed (exit 1)', async () => {
    const built = await buildBoard('qemu-lm3s6965evb');
    const p = spawn(process.execPath, [URPC, 'qemu', '--board', 'lm3s6965evb', '--elf', built.output]);
    let out = '';
    let err = '';
    p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    const running = new Promise<number>((resolve, reject) => {
      p.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /\(pid (\d+)\) running[\s\S]*uri: /.exec(out);
        if (m) resolve(Number(m[1]));
      });
      p.once('close', () => reject(new Error(`urpc qemu ended before running: ${out} ${err}`)));
    });
    try {
      process.kill(await running, 'SIGKILL');
      const code = await new Promise<number | null>((resolve) => p.once('close', resolve));
      assert.equal(code, 1, out + err);
      assert.match(err, /urpc qemu: qemu was killed \(SIGKILL\)/);
    } finally {
      p.kill('SIGKILL');
    }
  });

  // lm3s6965evb under -nodefaults always warns ("nic stellaris_enet.0 has no peer") while the
  // machine is made, before the firmware runs: once a call has been answered the warning is in
  // urpc qemu's pipe (read at once: its loop is idle), so after Ctrl-C its stderr holds the warning
  // with -v, and nothing without: the filter at work, not a QEMU that had said nothing yet.
  let live: ReturnType<typeof spawn> | undefined; // killed after a test that failed on mocha's timeout too
  afterEach(() => { live?.kill('SIGKILL'); live = undefined; });
  for (const verbose of [true, false]) {
    it(`QEMU's own warnings reach stderr ${verbose ? 'with -v' : 'only with -v (hidden without)'}`, async () => {
      const built = await buildBoard('qemu-lm3s6965evb');
      const p = spawn(process.execPath, [URPC, 'qemu', '--board', 'lm3s6965evb', '--elf', built.output, ...(verbose ? ['-v'] : [])]);
      live = p;
      const out = watchOutput(p.stdout);
      const err = watchOutput(p.stderr);
      const closed = new Promise<number | null>((resolve) => p.once('close', resolve));
      const uri = (await out.until(/uri: (tcp:\S+)/, 'the URI'))[1]!;
      const c = await urpcAsync(['call', uri, 'urpc.echo', '7']);
      assert.equal(c.code, 0, c.out + c.err);
      p.kill('SIGINT');
      assert.equal(await closed, 0, out.text() + err.text());
      assert.match(out.text(), /qemu stopped/);
      if (verbose) assert.match(err.text(), /^qemu-system-arm: warning: nic \S+ has no peer$/m);
      else assert.equal(err.text(), '');
    });
  }

  it('a QEMU board that panics at boot: "firmware panic: Bounds" (urpc qemu, and connect(qemu:...))', async () => {
    const built = await buildBoard('qemu-lm3s6965evb', { app: writeApp(), outDir: path.join(DIR, 'qemu') });
    const q = await urpcAsync(['qemu', '--board', 'lm3s6965evb', '--elf', built.output]);
    assert.equal(q.code, 1, q.out + q.err);
    assert.match(q.err, /firmware panic: Bounds \(qemu exit status 17\)/);
    const c = await urpcAsync(['call', `qemu:lm3s6965evb?elf=${built.output}`, 'echo', '1']);
    assert.equal(c.code, 2, c.out + c.err);
    assert.match(c.err, /firmware panic: Bounds/);
  });
});
