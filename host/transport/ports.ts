// Serial ports on this machine, for `urpc ls`: serialport's list() (udev on Linux, IOKit on macOS,
// SetupAPI on Windows) and, where that fails (Linux without udevadm, e.g. containers), the same
// facts read from sysfs: /sys/class/tty/<name>/device, and for USB adapters the idVendor,
// idProduct, manufacturer, product and serial files of the USB device above it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface PortInfo {
  path: string;
  /** USB vendor and product ids, 4 hex digits, when known. */
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  /** Where the facts came from. */
  source: 'serialport' | 'sysfs';
}

function readTrim(file: string): string | undefined {
  try {
    const s = fs.readFileSync(file, 'utf8').trim();
    return s === '' ? undefined : s;
  } catch {
    return undefined;
  }
}

/** Serial ports from a sysfs tty class directory (`root`), device nodes under `devDir`. Ports
 * without a device (virtual consoles, ptys) and unprobed 8250 placeholders are left out. */
export function listSysfs(root = '/sys/class/tty', devDir = '/dev'): PortInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  const out: PortInfo[] = [];
  for (const name of names.sort()) {
    const devLink = path.join(root, name, 'device');
    if (!fs.existsSync(devLink)) continue;
    const real = fs.realpathSync(devLink);
    const driver = fs.existsSync(path.join(real, 'driver')) ? path.basename(fs.realpathSync(path.join(real, 'driver'))) : undefined;
    if (driver === 'serial8250' || driver === undefined && /^ttyS\d+$/.test(name)) continue;
    const info: PortInfo = { path: path.join(devDir, name), source: 'sysfs' };
    // The USB device is the nearest parent directory with an idVendor file.
    for (let dir = real; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const vid = readTrim(path.join(dir, 'idVendor'));
      if (vid === undefined) continue;
      info.vendorId = vid;
      info.productId = readTrim(path.join(dir, 'idProduct'));
      info.manufacturer = readTrim(path.join(dir, 'manufacturer'));
      info.product = readTrim(path.join(dir, 'product'));
      info.serialNumber = readTrim(path.join(dir, 'serial'));
      break;
    }
    out.push(info);
  }
  return out;
}

/** Serial ports: serialport's list(), or sysfs when that is unavailable (URPC_SYSFS_TTY=<dir>
 * forces the sysfs reader on that directory, for tests). */
export async function listPorts(): Promise<PortInfo[]> {
  const forced = process.env.URPC_SYSFS_TTY;
  if (forced) return listSysfs(forced);
  try {
    const { SerialPort } = require('serialport') as { SerialPort: { list(): Promise<Array<Record<string, string | undefined>>> } };
    const ports = await SerialPort.list();
    return ports.map((p) => {
      const info: PortInfo = { path: p.path!, source: 'serialport' };
      for (const k of ['vendorId', 'productId', 'manufacturer', 'serialNumber'] as const) if (p[k]) info[k] = p[k];
      if (p.friendlyName) info.product = p.friendlyName;
      return info;
    });
  } catch {
    return listSysfs();
  }
}
