/* Panic containment of user device functions, shared by every board: the C of the @extern hooks
 * of firmware/rpc/contain.ts. Include it in exactly one C file of the image (the one that
 * defines fw_panic_at), whose fw_panic_at calls urpc_trap_raise() first.
 *
 *   contain_trapCall(call, c, k)  runs call(c, k) with the trap armed (setjmp); a panic while it
 *                                 runs (urpc_trap_raise from fw_panic_at) longjmps back here and
 *                                 the call returns Msg_AppPanic
 *   contain_trapCode/Line/File    what the last contained panic was and where (the .ts file:line
 *                                 of the generated C's #line directives, leading ../ dropped)
 *   urpc_trap_suspend/resume      around code of the protocol core that a user function reaches
 *                                 (its log() goes out through the session): a panic there is the
 *                                 core's and must still reboot
 *
 * What a longjmp rolls back: only the C stack of the user function (and of the wrapper that
 * checked its arguments). Nothing else: tensor bytes it wrote stay written, its module's globals
 * keep their values; the server never saw the call start, so its own state is intact. */
#ifndef URPC_TRAP_H
#define URPC_TRAP_H

#include <setjmp.h>
#include <stdint.h>
#include "contain.h"

static jmp_buf urpc_trap_env;
/* Nonzero while a user function runs under the trap. Volatile: read after the longjmp. */
static volatile int urpc_trap_armed;
static uint32_t urpc_trap_code;
static uint32_t urpc_trap_line;
static const char *urpc_trap_file = "";

Msg contain_trapCall(AppCall call, Ctx *c, uint32_t k) {
  Msg m;
  if (setjmp(urpc_trap_env) != 0) {
    urpc_trap_armed = 0;
    return Msg_AppPanic;
  }
  urpc_trap_armed = 1;
  m = call(c, k);
  urpc_trap_armed = 0;
  return m;
}

uint32_t contain_trapCode(void) {
  return urpc_trap_code;
}

uint32_t contain_trapLine(void) {
  return urpc_trap_line;
}

uint32_t contain_trapFile(fw_bytes dst) {
  const char *f = urpc_trap_file;
  uint32_t n = 0;
  /* "../../../examples/app/scale.ts" (relative to the generated C) -> "examples/app/scale.ts" */
  for (;;) {
    if (f[0] == '.' && f[1] == '/') {
      f += 2;
    } else if (f[0] == '.' && f[1] == '.' && f[2] == '/') {
      f += 3;
    } else {
      break;
    }
  }
  while (f[n] != '\0' && n < dst.len) {
    dst.ptr[n] = (uint8_t)f[n];
    n++;
  }
  return n;
}

/* From fw_panic_at: returns only when no user function is running under the trap. */
static inline void urpc_trap_raise(uint32_t code, const char *file, uint32_t line) {
  if (!urpc_trap_armed) return;
  urpc_trap_armed = 0;
  urpc_trap_code = code;
  urpc_trap_file = file;
  urpc_trap_line = line;
  longjmp(urpc_trap_env, 1);
}

/* Disarms the trap for code of the core that runs inside a user function; returns the state
 * for urpc_trap_resume. */
static inline int urpc_trap_suspend(void) {
  int armed = urpc_trap_armed;
  urpc_trap_armed = 0;
  return armed;
}

static inline void urpc_trap_resume(int armed) {
  urpc_trap_armed = armed;
}

#endif /* URPC_TRAP_H */
