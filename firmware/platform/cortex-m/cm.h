/* Cortex-M board layer of urpc: what the startup, the UART drivers and the board glue share.
 * Per-board constants come from the board's board.h (boards/<name>/board.h, on the -I path):
 *   URPC_BOARD_NAME      "qemu-lm3s6965evb"        name reported by urpc.info
 *   CPU_HZ               SysTick clock (the core clock), the time evaluator's tick rate
 *   SYSTICK_RELOAD       SysTick period - 1 (24 bits); each wrap adds SYSTICK_RELOAD + 1 ticks
 *   UART0_BASE, UART_RX_IRQn, UART_TX_IRQn (TX may equal RX: one combined line)
 *   URPC_MEMORY_BYTES    tensor memory (firmware/device.ts: 268 bytes per 256-byte page)
 *   URPC_SEMIHOSTING     1: fw_panic and faults exit QEMU with a status (semihosting), 0: reset */
#ifndef URPC_CM_H
#define URPC_CM_H
#include <stdint.h>
#include "board.h"

#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))

/* System Control Block, SysTick, NVIC: architectural, the same on every Cortex-M. */
#define SCB_ICSR 0xE000ED04u
#define SCB_AIRCR 0xE000ED0Cu
#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u
#define NVIC_ISER0 0xE000E100u
#define NVIC_ISPR0 0xE000E200u
#define ICSR_PENDSTSET (1u << 26)

static inline void irq_off(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void irq_on(void) { __asm__ volatile("cpsie i" ::: "memory"); }
/* Sleeps until an interrupt is pending (wakes even with PRIMASK set: call it with irqs off). */
static inline void wait_for_irq(void) { __asm__ volatile("dsb\n\twfi" ::: "memory"); }
static inline void nvic_enable(uint32_t irq) { REG32(NVIC_ISER0 + 4u * (irq / 32u)) = 1u << (irq % 32u); }
/* Marks an interrupt pending by software: its handler runs as if the device had raised it. */
static inline void nvic_pend(uint32_t irq) { REG32(NVIC_ISPR0 + 4u * (irq / 32u)) = 1u << (irq % 32u); }

/* The UART, interrupt-driven, with back-pressure both ways (uart.c). */
void uart_init(void);
/* Moves up to max received bytes to dst; returns how many (0: nothing pending). */
uint32_t uart_read(uint8_t *dst, uint32_t max);
/* Nothing received (call with irqs off before sleeping). */
int uart_rx_empty(void);
/* Bytes received and not yet read. */
uint32_t uart_rx_count(void);
/* From now on, uart_rx_marked() counts the received, unread bytes equal to b. */
void uart_rx_mark(uint8_t b);
uint32_t uart_rx_marked(void);
/* Queues all n bytes for sending; sleeps (wfi) while the TX ring is full. */
void uart_write(const uint8_t *p, uint32_t n);
/* Sends everything still queued (before an exit). */
void uart_flush(void);
/* The UART's interrupt (RX and TX), called by the vector table's dispatcher. */
void uart_isr(void);

/* The model's registers (uart_pl011.c or uart_cmsdk.c). */
void uart_hw_init(void);
int uart_hw_rx_ready(void);
uint8_t uart_hw_rx_byte(void);
int uart_hw_tx_ready(void);
void uart_hw_tx_byte(uint8_t b);
void uart_hw_rx_irq(int on);
void uart_hw_tx_irq(int on);
void uart_hw_ack(void);

/* SysTick wraps (board.c). */
void systick_isr(void);
/* Ends the program: semihosting exit with this status, or a system reset. */
__attribute__((noreturn)) void board_exit(uint32_t status);
#endif
