/* What a board says before a panic stops it (host/client/panic.ts names it for people instead of
 * "connection closed" or "exit status 3"): one session Log line, as any log() line goes out,
 *
 *   firmware panic: <Kind> at <file.ts>:<line>
 *
 * Kind is Bounds, DivZero, Unreachable or "code N" (panic(N)); file and line are the FwTS source
 * of the panicking statement (__FILE__/__LINE__ under the generated #line directives, leading ../
 * dropped). Include it in the one C file that defines fw_panic_at and fw_platform_log, and call
 * urpc_panic_report() from fw_panic_at after urpc_trap_raise() (a contained panic is not reported
 * here: its call answers an exception). Before boot, or inside a log line, fw_platform_log drops
 * it (the board's own channel, stderr on native, still has the panic). */
#ifndef URPC_PANIC_REPORT_H
#define URPC_PANIC_REPORT_H

#include <stdint.h>

static uint32_t urpc_panic_put(char *dst, uint32_t at, uint32_t cap, const char *s) {
  while (*s != '\0' && at + 1u < cap) dst[at++] = *s++;
  return at;
}

static uint32_t urpc_panic_put_u32(char *dst, uint32_t at, uint32_t cap, uint32_t v) {
  char digits[10];
  uint32_t n = 0;
  do {
    digits[n++] = (char)('0' + (int)(v % 10u));
    v /= 10u;
  } while (v != 0u && n < 10u);
  while (n > 0u && at + 1u < cap) dst[at++] = digits[--n];
  return at;
}

static void urpc_panic_report(uint32_t code, const char *file, uint32_t line) {
  static int reporting; /* a panic while reporting one stops at once */
  char msg[200];
  uint32_t n;
  if (reporting) return;
  reporting = 1;
  n = urpc_panic_put(msg, 0u, (uint32_t)sizeof msg, "firmware panic: ");
  if (code == (uint32_t)FW_PANIC_BOUNDS) {
    n = urpc_panic_put(msg, n, (uint32_t)sizeof msg, "Bounds");
  } else if (code == (uint32_t)FW_PANIC_DIV_ZERO) {
    n = urpc_panic_put(msg, n, (uint32_t)sizeof msg, "DivZero");
  } else if (code == (uint32_t)FW_PANIC_UNREACHABLE) {
    n = urpc_panic_put(msg, n, (uint32_t)sizeof msg, "Unreachable");
  } else {
    n = urpc_panic_put(msg, n, (uint32_t)sizeof msg, "code ");
    n = urpc_panic_put_u32(msg, n, (uint32_t)sizeof msg, code);
  }
  if (file != 0 && file[0] != '\0') {
    while ((file[0] == '.' && file[1] == '/') || (file[0] == '.' && file[1] == '.' && file[2] == '/')) file += file[1] == '/' ? 2 : 3;
    n = urpc_panic_put(msg, n, (uint32_t)sizeof msg, " at ");
    n = urpc_panic_put(msg, n, (uint32_t)sizeof msg, file);
    n = urpc_panic_put(msg, n, (uint32_t)sizeof msg, ":");
    n = urpc_panic_put_u32(msg, n, (uint32_t)sizeof msg, line);
  }
  msg[n] = '\0';
  fw_platform_log(msg, 0, 0u);
}

#endif
