/* ARM CMSDK APB UART (QEMU mps2-an385/an505): 1-byte buffers, separate RX and TX lines.
 * QEMU 7.2's model never calls qemu_chr_fe_accept_input() when RX is enabled or DATA is read,
 * so the next received byte waits for QEMU's main loop to wake for another reason (~1 s after
 * boot). board.c keeps a short SysTick period on these boards: each SysTick is a QEMU timer,
 * which wakes the main loop, which polls the socket again. */
#include "cm.h"

#define DATA (UART0_BASE + 0x00u)
#define STATE (UART0_BASE + 0x04u)
#define CTRL (UART0_BASE + 0x08u)
#define INTCLR (UART0_BASE + 0x0Cu)
#define BAUDDIV (UART0_BASE + 0x10u)
#define ST_TXFULL (1u << 0)
#define ST_RXFULL (1u << 1)
#define CTRL_TXEN (1u << 0)
#define CTRL_RXEN (1u << 1)
#define CTRL_TXIE (1u << 2)
#define CTRL_RXIE (1u << 3)

void uart_hw_init(void) {
  REG32(BAUDDIV) = CPU_HZ / 115200u; /* must be >= 16 */
  REG32(CTRL) = CTRL_TXEN | CTRL_RXEN;
}
int uart_hw_rx_ready(void) { return (REG32(STATE) & ST_RXFULL) != 0u; }
uint8_t uart_hw_rx_byte(void) { return (uint8_t)(REG32(DATA) & 0xFFu); }
int uart_hw_tx_ready(void) { return (REG32(STATE) & ST_TXFULL) == 0u; }
void uart_hw_tx_byte(uint8_t b) { REG32(DATA) = b; }
void uart_hw_rx_irq(int on) {
  if (on) REG32(CTRL) |= CTRL_RXIE;
  else REG32(CTRL) &= ~CTRL_RXIE;
}
void uart_hw_tx_irq(int on) {
  if (on) REG32(CTRL) |= CTRL_TXIE;
  else REG32(CTRL) &= ~CTRL_TXIE;
}
/* Clear both before draining: an edge that comes later raises the line again. */
void uart_hw_ack(void) { REG32(INTCLR) = 3u; }
