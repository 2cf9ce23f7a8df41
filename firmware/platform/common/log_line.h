/* The device's log line, shared by the MCU ports (no printf on the device): "message v1 v2 ..."
 * with the values in signed decimal, cut to `size` bytes (255 as in TVMLogf). Returns its length. */
#ifndef URPC_LOG_LINE_H
#define URPC_LOG_LINE_H

#include <stdint.h>

static uint32_t urpc_log_line(uint8_t *line, uint32_t size, const char *message, const int32_t *values, uint32_t count) {
  uint32_t n = 0;
  uint32_t i;
  while (message[n] != '\0' && n < size) {
    line[n] = (uint8_t)message[n];
    n++;
  }
  for (i = 0; i < count; i++) {
    char digits[11];
    uint32_t k = 0;
    uint32_t v = values[i] < 0 ? 0u - (uint32_t)values[i] : (uint32_t)values[i];
    do {
      digits[k++] = (char)('0' + v % 10u);
      v /= 10u;
    } while (v != 0u);
    if (n + k + 2u > size) break;
    line[n++] = ' ';
    if (values[i] < 0) line[n++] = '-';
    while (k > 0u) line[n++] = (uint8_t)digits[--k];
  }
  return n;
}

#endif /* URPC_LOG_LINE_H */
