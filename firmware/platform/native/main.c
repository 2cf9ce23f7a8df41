/* The native board: urpc's device stack as a Linux process that speaks the wire on stdin/stdout
 * (like microTVM's host CRT, spec §6.9). Everything protocol-related is the generated C of
 * firmware/device.ts; this file only moves bytes and supplies the platform hooks.
 *
 *   stdin  -> device_deviceFeed()      (chunks as they arrive; EOF ends the process with 0)
 *   device_platformWrite() -> stdout   (write(2), unbuffered; every byte is out before return)
 *   fw_platform_log()  -> a session Log message (stderr too with URPC_LOG_STDERR=1)
 *   fw_panic_at()      -> a "firmware panic: ..." Log line (../common/panic_report.h), stderr,
 *                         exit status 3; in a user device function only that call fails
 *                         (firmware/platform/common/trap.h)
 *   device_deviceTick() before every read; while it reports a pending async call, the read
 *   waits at most 1 ms (poll) so the call completes on time
 *
 * SIGUSR1 reboots the device in place (device_deviceReboot: every tensor and the session are
 * gone, the boot Terminate goes out), the native stand-in for a board's reset button.
 *
 * Environment: URPC_SEED=<n> fixes the random seed (the session nonce; default time ^ pid). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "device.h"
#include "../common/trap.h"
#include "../common/panic_report.h"

static uint32_t rng_state;
static int booted;
static int in_log;
static int log_stderr;
static volatile sig_atomic_t reset_requested;

static void on_reset_signal(int sig) {
  (void)sig;
  reset_requested = 1;
}

/* Without SA_RESTART: a blocked read() returns EINTR so the reset is served at once. */
static void install_reset_signal(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_reset_signal;
  sigemptyset(&sa.sa_mask);
  (void)sigaction(SIGUSR1, &sa, NULL);
}

/* A panic in a user device function ends that call only (trap.h); any other ends the process. */
FW_NORETURN static void stop_on_panic(uint32_t code, const char *file, uint32_t line) {
  fprintf(stderr, "urpc native firmware: panic %" PRIu32 " at %s:%" PRIu32 "\n", code, file, line);
  fflush(stderr);
  exit(3);
}

void fw_panic_at(uint32_t code, const char *file, uint32_t line) {
  urpc_trap_raise(code, file, line);
  urpc_panic_unwind(code, file, line); /* to main, which sends the session Log line */
  stop_on_panic(code, file, line);
}

/* "message v1 v2 ..." (values in signed decimal), at most 255 bytes as in TVMLogf. */
void fw_platform_log(const char *message, const int32_t *values, uint32_t count) {
  char line[256];
  size_t n = strlen(message);
  uint32_t i;
  if (n > sizeof line - 1u) n = sizeof line - 1u;
  memcpy(line, message, n);
  for (i = 0; i < count && n < sizeof line - 1u; i++) {
    int k = snprintf(line + n, sizeof line - n, " %" PRId32, values[i]);
    if (k < 0) break;
    n += (size_t)k;
    if (n > sizeof line - 1u) n = sizeof line - 1u;
  }
  line[n] = '\0';
  if (log_stderr || !booted || in_log) fprintf(stderr, "urpc native firmware: %s\n", line);
  if (booted && !in_log) {
    fw_bytes text;
    int armed = urpc_trap_suspend(); /* the session's code: a panic there is not the app's */
    text.ptr = (uint8_t *)line;
    text.len = (uint32_t)n;
    in_log = 1;
    (void)device_deviceLog(text);
    in_log = 0;
    urpc_trap_resume(armed);
  }
}

Err device_platformWrite(fw_bytes data) {
  uint32_t done = 0;
  while (done < data.len) {
    ssize_t k = write(STDOUT_FILENO, data.ptr + done, (size_t)(data.len - done));
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return Err_WriteStreamShortWrite;
    done += (uint32_t)k;
  }
  return Err_Ok;
}

uint32_t device_platformTicks(void) {
  struct timespec ts;
  uint64_t us;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
  return (uint32_t)us;
}

uint32_t device_platformTicksPerSecond(void) {
  return 1000000u;
}

uint32_t device_platformRandom(void) {
  uint32_t x = rng_state; /* xorshift32 */
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rng_state = x;
  return x;
}

/* The tensor memory: 1008 pages of 256 bytes with their bookkeeping (firmware/device.ts). */
fw_bytes device_platformPool(void) {
  static uint8_t memory[1008u * 268u];
  fw_bytes b;
  b.ptr = memory;
  b.len = (uint32_t)sizeof memory;
  return b;
}

uint32_t device_platformBoardName(fw_bytes dst) {
  static const char name[] = "native";
  uint32_t n = (uint32_t)(sizeof name - 1u);
  memcpy(dst.ptr, name, n < dst.len ? n : dst.len);
  return n;
}

int main(void) {
  static uint8_t buf[4096];
  const char *seed = getenv("URPC_SEED");
  const char *ls = getenv("URPC_LOG_STDERR");
  log_stderr = ls != NULL && ls[0] == '1';
  rng_state = seed != NULL ? (uint32_t)strtoul(seed, NULL, 0)
                           : (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
  if (rng_state == 0u) rng_state = 0x2545f491u;
  install_reset_signal();
  device_module_init();
  booted = 1;
  if (URPC_PANIC_CATCH()) {
    urpc_panic_report(); /* the session Log line, before the process ends */
    stop_on_panic(urpc_panic_code, urpc_panic_file, urpc_panic_line);
  }
  urpc_panic_arm();
  device_deviceBoot();
  for (;;) {
    fw_bytes chunk;
    ssize_t n;
    if (reset_requested) {
      reset_requested = 0;
      device_deviceReboot();
    }
    /* While an async device function is pending, wake every millisecond to tick it. */
    if (device_deviceTick()) {
      struct pollfd pfd;
      pfd.fd = STDIN_FILENO;
      pfd.events = POLLIN;
      pfd.revents = 0;
      if (poll(&pfd, 1, 1) == 0) continue;
    }
    n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    chunk.ptr = buf;
    chunk.len = (uint32_t)n;
    (void)device_deviceFeed(chunk);
  }
  return 0;
}
