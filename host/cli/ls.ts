// urpc ls [--json]: the serial ports of this machine, with USB vendor/product where known.
// urpc ls --tracker host:port [--json]: the boards a TVM RPC tracker knows (host/tvm/tracker-summary.ts).
// Exit 0 (also when there are none); 2 when the tracker cannot be asked.
import type { Command } from 'commander';
import Table from 'cli-table3';
import { listPorts, type PortInfo } from '../transport/ports.ts';
import { command, fail, msOption, EXIT_USAGE } from './options.ts';

/** The ports as a table (cli-table3 without borders: columns two spaces apart). */
export function formatPorts(ports: PortInfo[]): string {
  if (ports.length === 0) return '';
  const table = new Table({
    head: ['PORT', 'VID:PID', 'DEVICE', 'SERIAL'],
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  for (const p of ports) {
    table.push([p.path, p.vendorId ? `${p.vendorId}:${p.productId ?? '????'}` : '-',
      [p.manufacturer, p.product].filter(Boolean).join(' ') || '-', p.serialNumber ?? '-']);
  }
  return table.toString().split('\n').map((l) => l.trimEnd()).join('\n') + '\n';
}

export function registerLsCommand(program: Command): void {
  command(program, 'ls')
    .description('list serial ports, with USB vendor/product where known (connect with serial:<port>)')
    .option('--json', 'print [{path, vendorId, productId, manufacturer, product, serialNumber, source}] (with --tracker: {queueInfo, servers})')
    .option('--tracker <host:port>', "list a TVM RPC tracker's boards instead (its summary: keys, free boards, waiting requests, servers)")
    .option('--timeout <ms>', 'with --tracker: deadline for the tracker to answer', msOption, 5000)
    .addHelpText('after', '\nExamples:\n  urpc ls\n  urpc ls --json\n  urpc call serial:/dev/ttyACM0?baud=115200 urpc.info\n' +
      '  urpc ls --tracker 127.0.0.1:9190\n  urpc call tracker:127.0.0.1:9190/stm32 urpc.info')
    .action(async (opts: { json?: boolean; tracker?: string; timeout: number }) => {
      if (opts.tracker !== undefined) {
        const { fetchSummary, formatSummary } = await import('../tvm/tracker-summary.ts');
        try {
          const s = await fetchSummary(opts.tracker, opts.timeout);
          process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : formatSummary(s, opts.tracker));
        } catch (e) {
          fail('ls', e, opts, EXIT_USAGE); // the tracker could not be asked
        }
        return;
      }
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
