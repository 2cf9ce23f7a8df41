// urpc ls [--json]: the serial ports of this machine, with USB vendor/product where known.
// Exit 0 (also when there are none).
import type { Command } from 'commander';
import { listPorts, type PortInfo } from '../transport/ports.ts';

export function formatPorts(ports: PortInfo[]): string {
  if (ports.length === 0) return '';
  const rows = ports.map((p) => [p.path, p.vendorId ? `${p.vendorId}:${p.productId ?? '????'}` : '-',
    [p.manufacturer, p.product].filter(Boolean).join(' ') || '-', p.serialNumber ?? '-']);
  const head = ['PORT', 'VID:PID', 'DEVICE', 'SERIAL'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ')).join('\n') + '\n';
}

export function registerLsCommand(program: Command): void {
  program
    .command('ls')
    .description('list serial ports, with USB vendor/product where known (connect with serial:<port>)')
    .option('--json', 'print [{path, vendorId, productId, manufacturer, product, serialNumber, source}]')
    .addHelpText('after', '\nExamples:\n  urpc ls\n  urpc ls --json\n  urpc call serial:/dev/ttyACM0?baud=115200 urpc.info')
    .action(async (opts: { json?: boolean }) => {
      const ports = await listPorts();
      if (opts.json) {
        console.log(JSON.stringify(ports, null, 2));
      } else if (ports.length === 0) {
        console.error('no serial ports found (USB serial adapters appear as /dev/ttyUSB*, /dev/ttyACM*; ptys are not listed)');
      } else {
        process.stdout.write(formatPorts(ports));
      }
    });
}
