/* The portable core of the framework boards (see urpc_port.h). Board constants, from
 * platformio.ini's build_flags: URPC_BOARD_NAME (string), URPC_MEMORY_BYTES (tensor memory,
 * 268 bytes per 256-byte page; default 64 pages). */
#include "urpc_port.h"
#include "device.h"
#include "../common/log_line.h"
#include "../common/trap.h"

#ifndef URPC_BOARD_NAME
#define URPC_BOARD_NAME "arduino"
#endif
#ifndef URPC_MEMORY_BYTES
#define URPC_MEMORY_BYTES (64u * 268u)
#endif

static const urpc_port_ops *port;
static uint32_t rng_state = 0x2545f491u;
static int booted;
static int in_log;

/* A panic in a user device function ends that call only (trap.h); any other stops here. */
void fw_panic_at(uint32_t code, const char *file, uint32_t line) {
  urpc_trap_raise(code, file, line);
  (void)code;
  (void)file;
  (void)line;
  for (;;) { /* a watchdog, if the board runs one, resets it */
  }
}

void fw_platform_log(const char *message, const int32_t *values, uint32_t count) {
  uint8_t line[255];
  fw_bytes text;
  int armed;
  if (!booted || in_log) return;
  text.len = urpc_log_line(line, (uint32_t)sizeof line, message, values, count);
  text.ptr = line;
  armed = urpc_trap_suspend(); /* the session's code: a panic there is not the app's */
  in_log = 1;
  (void)device_deviceLog(text);
  in_log = 0;
  urpc_trap_resume(armed);
}

Err device_platformWrite(fw_bytes data) {
  port->write(data.ptr, data.len);
  return Err_Ok;
}

uint32_t device_platformTicks(void) {
  return port->micros();
}

uint32_t device_platformTicksPerSecond(void) {
  return 1000000u;
}

uint32_t device_platformRandom(void) {
  uint32_t x = rng_state ^ port->micros();
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  if (x == 0u) x = 0x2545f491u;
  rng_state = x;
  return x;
}

fw_bytes device_platformPool(void) {
  static uint8_t memory[URPC_MEMORY_BYTES];
  fw_bytes b;
  b.ptr = memory;
  b.len = (uint32_t)sizeof memory;
  return b;
}

uint32_t device_platformBoardName(fw_bytes dst) {
  static const char name[] = URPC_BOARD_NAME;
  uint32_t n = (uint32_t)(sizeof name - 1u);
  uint32_t i;
  for (i = 0; i < n && i < dst.len; i++) dst.ptr[i] = (uint8_t)name[i];
  return n;
}

void urpc_port_begin(const urpc_port_ops *ops) {
  port = ops;
  device_module_init();
  booted = 1;
  device_deviceBoot();
}

void urpc_port_poll(void) {
  uint8_t chunk[64];
  uint32_t n;
  (void)device_deviceTick();
  while ((n = port->read(chunk, (uint32_t)sizeof chunk)) > 0u) {
    fw_bytes b;
    b.ptr = chunk;
    b.len = n;
    (void)device_deviceFeed(b);
  }
}
