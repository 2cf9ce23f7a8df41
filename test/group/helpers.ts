// Shared by the group suites: the device processes behind a group's sessions, and the wire
// counters of each device's session (HostSession.requestsSent / repliesTaken).
import type { DeviceGroup } from '../../host/client/group.ts';
import type { RemoteSession } from '../../host/client/remote.ts';
import type { ProcessTransport } from '../../host/transport/process.ts';
import type { QemuTransport } from '../../host/transport/qemu.ts';
import type { Transport } from '../../host/transport/transport.ts';

// By shape, not instanceof: connect() loads the transports through import(), which tsx may
// resolve to another instance of the module than this file's import.
const isProcess = (t: Transport): t is ProcessTransport => 'child' in t;
const isQemu = (t: Transport): t is QemuTransport => 'qemu' in t;

/** Device i's RemoteSession. */
export function remote(g: DeviceGroup, i: number): RemoteSession {
  return g.session(i) as RemoteSession;
}

/** The pid of the process behind device i (a native firmware, or QEMU). */
export function devicePid(g: DeviceGroup, i: number): number {
  const t = remote(g, i).session.transport;
  const pid = isProcess(t) ? t.child.pid : isQemu(t) ? t.qemu.pid : undefined;
  if (pid === undefined) throw new Error(`device ${i} runs in no process of its own`);
  return pid;
}

/** Requests on the wire and replies taken, per device. */
export function wire(g: DeviceGroup): { sent: number; taken: number }[] {
  return Array.from({ length: g.size }, (_, i) => {
    const s = remote(g, i).session;
    return { sent: s.requestsSent, taken: s.repliesTaken };
  });
}

/** SIGKILLs the native firmware behind device i. */
export function killNative(g: DeviceGroup, i: number): void {
  const t = remote(g, i).session.transport;
  if (!isProcess(t)) throw new Error(`device ${i} is not a native board`);
  t.child.kill('SIGKILL');
}
