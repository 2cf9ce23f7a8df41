// The firmware on an emulated Cortex-M3 (QEMU -M lm3s6965evb, 64 KiB RAM, PL011 UART over a TCP
// socket): the behavioural suite of test/e2e unchanged (its 64 KiB round trip as two 32 KiB
// tensors: the board's pool is 44 KiB), then what only a board shows: a reset mid-call via the
// QEMU monitor (SessionResetError, then the session re-opens), the link figures, `urpc qemu`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect } from '../../host/client/connect.ts';
import type { RemoteSession } from '../../host/client/remote.ts';
import { SessionResetError } from '../../host/client/session.ts';
import { REPO } from '../../host/repo.ts';
import type { QemuTransport } from '../../host/transport/qemu.ts';
import { behaviourSuite } from '../e2e/behaviour-suite.ts';
import { QEMU_TOOLS, requireTools, ensureBoard, median } from './helpers.ts';


describe('qemu: lm3s6965evb (Cortex-M3, PL011)', function () {
  this.timeout(120_000);
  before(async function () {
    requireTools(this, QEMU_TOOLS);
    const r = await ensureBoard('qemu-lm3s6965evb');
    assert.ok(r.sizes !== undefined && r.sizes.flash < 256 * 1024 && r.sizes.ram < 64 * 1024);
  });

  behaviourSuite('RemoteSession(qemu:lm3s6965evb)', () => connect('qemu:lm3s6965evb'), { minPool: 40 * 1024, maxTensorBytes: 32 * 1024 });

  describe('board', () => {
    let s: RemoteSession;
    before(async () => {
      s = (await connect('qemu:lm3s6965evb')) as RemoteSession;
    });
    after(async () => {
      await s?.close();
    });

    it('handshake: the device names the board and its 44 KiB pool', async () => {
      const info = await s.info();
      assert.equal(info.raw.board, 'qemu-lm3s6965evb');
      assert.equal(info.memTotal, 176 * 256);
    });

    it('compact mode: int calls round-trip in at most 24 wire bytes each way', async () => {
      assert.equal(s.session.compact, true, 'the firmware answers session version 3');
      const echo = await s.getFunction('urpc.echo');
      for (const v of [0, -5, 123456789, -(2n ** 63n)]) {
        const [tx, rx] = [s.session.txBytes, s.session.rxBytes];
        assert.equal(await echo(v), v);
        const [req, rep] = [s.session.txBytes - tx, s.session.rxBytes - rx];
        if (typeof v === 'number') assert.ok(req <= 24 && rep <= 24, `echo(${v}): ${req} / ${rep} wire bytes`);
      }
      await (await s.getFunction('urpc.log'))(1, 2); // a void function of two ints
    });

    it('a frame cut mid-payload, then a small request: the device answers at once (bytes gather mid-frame only until an escape byte comes)', async () => {
      // board.c lets a frame's payload gather in the UART ring before feeding the stack. A frame
      // start (0xFF 0xFD) must end the wait: here a 2000-byte frame stops after 100 bytes and a
      // 20-byte echo request follows, far fewer bytes than the cut frame still "needs". The
      // request is answered without a retransmission (the RTO is held at 3 s, the deadline 1.5 s).
      const c = (await connect('qemu:lm3s6965evb', { rto: { initialMs: 3000, minMs: 3000 }, timeoutMs: 1500 })) as RemoteSession;
      try {
        assert.deepEqual(await c.functions.echo(1), [1]);
        const cut = new Uint8Array(2 + 4 + 100);
        cut.set([0xff, 0xfd, 2000 & 0xff, 2000 >> 8, 0, 0]);
        await c.session.transport.write(cut);
        const t0 = performance.now();
        assert.deepEqual(await c.functions.echo(2), [2]);
        assert.equal(c.session.retransmissions, 0);
        assert.ok(performance.now() - t0 < 1000, `answered after ${performance.now() - t0} ms`);
      } finally {
        await c.close();
      }
    });

    it('a reset mid-call (QEMU monitor system_reset) gives SessionResetError; the next call re-opens', async () => {
      const a = await s.array(new Int32Array(256).fill(1));
      const first = s.session.sessionId;
      // Seconds on the device: 250 repeats of at least 1 s, stopped by the evaluator's 5 s budget (a
      // request whose warm-up call predicts more than the budget is refused at once instead).
      const te = await s.timeEvaluator('urpc.sum', { number: 1, repeat: 250, minRepeatMs: 1000 });
      const pending = te(a);
      await new Promise((r) => setTimeout(r, 300));
      await (s.session.transport as QemuTransport).reset();
      await assert.rejects(pending, (e: unknown) => e instanceof SessionResetError);
      assert.deepEqual(await s.functions.echo(7, 'after reset'), [7, 'after reset']);
      assert.equal(s.session.resets, 1);
      assert.notEqual(s.session.sessionId, first);
      const b = await s.array(new Uint8Array(8).fill(3));
      assert.equal(await s.functions.sum(b), 24);
    });

    it('link figures: echo latency and 64 KiB goodput each way (printed; loose bounds)', async () => {
      const lat: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        await s.functions.echo(i);
        lat.push(performance.now() - t);
      }
      const n = 32 * 1024;
      const data = Uint8Array.from({ length: n }, (_, i) => i & 0xff);
      let up = 0;
      let down = 0;
      for (let k = 0; k < 2; k++) {
        let t = performance.now();
        const arr = await s.array(data);
        up += performance.now() - t;
        t = performance.now();
        await arr.copyTo();
        down += performance.now() - t;
        await arr.free();
      }
      const kibs = (ms: number): number => 64 / (ms / 1000);
      console.log(`      qemu lm3s6965evb over TCP: echo median ${median(lat).toFixed(2)} ms (min ${Math.min(...lat).toFixed(2)}), ` +
        `64 KiB goodput host->device ${kibs(up).toFixed(1)} KiB/s, device->host ${kibs(down).toFixed(1)} KiB/s`);
      assert.ok(median(lat) < 50, `echo median ${median(lat)} ms`);
      assert.ok(kibs(up) > 2 && kibs(down) > 2);
    });
  });

  describe('urpc qemu', () => {
    it('prints a tcp: URI that connect() opens; SIGTERM stops it and QEMU with it', async () => {
      const cli = spawn(process.execPath, [path.join(REPO, 'bin/urpc.js'), 'qemu', '--board', 'lm3s6965evb'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const uri = await new Promise<string>((resolve, reject) => {
        cli.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /uri: (tcp:\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        cli.once('exit', (c) => reject(new Error(`urpc qemu exited ${c}: ${out}`)));
      });
      const pid = Number(/pid (\d+)/.exec(out)?.[1]);
      const s = await connect(uri);
      assert.deepEqual(await s.functions.echo(1, 'tcp'), [1, 'tcp']);
      assert.equal((await s.info()).raw.board, 'qemu-lm3s6965evb');
      await s.close();
      const exited = new Promise((r) => cli.once('exit', r));
      cli.kill('SIGTERM');
      await exited;
      await new Promise((r) => setTimeout(r, 200));
      const state = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] : undefined;
      assert.ok(state === undefined || state === 'Z', `QEMU ${pid} still running (state ${state})`);
    });

    it('names the build command when the image is missing, and unknown boards', async () => {
      const run = (args: string[]): Promise<{ code: number | null; err: string }> => new Promise((resolve) => {
        const p = spawn(process.execPath, [path.join(REPO, 'bin/urpc.js'), 'qemu', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let err = '';
        p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
        p.once('exit', (code) => resolve({ code, err }));
      });
      const a = await run(['--board', 'lm3s6965evb', '--elf', '/nonexistent.elf']);
      assert.equal(a.code, 2);
      assert.match(a.err, /does not exist; build it with: urpc build --board qemu-lm3s6965evb/);
      const b = await run(['--board', 'nosuch']);
      assert.equal(b.code, 2);
      assert.match(b.err, /unknown QEMU board 'nosuch'/);
    });
  });
});
