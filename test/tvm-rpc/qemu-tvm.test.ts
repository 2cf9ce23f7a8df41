// A Cortex-M3 board in QEMU behind `urpc serve qemu:lm3s6965evb --tvm` (a subprocess), driven by
// the independent TVM client: handshake, kInitServer, calls, and a tensor moved in blocks under
// the board's own GetCRTMaxPacketSize, byte-exact.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureBoard, requireTools, QEMU_TOOLS } from '../qemu/helpers.ts';
import { TvmRpcClient, tensorRoundTrip } from './tvm-client.ts';
import { int } from '../microtvm-host/minrpc.ts';

const URPC = fileURLToPath(new URL('../../bin/urpc.js', import.meta.url));

describe('urpc serve qemu:lm3s6965evb --tvm (TVM client -> TCP -> serve -> QEMU UART)', function () {
  this.timeout(180_000);
  before(async function () {
    requireTools(this, QEMU_TOOLS);
    await ensureBoard('qemu-lm3s6965evb');
  });

  it('serves the QEMU board to a TVM client: calls and a tensor split by the board\'s packet limit', async () => {
    let p: ChildProcess | undefined;
    try {
      p = spawn(process.execPath, [URPC, 'serve', 'qemu:lm3s6965evb', '--tvm', '--key', 'lm3s', '--listen', '127.0.0.1:0']);
      let out = '';
      let err = '';
      p.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
      p.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
      const t0 = Date.now();
      while (!out.includes('\n') && p.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
      const m = /on 127\.0\.0\.1:(\d+) \(key 'lm3s'\)/.exec(out);
      assert.ok(m, out + err);
      const cl = await TvmRpcClient.connect(Number(m[1]), 'lm3s');
      assert.equal(cl.serverKey, 'server:lm3s');
      assert.deepEqual(await cl.call(await cl.getFunction('urpc.echo'), [int(-5)]), { kind: 'value', value: { code: 0, v: -5n } });
      const data = new Uint8Array(3000).map((_, i) => (i * 31) & 0xff);
      const rt = await tensorRoundTrip(cl, data);
      assert.ok(Buffer.from(rt.back).equals(Buffer.from(data)));
      assert.ok(rt.blocks >= 2, `${rt.blocks} blocks under ${rt.limit}`);
      cl.shutdown();
      assert.equal((await cl.c.closesWithin(5000)).closed, true);
      p.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => (p!.exitCode !== null ? r(p!.exitCode) : p!.on('close', (c) => r(c))));
      assert.equal(code, 0, err);
    } finally {
      if (p !== undefined && p.exitCode === null) p.kill('SIGKILL');
    }
  });
});
