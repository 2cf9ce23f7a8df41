/* fw_rt.h: the whole C runtime of FwTS. Static inline helpers only; no malloc, no printf.
 *
 * Every helper reproduces the JavaScript meaning of a prelude function (firmware/lib/prelude.ts)
 * without undefined or implementation-defined behaviour: arithmetic is done in uint32_t, signed
 * results are rebuilt portably, shift counts are masked as JS masks them. */
#ifndef FW_RT_H
#define FW_RT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* A byte buffer view: FwTS `Bytes` (a Uint8Array in Node). */
typedef struct fw_bytes {
  uint8_t *ptr;
  uint32_t len;
} fw_bytes;

enum { FW_PANIC_BOUNDS = 1, FW_PANIC_DIV_ZERO = 2, FW_PANIC_UNREACHABLE = 3 };

#if defined(__GNUC__)
#define FW_NORETURN __attribute__((noreturn))
#else
#define FW_NORETURN
#endif

/* Provided by the platform (board glue, or the difftest harness). */
FW_NORETURN void fw_panic(uint32_t code);
void fw_platform_log(const char *message, const int32_t *values, uint32_t count);

/* ToInt32 of a value already reduced mod 2^32: no implementation-defined conversion. */
static inline int32_t fw_i32(uint32_t x) {
  return x <= (uint32_t)INT32_MAX ? (int32_t)x : (int32_t)(x - 0x80000000u) + INT32_MIN;
}
static inline int16_t fw_i16(uint32_t x) {
  uint32_t v = x & 0xffffu;
  return v <= 0x7fffu ? (int16_t)v : (int16_t)((int32_t)v - 0x10000);
}
static inline int8_t fw_i8(uint32_t x) {
  uint32_t v = x & 0xffu;
  return v <= 0x7fu ? (int8_t)v : (int8_t)((int32_t)v - 0x100);
}

/* A signed value as uint32_t (mod 2^32, well defined). A function rather than a cast: gcc's
 * -Wsign-conversion misreports `u ^ (uint32_t)s` for a signed narrow s (a false positive). */
static inline uint32_t fw_u32(int32_t x) {
  return (uint32_t)x;
}

/* ~x. A function rather than the operator: gcc's -Wsign-compare flags a compared complement of
 * a promoted narrow value even after a cast back to the narrow type. */
static inline uint32_t fw_not32(uint32_t x) {
  return ~x;
}

/* JS `a >> n` on int32: arithmetic shift, count masked by 31. */
static inline int32_t fw_sar32(int32_t a, uint32_t n) {
  n &= 31u;
  return a < 0 ? (int32_t)~(~a >> n) : (int32_t)(a >> n);
}

static inline uint32_t fw_divu32(uint32_t a, uint32_t b) {
  if (b == 0u) fw_panic(FW_PANIC_DIV_ZERO);
  return a / b;
}
static inline uint32_t fw_modu32(uint32_t a, uint32_t b) {
  if (b == 0u) fw_panic(FW_PANIC_DIV_ZERO);
  return a % b;
}
/* JS `(a / b) | 0`: truncates toward zero like C99; INT32_MIN / -1 wraps to INT32_MIN. */
static inline int32_t fw_divi32(int32_t a, int32_t b) {
  if (b == 0) fw_panic(FW_PANIC_DIV_ZERO);
  if (b == -1) return fw_i32(0u - (uint32_t)a);
  return a / b;
}
static inline int32_t fw_modi32(int32_t a, int32_t b) {
  if (b == 0) fw_panic(FW_PANIC_DIV_ZERO);
  if (b == -1) return 0;
  return a % b;
}
static inline int32_t fw_imul32(int32_t a, int32_t b) {
  return fw_i32((uint32_t)a * (uint32_t)b);
}
/* Math.clz32(0) is 32; __builtin_clz(0) would be undefined. */
static inline uint32_t fw_clz32(uint32_t x) {
  uint32_t n = 0u;
  if (x == 0u) return 32u;
  while ((x & 0x80000000u) == 0u) {
    x <<= 1;
    n++;
  }
  return n;
}

/* Bounds checks: the same trap as the prelude's FwPanic in Node. `i` is the JS index (any
 * integer type, passed as int64 so negative signed indices are caught, not wrapped). */
