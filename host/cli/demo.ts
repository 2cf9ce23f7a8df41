// urpc demo (npm start): the main job on the embedded default, no hardware. It builds the native
// board (firmware/ lowered to C, compiled warning-free into build/native/firmware), opens a
// session to it over its stdin/stdout, and shows echo, device info, tensors, device logs and the
// time evaluator.
import type { Command } from 'commander';
import * as path from 'node:path';
import { buildBoard } from '../board/build.ts';
import { connect } from '../client/connect.ts';
import { DType } from '../client/rpc-session.ts';
import { command } from './options.ts';

export function registerDemoCommand(program: Command): void {
  command(program, 'demo')
    .description('build the native board, open a session and call device functions (npm start)')
    .addHelpText('after', '\nExample:\n  npm start')
    .action(async () => {
      const t0 = Date.now();
      const built = await buildBoard('native');
      console.log(`1. urpc build --board native -> ${path.relative(process.cwd(), built.output)} (${Date.now() - t0} ms)`);

      const s = await connect('native');
      try {
        s.on('log', (text) => console.log(`   device log: ${text}`));
        console.log('2. connect("native"): session open');
        const info = await s.info();
        console.log(`   urpc.info: board ${info.board}, ${info.maxPacket}-byte packets, ${info.memTotal} bytes of tensor memory, ` +
          `${info.functions.length} functions: ${info.functions.map((f) => f.name).join(', ')}`);

        const echoed = await s.functions.echo(42, 'hello', Uint8Array.of(1, 2, 3));
        console.log(`3. urpc.echo(42, "hello", [1, 2, 3]) -> ${JSON.stringify(echoed, (_k, v) => (v instanceof Uint8Array ? [...v] : v))}`);

        const data = new Uint8Array(64 * 1024).map((_, i) => (i * 7 + 3) & 0xff);
        const t1 = Date.now();
        const big = await s.array(data);
        const back = await big.copyTo();
        const same = back.length === data.length && back.every((b, i) => b === data[i]);
        console.log(`4. 64 KiB tensor to the device and back in ${Date.now() - t1} ms: ${same ? 'byte-exact' : 'MISMATCH'}`);
        await big.free();

        const a = await s.array(new Int32Array([1, 2, 3, 4]));
        const b = await s.array(new Int32Array([10, 20, 30, 40]));
        const out = await s.empty([4], DType.int32);
        await s.functions.add(a, b, out);
        const sum = await s.functions.sum(out);
        console.log(`5. urpc.add([1,2,3,4], [10,20,30,40]) -> [${[...new Int32Array((await out.copyTo()).buffer)]}], urpc.sum -> ${sum}`);

        await s.functions.log(7, 8, 9);
        const timed = await s.timeEvaluator('urpc.echo', { number: 100, repeat: 3, minRepeatMs: 20 });
        const r = await timed(1);
        console.log(`6. time evaluator, urpc.echo, 3 repeats of at least 20 ms: ${r.results.map((x) => `${(x * 1e6).toFixed(2)} us`).join(', ')} per call (device clock)`);
        if (!same) process.exitCode = 1;
      } finally {
        await s.close();
      }
    });
}
