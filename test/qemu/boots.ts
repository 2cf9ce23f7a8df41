// Boots a QEMU board N times (at most 500, `par` at a time) and counts the boots that never open a
// session: the figure behind "it never happens" for boot-time races (the mps2-an505 no-receive
// boot, boards/README.md). Each boot: spawn QEMU, handshake (5 s deadline), one echo, close.
//
//   node --import tsx test/qemu/boots.ts mps2-an505 60 2 [path/to/firmware.elf]
import { connect } from '../../host/client/connect.ts';

async function main(): Promise<void> {
  const [board = 'mps2-an505', nText = '30', parText = '1', elf] = process.argv.slice(2);
  const n = Math.min(500, Math.max(1, Number(nText)));
  const par = Math.min(4, Math.max(1, Number(parText)));
  const uri = `qemu:${board}${elf !== undefined ? `?elf=${elf}` : ''}`;
  const ms: number[] = [];
  const failed: string[] = [];
  let next = 0;
  const one = async (i: number): Promise<void> => {
    const t0 = Date.now();
    try {
      const s = await connect(uri, { startTimeoutMs: 5000 });
      try {
        await s.functions.echo(i);
        ms.push(Date.now() - t0);
      } finally {
        await s.close();
      }
    } catch (e) {
      failed.push(`boot ${i + 1}: ${(e as Error).message}`);
    }
  };
  await Promise.all(Array.from({ length: par }, async () => {
    while (next < n) await one(next++);
  }));
  ms.sort((a, b) => a - b);
  for (const f of failed) console.log(f);
  console.log(`${uri}: ${n} boots, ${failed.length} without a session; spawn to first echo: median ${ms[ms.length >> 1] ?? '-'} ms, max ${ms[ms.length - 1] ?? '-'} ms`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

void main();