static inline uint32_t fw_check(fw_bytes b, int64_t i, uint32_t n) {
  if (i < 0 || (uint64_t)i + n > b.len) fw_panic(FW_PANIC_BOUNDS);
  return (uint32_t)i;
}
static inline fw_bytes fw_view(uint8_t *ptr, uint32_t len) {
  fw_bytes b;
  b.ptr = ptr;
  b.len = len;
  return b;
}
/* view(b, begin, end): never clamps, panics out of range. */
static inline fw_bytes fw_view_of(fw_bytes b, int64_t begin, int64_t end) {
  if (begin < 0 || end < begin || end > (int64_t)b.len) fw_panic(FW_PANIC_BOUNDS);
  return fw_view(b.ptr + begin, (uint32_t)(end - begin));
}
static inline uint8_t fw_rd8(fw_bytes b, int64_t i) {
  return b.ptr[fw_check(b, i, 1u)];
}
static inline void fw_wr8(fw_bytes b, int64_t i, uint8_t v) {
  b.ptr[fw_check(b, i, 1u)] = v;
}
static inline uint16_t fw_rd16le(fw_bytes b, int64_t i) {
  uint32_t o = fw_check(b, i, 2u);
  return (uint16_t)((uint32_t)b.ptr[o] | ((uint32_t)b.ptr[o + 1u] << 8));
}
static inline uint16_t fw_rd16be(fw_bytes b, int64_t i) {
  uint32_t o = fw_check(b, i, 2u);
  return (uint16_t)(((uint32_t)b.ptr[o] << 8) | (uint32_t)b.ptr[o + 1u]);
}
static inline uint32_t fw_rd32le(fw_bytes b, int64_t i) {
  uint32_t o = fw_check(b, i, 4u);
  return (uint32_t)b.ptr[o] | ((uint32_t)b.ptr[o + 1u] << 8) | ((uint32_t)b.ptr[o + 2u] << 16) |
         ((uint32_t)b.ptr[o + 3u] << 24);
}
static inline uint32_t fw_rd32be(fw_bytes b, int64_t i) {
  uint32_t o = fw_check(b, i, 4u);
  return ((uint32_t)b.ptr[o] << 24) | ((uint32_t)b.ptr[o + 1u] << 16) | ((uint32_t)b.ptr[o + 2u] << 8) |
         (uint32_t)b.ptr[o + 3u];
}
static inline void fw_wr16le(fw_bytes b, int64_t i, uint16_t v) {
  uint32_t o = fw_check(b, i, 2u);
  b.ptr[o] = (uint8_t)v;
  b.ptr[o + 1u] = (uint8_t)(v >> 8);
}
static inline void fw_wr16be(fw_bytes b, int64_t i, uint16_t v) {
  uint32_t o = fw_check(b, i, 2u);
  b.ptr[o] = (uint8_t)(v >> 8);
  b.ptr[o + 1u] = (uint8_t)v;
}
static inline void fw_wr32le(fw_bytes b, int64_t i, uint32_t v) {
  uint32_t o = fw_check(b, i, 4u);
  b.ptr[o] = (uint8_t)v;
  b.ptr[o + 1u] = (uint8_t)(v >> 8);
  b.ptr[o + 2u] = (uint8_t)(v >> 16);
  b.ptr[o + 3u] = (uint8_t)(v >> 24);
}
static inline void fw_wr32be(fw_bytes b, int64_t i, uint32_t v) {
  uint32_t o = fw_check(b, i, 4u);
  b.ptr[o] = (uint8_t)(v >> 24);
  b.ptr[o + 1u] = (uint8_t)(v >> 16);
  b.ptr[o + 2u] = (uint8_t)(v >> 8);
  b.ptr[o + 3u] = (uint8_t)v;
}
/* copy(dst, at, src): as if through a temporary, since views may alias. */
static inline void fw_copy(fw_bytes dst, int64_t at, fw_bytes src) {
  uint32_t o = fw_check(dst, at, src.len);
  if (src.len != 0u) memmove(dst.ptr + o, src.ptr, src.len);
}
static inline void fw_fill(fw_bytes b, uint8_t value, int64_t begin, int64_t end) {
  fw_bytes r = fw_view_of(b, begin, end);
  if (r.len != 0u) memset(r.ptr, value, r.len);
}

#endif /* FW_RT_H */
