/* urpc's portable platform layer for boards driven by a framework (Arduino, a vendor HAL):
 * everything of firmware/device.ts's platform hooks except the byte I/O and the clock, which
 * the framework glue passes in (urpc_arduino.cpp for Arduino). Plain C99: it compiles and is
 * size-checked in CI without any framework headers (test/pio). */
#ifndef URPC_PORT_H
#define URPC_PORT_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

typedef struct urpc_port_ops {
  /* Up to max received bytes into dst; returns how many (0 when none). Never blocks. */
  uint32_t (*read)(uint8_t *dst, uint32_t max);
  /* Sends all n bytes (may block while the link's buffer is full: back-pressure). */
  void (*write)(const uint8_t *src, uint32_t n);
  /* A free-running microsecond counter (Arduino micros()). */
  uint32_t (*micros)(void);
} urpc_port_ops;

/* Once, in setup(): keeps ops, initialises the device stack, sends the boot Terminate. */
void urpc_port_begin(const urpc_port_ops *ops);
/* In loop(): feeds what was received, runs pending async calls. */
void urpc_port_poll(void);

#ifdef __cplusplus
}
#endif
#endif
