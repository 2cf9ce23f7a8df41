/* libFuzzer entry for one FwTS fuzz harness (test/fuzz/targets/<name>_fuzz.ts lowered to C).
 * test/fuzz/build.ts compiles it with
 *   -include <prefix>.h -DFUZZ_MAIN=<prefix>_main -DFUZZ_INIT=<prefix>_module_init
 * and clang -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all.
 *
 * Each input is copied into a buffer of exactly its size (ASan sees a one-byte overrun) and
 * given to FUZZ_MAIN with a 64-byte summary buffer. fw_panic_at() never returns: a harness
 * invariant (code >= 0xF000, see fuzz_lib.ts Inv) or a firmware panic (bounds, division by zero,
 * allocator check) prints one line "urpc-fuzz: ..." and aborts, which libFuzzer reports as a
 * crash and saves the input. Device log() lines are dropped. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_rt.h"

/* The rpc target links the RPC server, whose calls of app functions go through the panic trap
 * of firmware/rpc/contain.ts: its C hooks (never armed here: the fuzzed firmware has no app). */
#if defined(__has_include)
#if __has_include("contain.h")
#include "../../../firmware/platform/common/trap.h"
#define FUZZ_TRAP 1
#endif
#endif

#ifndef FUZZ_MAIN
#error "define FUZZ_MAIN and FUZZ_INIT (test/fuzz/build.ts does)"
#endif

#define FUZZ_FAIL 0xF000u

void fw_panic_at(uint32_t code, const char *file, uint32_t line) {
#ifdef FUZZ_TRAP
  urpc_trap_raise(code, file, line);
#endif
  (void)file;
  (void)line;
  if (code >= FUZZ_FAIL) {
    fprintf(stderr, "urpc-fuzz: invariant %lu failed (panic 0x%lX)\n", (unsigned long)(code - FUZZ_FAIL),
            (unsigned long)code);
  } else {
    fprintf(stderr, "urpc-fuzz: firmware panic %lu (0x%lX)\n", (unsigned long)code, (unsigned long)code);
  }
  fflush(stderr);
  abort();
}

void fw_platform_log(const char *message, const int32_t *values, uint32_t count) {
  (void)message;
  (void)values;
  (void)count;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  FUZZ_INIT();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static uint8_t summary[64];
  uint8_t *in;
  uint32_t n;
  if (size > 0x100000u) return 0;
  n = (uint32_t)size;
  in = (uint8_t *)malloc(n ? n : 1u);
  if (in == NULL) return 0;
  if (n) memcpy(in, data, n);
  memset(summary, 0, sizeof summary);
  (void)FUZZ_MAIN(fw_view(in, n), fw_view(summary, (uint32_t)sizeof summary));
  free(in);
  return 0;
}
