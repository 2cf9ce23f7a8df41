/* ARM PL011 (QEMU lm3s6965evb's Stellaris UART0): 16-byte FIFOs, one interrupt line. */
#include "cm.h"

#define DR (UART0_BASE + 0x000u)
#define FR (UART0_BASE + 0x018u)
#define IBRD (UART0_BASE + 0x024u)
#define FBRD (UART0_BASE + 0x028u)
#define LCRH (UART0_BASE + 0x02Cu)
#define CTL (UART0_BASE + 0x030u)
#define IM (UART0_BASE + 0x038u)
#define ICR (UART0_BASE + 0x044u)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)
#define SYSCTL_RCGC1 0x400FE104u

void uart_hw_init(void) {
  REG32(SYSCTL_RCGC1) |= 1u; /* UART0 clock (a real Stellaris needs it; QEMU ignores it) */
  REG32(CTL) = 0u;
  REG32(IBRD) = CPU_HZ / (16u * 115200u); /* 115200 8N1 on real silicon; QEMU does not pace */
  REG32(FBRD) = ((CPU_HZ % (16u * 115200u)) * 64u + 8u * 115200u) / (16u * 115200u);
  REG32(LCRH) = (3u << 5) | (1u << 4); /* 8 bits, FIFOs on */
  REG32(IM) = 0u;
  REG32(CTL) = (1u << 0) | (1u << 8) | (1u << 9); /* UARTEN, TXE, RXE */
}
int uart_hw_rx_ready(void) { return (REG32(FR) & FR_RXFE) == 0u; }
uint8_t uart_hw_rx_byte(void) { return (uint8_t)(REG32(DR) & 0xFFu); }
int uart_hw_tx_ready(void) { return (REG32(FR) & FR_TXFF) == 0u; }
void uart_hw_tx_byte(uint8_t b) { REG32(DR) = b; }
void uart_hw_rx_irq(int on) {
  if (on) REG32(IM) |= INT_RX | INT_RT;
  else REG32(IM) &= ~(INT_RX | INT_RT);
}
void uart_hw_tx_irq(int on) {
  if (on) REG32(IM) |= INT_TX;
  else REG32(IM) &= ~INT_TX;
}
/* RX level clears when the FIFO is read below the trigger; RT and TX are acknowledged here. */
void uart_hw_ack(void) { REG32(ICR) = INT_RT | INT_TX; }
