/* CI stand-in for a framework's main (test/pio): the portable core linked as a board would link
 * it, with I/O through volatile registers so nothing is optimised away. Only for sizes. */
#include <stdint.h>
#include "urpc_port.h"

static volatile uint32_t rx_reg, tx_reg, clock_reg;

static uint32_t ci_read(uint8_t *dst, uint32_t max) {
  uint32_t n = 0;
  while (n < max && (rx_reg & 0x100u) != 0u) dst[n++] = (uint8_t)rx_reg;
  return n;
}
static void ci_write(const uint8_t *src, uint32_t n) {
  uint32_t i;
  for (i = 0; i < n; i++) tx_reg = src[i];
}
static uint32_t ci_micros(void) {
  return clock_reg;
}

static const urpc_port_ops ops = {ci_read, ci_write, ci_micros};

int main(void) {
  urpc_port_begin(&ops);
  for (;;) urpc_port_poll();
}
