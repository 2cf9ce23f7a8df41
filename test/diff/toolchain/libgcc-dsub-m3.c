/* A defect of the Cortex-M toolchain, not of urpc: arm-none-eabi-gcc 12.2.1's libgcc
 * __aeabi_dsub for v7-m / v7e-m (the assembler of ieee754-df.S, _arm_addsubdf3.o) rounds
 * -2^63 - -(2^31 - 1) to c3dfffffffe00001, one ulp too large: the exact difference
 * -(2^63 - 2^31 + 1) is 1 from c3dfffffffe00000 and 1023 from the other. v6-m's libgcc (C soft-fp,
 * subdf3.o) and x86-64 give c3dfffffffe00000, as Node does. Found by the difftest corpus module
 * test/diff/corpus/floatops.ts on qemu:lm3s6965evb (QEMU 7.2). To reproduce:
 *
 *   arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb --specs=picolibc.specs --oslib=semihost \
 *     --crt0=semihost -Wl,--defsym=__flash=0x0 -Wl,--defsym=__flash_size=256K \
 *     -Wl,--defsym=__ram=0x20000000 -Wl,--defsym=__ram_size=64K -Wl,--defsym=__stack_size=8K \
 *     -O2 libgcc-dsub-m3.c -o t.elf
 *   qemu-system-arm -M lm3s6965evb -nographic -semihosting-config enable=on,target=native -kernel t.elf
 *
 * prints c3dfffffffe00001 (-mcpu=cortex-m0plus: c3dfffffffe00000). urpc's own Cortex-M links take
 * __aeabi_dadd/__aeabi_dsub from the v6-m libgcc instead (host/board/softfp.ts); test/diff/softfp.test.ts
 * builds this file that way and checks it prints c3dfffffffe00000 on M3 and M4F. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

volatile uint32_t lo_b = 0xffc00000u;

int main(void) {
  uint64_t ab = 0xc3e0000000000000u, bb = ((uint64_t)0xc1dfffffu << 32) | lo_b, r;
  double a, b, d;
  memcpy(&a, &ab, sizeof a);
  memcpy(&b, &bb, sizeof b);
  d = a - b;
  memcpy(&r, &d, sizeof r);
  printf("%08lx%08lx\n", (unsigned long)(r >> 32), (unsigned long)r);
  return 0;
}
