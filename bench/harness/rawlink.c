/* The raw link for `npm run bench` (bench/run.ts): what a transport does with no protocol on it,
 * measured next to urpc over the same transport in the same run. Built two ways:
 *
 *   gcc -O2 -DRAWLINK_POSIX rawlink.c                       a process on stdin/stdout (pipes), as
 *                                                           the native board
 *   arm-none-eabi-gcc ... -DRAWLINK_CORTEX_M rawlink.c      urpc's Cortex-M board layer (startup.c,
 *     startup.c uart.c uart_<model>.c -T <board>.ld         the same interrupt-driven UART driver and
 *                                                           rings as the urpc firmware), for QEMU
 *
 * Modes (0x1B never occurs in the bench's payloads, so it starts a command):
 *   echo (default)       every byte comes back as it is, chunk by chunk (the round-trip baseline)
 *   1B 'S' n3 n2 n1 n0   sink: the next n bytes are swallowed, then one byte 'K' is sent (the
 *                        one-way host -> device baseline, timed to the 'K' like a copy to its reply)
 *   1B 'T' n3 n2 n1 n0   transmit: n bytes are sent (0x20..0x7f repeating; the one-way
 *                        device -> host baseline)
 * On start it sends "RAWLINK\n", so the host knows it is up. */
#if defined(RAWLINK_POSIX)
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdint.h>

static void link_write(const uint8_t *p, uint32_t n);

enum { ECHO, CMD, LEN, SINK };
static int mode = ECHO;
static uint8_t op;
static uint32_t len, len_bytes, left;

/* Transmit block: as large as the port's read buffer on POSIX (one write(2) per block), small
 * on the MCU (the UART driver queues byte by byte anyway). */
#if defined(RAWLINK_POSIX)
#define BLOCK 4096u
#else
#define BLOCK 256u
#endif

static void transmit(uint32_t n) {
  static uint8_t block[BLOCK];
  uint32_t i;
  for (i = 0; i < sizeof block; i++) block[i] = (uint8_t)(0x20u + i % 0x60u);
  while (n > 0u) {
    uint32_t k = n < (uint32_t)sizeof block ? n : (uint32_t)sizeof block;
    link_write(block, k);
    n -= k;
  }
}

static void rawlink_feed(const uint8_t *p, uint32_t n) {
  uint32_t i = 0;
  while (i < n) {
    if (mode == ECHO) {
      uint32_t j = i;
      while (j < n && p[j] != 0x1Bu) j++;
      if (j > i) link_write(p + i, j - i);
      if (j < n) mode = CMD;
      i = j + 1u;
    } else if (mode == CMD) {
      op = p[i++];
      len = 0u;
      len_bytes = 0u;
      mode = LEN;
    } else if (mode == LEN) {
      len = (len << 8) | p[i++];
      if (++len_bytes == 4u) {
        if (op == 'T') {
          transmit(len);
          mode = ECHO;
        } else {
          left = len;
          mode = SINK;
          if (left == 0u) {
            link_write((const uint8_t *)"K", 1u);
            mode = ECHO;
          }
        }
      }
    } else {
      uint32_t k = n - i < left ? n - i : left;
      i += k;
      left -= k;
      if (left == 0u) {
        link_write((const uint8_t *)"K", 1u);
        mode = ECHO;
      }
    }
  }
}

#if defined(RAWLINK_POSIX)
#include <errno.h>
#include <unistd.h>

static void link_write(const uint8_t *p, uint32_t n) {
  while (n > 0u) {
    ssize_t k = write(STDOUT_FILENO, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) _exit(2);
    p += k;
    n -= (uint32_t)k;
  }
}

int main(void) {
  static uint8_t buf[4096]; /* as firmware/platform/native/main.c */
  link_write((const uint8_t *)"RAWLINK\n", 8u);
  for (;;) {
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    rawlink_feed(buf, (uint32_t)n);
  }
}

#elif defined(RAWLINK_CORTEX_M)
#include "cm.h"

static void link_write(const uint8_t *p, uint32_t n) {
  uart_write(p, n);
}

void systick_isr(void) {}

__attribute__((noreturn)) void board_exit(uint32_t status) {
  (void)status;
  __asm__ volatile("dsb" ::: "memory");
  REG32(SCB_AIRCR) = (0x05FAu << 16) | (1u << 2); /* SYSRESETREQ */
  for (;;) {
  }
}

int main(void) {
  static uint8_t chunk[64]; /* as firmware/platform/cortex-m/board.c */
  uart_init();
  link_write((const uint8_t *)"RAWLINK\n", 8u);
  for (;;) {
    uint32_t n = uart_read(chunk, (uint32_t)sizeof chunk);
    if (n > 0u) {
      rawlink_feed(chunk, n);
      continue;
    }
    irq_off();
    if (uart_rx_empty()) wait_for_irq();
    irq_on();
  }
}
#else
#error "define RAWLINK_POSIX or RAWLINK_CORTEX_M"
#endif
