/* urpc on a Cortex-M board: the main loop and the platform hooks of firmware/device.ts.
 * Everything protocol-related is the generated C; this file moves bytes and keeps time.
 *
 *   UART RX ring -> device_deviceFeed()     (chunks, in the main loop; wfi when idle and no
 *                                            async call is pending: device_deviceTick())
 *   device_platformWrite() -> UART TX ring  (blocks with wfi while the ring is full)
 *   device_platformTicks()                  SysTick at CPU_HZ, extended to 32 bits
 *   fw_platform_log() -> a session Log message (integers formatted here: no printf)
 *   fw_panic_at(code, ...) -> a "firmware panic: ..." Log line (../common/panic_report.h), then
 *                             exit status 16 + code (semihosting) or a system reset; in a user
 *                             device function only that call fails (../common/trap.h) */
#include "cm.h"
#include "device.h"
#include "../common/log_line.h"
#include "../common/trap.h"
#include "../common/panic_report.h"

static uint32_t rng_state = 0x2545f491u;
static volatile uint32_t ticks_base; /* ticks at the last SysTick wrap */
static int booted;
static int in_log;

__attribute__((noreturn)) void board_exit(uint32_t status) {
#if URPC_SEMIHOSTING
  static uint32_t block[2];
  uart_flush();
  block[0] = 0x20026u; /* ADP_Stopped_ApplicationExit */
  block[1] = status;
  {
    register uint32_t r0 __asm__("r0") = 0x20u; /* SYS_EXIT_EXTENDED: QEMU exits with status */
    register uint32_t r1 __asm__("r1") = (uint32_t)(uintptr_t)block;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  }
#else
  (void)status;
#endif
  __asm__ volatile("dsb" ::: "memory");
  REG32(SCB_AIRCR) = (0x05FAu << 16) | (1u << 2); /* SYSRESETREQ */
  __asm__ volatile("dsb" ::: "memory");
  for (;;) {
  }
}

/* A panic in a user device function ends that call only (trap.h); any other ends the firmware. */
void fw_panic_at(uint32_t code, const char *file, uint32_t line) {
  urpc_trap_raise(code, file, line);
  urpc_panic_unwind(code, file, line); /* to main, which sends the session Log line */
  uart_flush();
  board_exit(16u + code);
}

void systick_isr(void) {
  ticks_base = ticks_base + (uint32_t)SYSTICK_RELOAD + 1u;
}

uint32_t device_platformTicks(void) {
  uint32_t base;
  uint32_t val;
  irq_off();
  base = ticks_base;
  val = REG32(SYST_CVR);
  if ((REG32(SCB_ICSR) & ICSR_PENDSTSET) != 0u) { /* wrapped, its interrupt not yet taken */
    val = REG32(SYST_CVR);
    base += (uint32_t)SYSTICK_RELOAD + 1u;
  }
  irq_on();
  return base + ((uint32_t)SYSTICK_RELOAD - val);
}

uint32_t device_platformTicksPerSecond(void) {
  return CPU_HZ;
}

/* xorshift32 stirred with the SysTick count: the host's timing makes each boot's session
 * nonces differ (no hardware RNG on these boards). */
uint32_t device_platformRandom(void) {
  uint32_t x = rng_state ^ REG32(SYST_CVR);
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  if (x == 0u) x = 0x2545f491u;
  rng_state = x;
  return x;
}

Err device_platformWrite(fw_bytes data) {
  uart_write(data.ptr, data.len);
  return Err_Ok;
}

fw_bytes device_platformPool(void) {
  static uint8_t memory[URPC_MEMORY_BYTES];
  fw_bytes b;
  b.ptr = memory;
  b.len = (uint32_t)sizeof memory;
  return b;
}

uint32_t device_platformBoardName(fw_bytes dst) {
  static const char name[] = URPC_BOARD_NAME;
  uint32_t n = (uint32_t)(sizeof name - 1u);
  uint32_t i;
  for (i = 0; i < n && i < dst.len; i++) dst.ptr[i] = (uint8_t)name[i];
  return n;
}

/* "message v1 v2 ..." (signed decimal), at most 255 bytes as TVMLogf. Before boot: dropped. */
void fw_platform_log(const char *message, const int32_t *values, uint32_t count) {
  uint8_t line[255];
  fw_bytes text;
  int armed;
  if (!booted || in_log) return;
  text.len = urpc_log_line(line, (uint32_t)sizeof line, message, values, count);
  text.ptr = line;
  armed = urpc_trap_suspend(); /* the session's code: a panic there is not the app's */
  in_log = 1;
  (void)device_deviceLog(text);
  in_log = 0;
  urpc_trap_resume(armed);
}

#define CHUNK 64u

/* Mid-frame, the stack is fed a chunk at a time rather than each byte as the UART brings it:
 * every feed is a pass through framing and session, and where each byte is its own interrupt
 * (QEMU's PL011) byte-by-byte feeding cost ~15% of host -> device throughput. Bytes gather while
 * the frame needs more than the ring holds and no escape byte has come: every frame start begins
 * with one, so a new frame after a cut one is fed as soon as it arrives. */
static int gathering(uint32_t have) {
  uint32_t want = device_deviceBytesNeeded();
  if (want > CHUNK) want = CHUNK;
  return have > 0u && have < want && uart_rx_marked() == 0u;
}

int main(void) {
  static uint8_t chunk[CHUNK];
  REG32(SYST_RVR) = (uint32_t)SYSTICK_RELOAD;
  REG32(SYST_CVR) = 0u;
  REG32(SYST_CSR) = 7u; /* processor clock, interrupt, enable */
  uart_init();
  uart_rx_mark((uint8_t)Escape_Start);
  device_module_init();
  booted = 1;
  if (URPC_PANIC_CATCH()) {
    urpc_panic_report(); /* the session Log line */
    uart_flush();        /* out before the reset or the semihosting exit */
    board_exit(16u + urpc_panic_code);
  }
  urpc_panic_arm();
  device_deviceBoot();
  for (;;) {
    bool pending = device_deviceTick(); /* an async device function (urpc.sleep) in progress */
    uint32_t have = uart_rx_count();
    uint32_t n;
    if (!pending && gathering(have)) {
      irq_off();
      if (uart_rx_count() == have) wait_for_irq(); /* the next byte wakes it */
      irq_on();
      continue;
    }
    n = uart_read(chunk, (uint32_t)sizeof chunk);
    if (n > 0u) {
      fw_bytes b;
      b.ptr = chunk;
      b.len = n;
      (void)device_deviceFeed(b);
      continue;
    }
    if (pending) continue; /* poll it: no sleep until it has replied */
    irq_off();
    if (uart_rx_empty()) wait_for_irq(); /* an RX interrupt after the check still wakes it */
    irq_on();
  }
}
