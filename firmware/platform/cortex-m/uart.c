/* Interrupt-driven UART with back-pressure both ways; the register access is the model's
 * (uart_pl011.c, uart_cmsdk.c).
 *
 * RX: the ISR moves bytes from the UART to the RX ring. When the ring is full it masks the RX
 *     interrupt and leaves the bytes in the UART: the UART stops accepting (QEMU stops reading
 *     the socket, a real link overruns only if the host ignores flow control). No byte is
 *     dropped here. uart_read() unmasks once there is room again.
 * TX: uart_write() queues into the TX ring and moves what the UART accepts at once; the TX
 *     interrupt moves the rest. A full ring makes the writer sleep (wfi) until the ISR has made
 *     room.
 * Unmasking RX: the CMSDK UART (QEMU hw/char/cmsdk-apb-uart.c) raises its RX interrupt only when
 *     a byte arrives while the interrupt is enabled (an event, not the level of RXFULL), and
 *     takes no other byte while one waits. A byte that came while the interrupt was masked (the
 *     host's first bytes between enabling RX and its interrupt at boot, or after a pause) would
 *     wait forever and the board would never receive again. So rx_unmask() pends the interrupt
 *     itself when a byte is already there. */
#include "cm.h"

#define RX_RING 512u /* powers of two */
#define TX_RING 512u
#define RX_RESUME 64u /* free bytes in the RX ring before RX is unmasked again */

static uint8_t rx_ring[RX_RING];
static uint8_t tx_ring[TX_RING];
static volatile uint32_t rx_head, rx_tail; /* head: ISR, tail: main */
static volatile uint32_t tx_head, tx_tail; /* head: main, tail: ISR or main with irqs off */
static volatile int rx_paused;
static uint8_t rx_mark_byte; /* uart_rx_marked() counts these in the ring */
static int rx_marking;
static volatile uint32_t rx_marks;

static void rx_drain(void) {
  while (uart_hw_rx_ready()) {
    if (rx_head - rx_tail >= RX_RING) {
      rx_paused = 1;
      uart_hw_rx_irq(0);
      return;
    }
    {
      uint8_t b = uart_hw_rx_byte();
      rx_ring[rx_head & (RX_RING - 1u)] = b;
      rx_head = rx_head + 1u;
      if (rx_marking && b == rx_mark_byte) rx_marks = rx_marks + 1u;
    }
  }
}

/* With irqs off (or in the ISR). */
static void tx_pump(void) {
  while (tx_tail != tx_head && uart_hw_tx_ready()) {
    uart_hw_tx_byte(tx_ring[tx_tail & (TX_RING - 1u)]);
    tx_tail = tx_tail + 1u;
  }
  uart_hw_tx_irq(tx_tail != tx_head);
}

static void rx_unmask(void) {
  uart_hw_rx_irq(1);
  if (uart_hw_rx_ready()) nvic_pend((uint32_t)UART_RX_IRQn);
}

void uart_isr(void) {
  uart_hw_ack();
  if (!rx_paused) rx_drain();
  tx_pump();
}

void uart_init(void) {
  uart_hw_init();
  nvic_enable((uint32_t)UART_RX_IRQn);
  if (UART_TX_IRQn != UART_RX_IRQn) nvic_enable((uint32_t)UART_TX_IRQn);
#ifdef URPC_TEST_RX_UNMASK_DELAY
  /* test/qemu: widens the window in which the host's first bytes meet RX enabled but masked. */
  for (volatile uint32_t i = 0; i < (uint32_t)URPC_TEST_RX_UNMASK_DELAY; i++) {
  }
#endif
  rx_unmask();
}

uint32_t uart_read(uint8_t *dst, uint32_t max) {
  uint32_t n = 0;
  irq_off();
  while (n < max && rx_tail != rx_head) {
    uint8_t b = rx_ring[rx_tail & (RX_RING - 1u)];
    dst[n++] = b;
    rx_tail = rx_tail + 1u;
    if (rx_marking && b == rx_mark_byte) rx_marks = rx_marks - 1u;
  }
  if (rx_paused && RX_RING - (rx_head - rx_tail) >= RX_RESUME) {
    rx_paused = 0;
    rx_drain();
    if (!rx_paused) rx_unmask();
  }
  irq_on();
  return n;
}

int uart_rx_empty(void) {
  return rx_head == rx_tail;
}

uint32_t uart_rx_count(void) {
  return rx_head - rx_tail;
}

void uart_rx_mark(uint8_t b) {
  irq_off();
  rx_mark_byte = b;
  rx_marking = 1;
  rx_marks = 0u;
  {
    uint32_t i;
    for (i = rx_tail; i != rx_head; i++) {
      if (rx_ring[i & (RX_RING - 1u)] == b) rx_marks = rx_marks + 1u;
    }
  }
  irq_on();
}

uint32_t uart_rx_marked(void) {
  return rx_marks;
}

void uart_write(const uint8_t *p, uint32_t n) {
  while (n > 0u) {
    irq_off();
    while (tx_head - tx_tail >= TX_RING) {
      tx_pump();
      if (tx_head - tx_tail < TX_RING) break;
      wait_for_irq();
      irq_on(); /* the pending TX interrupt runs here */
      irq_off();
    }
    while (n > 0u && tx_head - tx_tail < TX_RING) {
      tx_ring[tx_head & (TX_RING - 1u)] = *p++;
      tx_head = tx_head + 1u;
      n--;
    }
    tx_pump();
    irq_on();
  }
}

void uart_flush(void) {
  irq_off();
  while (tx_tail != tx_head) {
    if (uart_hw_tx_ready()) {
      uart_hw_tx_byte(tx_ring[tx_tail & (TX_RING - 1u)]);
      tx_tail = tx_tail + 1u;
    }
  }
  irq_on();
}
