/* QEMU -M mps2-an505: Arm MPS2+ with the AN505 image, Cortex-M33 (boots Secure), code in
 * SSRAM1 (secure alias 0x10000000), data in SRAM (secure alias 0x38000000). UART0 is a CMSDK
 * APB UART at 0x50200000 (secure alias) with RX on IRQ 32 and TX on IRQ 33. */
#ifndef URPC_BOARD_H
#define URPC_BOARD_H
#define URPC_BOARD_NAME "qemu-mps2-an505"
#define CPU_HZ 20000000u /* QEMU mps2-an505 SYSCLK (20 MHz; matches the host clock) */
/* 1 ms SysTick: QEMU 7.2's CMSDK UART model does not ask for more input when the guest reads
 * DATA, so received bytes wait for QEMU's main loop; each SysTick wakes it (see uart_cmsdk.c). */
#define SYSTICK_RELOAD (CPU_HZ / 1000u - 1u)
#define UART0_BASE 0x50200000u
#define UART_RX_IRQn 32
#define UART_TX_IRQn 33
/* 1008 pages of 256 bytes (the native board's pool): a 64 KiB tensor fits whole. */
#define URPC_MEMORY_BYTES (1008u * 268u)
#define URPC_SEMIHOSTING 1
#endif
