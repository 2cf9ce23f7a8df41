/* What a board says before a panic stops it (host/client/panic.ts names it for people instead of
 * "connection closed" or "exit status 3"): one session Log line, as any log() line goes out,
 *
 *   firmware panic: <Kind> at <file.ts>:<line>
 *
 * Kind is Bounds, DivZero, Unreachable or "code N" (panic(N)); file and line are the FwTS source
 * of the panicking statement (__FILE__/__LINE__ under the generated #line directives, leading ../
 * dropped). Include it in the one C file that defines fw_panic_at and fw_platform_log.
 *
 * The line is sent from main, not from fw_panic_at: fw_panic_at calls urpc_panic_unwind() (after
 * urpc_trap_raise(): a contained panic is not reported here, its call answers an exception),
 * which records the panic and longjmps to URPC_PANIC_CATCH() in main; main then sends the report
 * and stops. Sending it from fw_panic_at would call back into the session and the framer, which
 * call fw_panic_at: a call-graph cycle (`urpc stack` rejects recursion) and, for a panic inside
 * the framer, a second use of the framer it was in the middle of. Unwinding first leaves the
 * session's functions with no frame on the stack, and the report's stack is main's plus the log
 * path's, as for any log line. Before URPC_PANIC_CATCH() runs (module initialisation), or during
 * the report itself, urpc_panic_unwind returns and fw_panic_at stops at once. */
#ifndef URPC_PANIC_REPORT_H
#define URPC_PANIC_REPORT_H

#include <setjmp.h>
#include <stdint.h>

static jmp_buf urpc_panic_env;
/* Nonzero while main is ready to send a report (set after URPC_PANIC_CATCH(); volatile: read after the longjmp). */
static volatile int urpc_panic_armed;
static uint32_t urpc_panic_code;
static uint32_t urpc_panic_line;
static const char *urpc_panic_file = "";

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

/* From fw_panic_at: back to main's URPC_PANIC_CATCH() with the panic recorded, when it is armed. */
static void urpc_panic_unwind(uint32_t code, const char *file, uint32_t line) {
  if (!urpc_panic_armed) return;
  urpc_panic_armed = 0; /* a panic while reporting this one stops at once */
  urpc_panic_code = code;
  urpc_panic_file = file != 0 ? file : "";
  urpc_panic_line = line;
  longjmp(urpc_panic_env, 1);
}

/* In main, before its loop: `if (URPC_PANIC_CATCH()) { urpc_panic_report(); stop }` then
 * urpc_panic_arm(). setjmp must be called from main's own frame, hence the macro. */
#define URPC_PANIC_CATCH() (setjmp(urpc_panic_env) != 0)

static void urpc_panic_arm(void) {
  urpc_panic_armed = 1;
}

/* The recorded panic as a session Log line. */
static void urpc_panic_report(void) {
  const uint32_t code = urpc_panic_code;
  const char *file = urpc_panic_file;
  const uint32_t line = urpc_panic_line;
  char msg[200];
  uint32_t n;
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
