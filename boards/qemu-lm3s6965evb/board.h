/* QEMU -M lm3s6965evb: TI Stellaris LM3S6965, Cortex-M3, 256 KiB flash, 64 KiB SRAM.
 * UART0 is a PL011 at 0x4000C000 on IRQ 5 (RX and TX on one line). */
#ifndef URPC_BOARD_H
#define URPC_BOARD_H
#define URPC_BOARD_NAME "qemu-lm3s6965evb"
#define CPU_HZ 12000000u /* QEMU's Stellaris system clock with the reset RCC value */
#define SYSTICK_RELOAD 0xFFFFFFu
#define UART0_BASE 0x4000C000u
#define UART_RX_IRQn 5
#define UART_TX_IRQn 5
/* 176 pages of 256 bytes = 44 KiB of tensors; with the stack's ~5 KiB of buffers, the UART
 * rings and a 6 KiB stack this fills the 64 KiB SRAM (the link checks it). */
#define URPC_MEMORY_BYTES (176u * 268u)
#define URPC_SEMIHOSTING 1
#endif
