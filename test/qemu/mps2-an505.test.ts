// Smoke test of the Cortex-M33 board (QEMU -M mps2-an505, CMSDK UART): handshake, echo, a
// 64 KiB tensor in one piece (this board's pool is 252 KiB), logs, the time evaluator.
// The CMSDK RX quirk (received bytes wait for QEMU's main loop) is handled by the board's 1 ms
// SysTick; the handshake deadline stays generous anyway. One boot, no retry: a board that sends
// its boot output and then never receives is a bug (it was: the host's first bytes arriving
// while RX was enabled but its interrupt masked; firmware/platform/cortex-m/uart.c rx_unmask()).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildBoard } from '../../host/board/build.ts';
import { connect } from '../../host/client/connect.ts';
import type { RpcSession } from '../../host/client/rpc-session.ts';
import { REPO } from '../../host/repo.ts';
import { QEMU_TOOLS, requireTools, ensureBoard, median } from './helpers.ts';

describe('qemu: mps2-an505 (Cortex-M33, CMSDK UART) smoke', function () {
  this.timeout(120_000);
  let s: RpcSession;
  before(async function () {
    requireTools(this, QEMU_TOOLS);
    await ensureBoard('qemu-mps2-an505');
    const t0 = Date.now();
    s = await connect('qemu:mps2-an505', { startTimeoutMs: 5_000 });
    console.log(`      mps2-an505: session open ${Date.now() - t0} ms after spawning QEMU`);
  });
  after(async () => {
    await s?.close();
  });

  it('handshake and info: the board, a 252 KiB pool', async () => {
    const info = await s.info();
    assert.equal(info.raw.board, 'qemu-mps2-an505');
    assert.equal(info.memTotal, 1008 * 256);
  });

  it('echo of every argument type, and its latency', async () => {
    assert.deepEqual(await s.functions.echo(1, 'two', 2.5, true, null, Uint8Array.of(9), 2n ** 60n), [1, 'two', 2.5, true, null, Uint8Array.of(9), 2n ** 60n]);
    const lat: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      await s.functions.echo(i);
      lat.push(performance.now() - t);
    }
    console.log(`      mps2-an505 over TCP: echo median ${median(lat).toFixed(2)} ms`);
  });

  it('a 64 KiB tensor round-trips byte-exact in one piece; logs; time evaluator', async () => {
    const data = Uint8Array.from({ length: 65536 }, (_, i) => (i * 7) & 0xff);
    const t0 = performance.now();
    const t = await s.array(data);
    const back = await t.copyTo();
    console.log(`      mps2-an505: 64 KiB up and back in ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(Buffer.compare(Buffer.from(back), Buffer.from(data)), 0);
    await t.free();
    const got: string[] = [];
    s.on('log', (x: string) => got.push(x));
    await s.functions.log(5, -6);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(got, ['urpc.log 5 -6']);
    const a = await s.array(new Int32Array(64).fill(2));
    // minRepeatMs: the board's tick is 1 ms and QEMU's guest clock can stall under host load, so a
    // repeat must span many ticks to measure more than 0.
    const r = await (await s.timeEvaluator('urpc.sum', { number: 500, repeat: 2, minRepeatMs: 20 }))(a);
    assert.ok(r.results.every((x) => x > 0 && x < 1), JSON.stringify(r));
  });

  it("receives when the host's first bytes arrive while RX is enabled and its interrupt still masked", async () => {
    // A build that busy-waits ~0.1 s (guest time) between the two at boot: the host's Terminate +
    // Init, sent as soon as QEMU connects, always land in that window. The CMSDK UART raises no
    // interrupt for a byte that arrived masked and takes no other byte meanwhile; before
    // rx_unmask() pended the interrupt for it, every such boot sent its boot output and never
    // received (4 of 4 boots).
    const r = await buildBoard('qemu-mps2-an505', {
      outDir: path.join(REPO, 'build', 'test', 'an505-rx-unmask-delay'), extraCflags: ['-DURPC_TEST_RX_UNMASK_DELAY=2000000u'],
    });
    for (let boot = 1; boot <= 2; boot++) {
      const d = await connect(`qemu:mps2-an505?elf=${r.output}`, { startTimeoutMs: 10_000 });
      try {
        assert.deepEqual(await d.functions.echo(boot, 'late unmask'), [boot, 'late unmask']);
      } finally {
        await d.close();
      }
    }
  });
});
