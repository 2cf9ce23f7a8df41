// Naming a firmware panic for people: "firmware panic: Bounds" instead of "connection closed" or
// "exit status 3". Three sources say a device panicked (firmware/platform/*: fw_panic):
//   the wire   a session Log line "firmware panic: <Kind>[ at <file>:<line>]" the firmware sends
//              before it stops (any link: serial, tcp, QEMU, native)
//   QEMU       semihosting boards exit with status 16 + code
//   native     exit status 3, and "urpc native firmware: panic <code>" on its stderr
// No Node imports (the session uses it; it goes to the browser).
import { Panic } from '../../firmware/lib/prelude.ts';

/** The firmware's log line that announces a panic starts with this. */
export const PANIC_LOG_PREFIX = 'firmware panic: ';
/** Semihosting boards (firmware/platform/cortex-m/board.c) exit with 16 + the panic code. */
export const SEMIHOSTING_PANIC_BASE = 16;
/** The native firmware's exit status after a panic (firmware/platform/native/main.c). */
export const NATIVE_PANIC_STATUS = 3;

/** A panic code's name: Bounds, DivZero, Unreachable, or "code N" (panic(N) of the app's own). */
export function panicKind(code: number): string {
  const named = (Object.keys(Panic) as (keyof typeof Panic)[]).find((k) => Panic[k] === code);
  return named ?? `code ${code}`;
}

/** "firmware panic: <Kind>" for a QEMU exit status (semihosting), else undefined. */
export function panicOfQemuStatus(status: number | null): string | undefined {
  if (status === null || status <= SEMIHOSTING_PANIC_BASE || status > SEMIHOSTING_PANIC_BASE + 0xff) return undefined;
  return `${PANIC_LOG_PREFIX}${panicKind(status - SEMIHOSTING_PANIC_BASE)}`;
}

/** "firmware panic: <Kind>[ at file:line]" from the native firmware's exit status and stderr. */
export function panicOfNativeExit(status: number | null, stderr: string): string | undefined {
  if (status !== NATIVE_PANIC_STATUS) return undefined;
  const m = /urpc native firmware: panic (\d+)(?: at (\S+))?/.exec(stderr);
  if (m === null) return `${PANIC_LOG_PREFIX}(kind unknown: exit status ${status})`;
  return `${PANIC_LOG_PREFIX}${panicKind(Number(m[1]))}${m[2] !== undefined ? ` at ${m[2]}` : ''}`;
}

/** The panic line of the device log, if the device announced one. */
export function panicOfLog(line: string): string | undefined {
  return line.startsWith(PANIC_LOG_PREFIX) ? line : undefined;
}
