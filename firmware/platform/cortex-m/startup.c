/* Cortex-M startup of urpc's boards: the vector table and the reset handler, in C.
 * Every external interrupt goes to one dispatcher that reads IPSR, so the table needs no
 * per-board editing: the UART's RX/TX lines (board.h) go to uart_isr, anything else is a fault. */
#include "cm.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
int main(void);

void Reset_Handler(void);
void Fault_Handler(void);
void SysTick_Handler(void);
void Irq_Dispatch(void);

void Reset_Handler(void) {
  uint32_t *src = _sidata;
  uint32_t *dst = _sdata;
#if defined(__ARM_FP)
  /* A hard-float build (Cortex-M33 with fpv5-sp-d16, FwTS f32 in FPU instructions): CP10 and CP11
   * full access in CPACR before any float instruction. FPSCR's reset value is what FwTS needs:
   * round to nearest, no flush-to-zero, no default NaN. */
  REG32(0xE000ED88u) |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  while (dst < _edata) *dst++ = *src++;
  for (dst = _sbss; dst < _ebss;) *dst++ = 0u;
  (void)main();
  board_exit(0u);
}

/* NMI, HardFault, MemManage, BusFault, UsageFault, SVC, PendSV, stray IRQs: exit status 4. */
void Fault_Handler(void) {
  board_exit(4u);
}

void SysTick_Handler(void) {
  systick_isr();
}

void Irq_Dispatch(void) {
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  ipsr = (ipsr & 0x1ffu) - 16u;
  if (ipsr == (uint32_t)UART_RX_IRQn || ipsr == (uint32_t)UART_TX_IRQn) {
    uart_isr();
  } else {
    Fault_Handler();
  }
}

typedef union {
  void (*fn)(void);
  const void *sp;
} vector;

#define F {.fn = Fault_Handler}
#define I {.fn = Irq_Dispatch}
#define I8 I, I, I, I, I, I, I, I
/* 16 system exceptions + 64 external interrupts (enough for both QEMU machines). */
__attribute__((section(".isr_vector"), used)) const vector vector_table[16 + 64] = {
    {.sp = _estack}, {.fn = Reset_Handler}, F, F, F, F, F, {.fn = 0}, {.fn = 0}, {.fn = 0}, {.fn = 0},
    F, F, {.fn = 0}, F, {.fn = SysTick_Handler},
    I8, I8, I8, I8, I8, I8, I8, I8,
};
