/* fw_rt.h: the whole C runtime of FwTS. Static inline helpers only; no malloc, no printf.
 *
 * Every helper reproduces the JavaScript meaning of a prelude function (firmware/lib/prelude.ts)
 * without undefined or implementation-defined behaviour: arithmetic is done in uint32_t, signed
 * results are rebuilt portably, shift counts are masked as JS masks them. */
#ifndef FW_RT_H
#define FW_RT_H

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* FwTS f32/f64 are IEEE binary32/binary64 rounded after every operation, as Node rounds: no
 * excess precision (x87's FLT_EVAL_METHOD 2 would keep doubles in 80 bits). Builds also pass
 * -ffp-contract=off (no fused multiply-add) and never -ffast-math. */
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "FwTS floats need FLT_EVAL_METHOD == 0 (SSE on x86, any ARM): every operation rounded to its own type"
#endif

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

/* Provided by the platform (board glue, or the difftest harness). fw_panic_at never returns;
 * `file` and `line` say where the panic was raised: the generated C runs under `#line`
 * directives, so they name the FwTS source (`../../../examples/app/scale.ts`, 20). A board that
 * contains panics of user device functions (firmware/platform/common/trap.h) reports them. */
FW_NORETURN void fw_panic_at(uint32_t code, const char *file, uint32_t line);
void fw_platform_log(const char *message, const int32_t *values, uint32_t count);

/* Every panicking helper below is a macro over its *_at function, so that __FILE__ and
 * __LINE__ are those of the generated C that called it (the .ts line), not of this header. */
#define FW_HERE __FILE__, (uint32_t)__LINE__
#define fw_panic(code) fw_panic_at((code), FW_HERE)

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

static inline uint32_t fw_divu32_at(uint32_t a, uint32_t b, const char *fw_file, uint32_t fw_line) {
  if (b == 0u) fw_panic_at(FW_PANIC_DIV_ZERO, fw_file, fw_line);
  return a / b;
}
#define fw_divu32(...) fw_divu32_at(__VA_ARGS__, FW_HERE)
static inline uint32_t fw_modu32_at(uint32_t a, uint32_t b, const char *fw_file, uint32_t fw_line) {
  if (b == 0u) fw_panic_at(FW_PANIC_DIV_ZERO, fw_file, fw_line);
  return a % b;
}
#define fw_modu32(...) fw_modu32_at(__VA_ARGS__, FW_HERE)
/* JS `(a / b) | 0`: truncates toward zero like C99; INT32_MIN / -1 wraps to INT32_MIN. */
static inline int32_t fw_divi32_at(int32_t a, int32_t b, const char *fw_file, uint32_t fw_line) {
  if (b == 0) fw_panic_at(FW_PANIC_DIV_ZERO, fw_file, fw_line);
  if (b == -1) return fw_i32(0u - (uint32_t)a);
  return a / b;
}
#define fw_divi32(...) fw_divi32_at(__VA_ARGS__, FW_HERE)
static inline int32_t fw_modi32_at(int32_t a, int32_t b, const char *fw_file, uint32_t fw_line) {
  if (b == 0) fw_panic_at(FW_PANIC_DIV_ZERO, fw_file, fw_line);
  if (b == -1) return 0;
  return a % b;
}
#define fw_modi32(...) fw_modi32_at(__VA_ARGS__, FW_HERE)
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
static inline uint32_t fw_check_at(fw_bytes b, int64_t i, uint32_t n, const char *fw_file, uint32_t fw_line) {
  if (i < 0 || (uint64_t)i + n > b.len) fw_panic_at(FW_PANIC_BOUNDS, fw_file, fw_line);
  return (uint32_t)i;
}
#define fw_check(...) fw_check_at(__VA_ARGS__, FW_HERE)
static inline fw_bytes fw_view(uint8_t *ptr, uint32_t len) {
  fw_bytes b;
  b.ptr = ptr;
  b.len = len;
  return b;
}
/* view(b, begin, end): never clamps, panics out of range. */
static inline fw_bytes fw_view_of_at(fw_bytes b, int64_t begin, int64_t end, const char *fw_file, uint32_t fw_line) {
  if (begin < 0 || end < begin || end > (int64_t)b.len) fw_panic_at(FW_PANIC_BOUNDS, fw_file, fw_line);
  return fw_view(b.ptr + begin, (uint32_t)(end - begin));
}
#define fw_view_of(...) fw_view_of_at(__VA_ARGS__, FW_HERE)
static inline uint8_t fw_rd8_at(fw_bytes b, int64_t i, const char *fw_file, uint32_t fw_line) {
  return b.ptr[fw_check_at(b, i, 1u, fw_file, fw_line)];
}
#define fw_rd8(...) fw_rd8_at(__VA_ARGS__, FW_HERE)
static inline void fw_wr8_at(fw_bytes b, int64_t i, uint8_t v, const char *fw_file, uint32_t fw_line) {
  b.ptr[fw_check_at(b, i, 1u, fw_file, fw_line)] = v;
}
#define fw_wr8(...) fw_wr8_at(__VA_ARGS__, FW_HERE)
static inline uint16_t fw_rd16le_at(fw_bytes b, int64_t i, const char *fw_file, uint32_t fw_line) {
  uint32_t o = fw_check_at(b, i, 2u, fw_file, fw_line);
  return (uint16_t)((uint32_t)b.ptr[o] | ((uint32_t)b.ptr[o + 1u] << 8));
}
#define fw_rd16le(...) fw_rd16le_at(__VA_ARGS__, FW_HERE)
static inline uint16_t fw_rd16be_at(fw_bytes b, int64_t i, const char *fw_file, uint32_t fw_line) {
  uint32_t o = fw_check_at(b, i, 2u, fw_file, fw_line);
  return (uint16_t)(((uint32_t)b.ptr[o] << 8) | (uint32_t)b.ptr[o + 1u]);
}
#define fw_rd16be(...) fw_rd16be_at(__VA_ARGS__, FW_HERE)
static inline uint32_t fw_rd32le_at(fw_bytes b, int64_t i, const char *fw_file, uint32_t fw_line) {
  uint32_t o = fw_check_at(b, i, 4u, fw_file, fw_line);
  return (uint32_t)b.ptr[o] | ((uint32_t)b.ptr[o + 1u] << 8) | ((uint32_t)b.ptr[o + 2u] << 16) |
         ((uint32_t)b.ptr[o + 3u] << 24);
}
#define fw_rd32le(...) fw_rd32le_at(__VA_ARGS__, FW_HERE)
static inline uint32_t fw_rd32be_at(fw_bytes b, int64_t i, const char *fw_file, uint32_t fw_line) {
  uint32_t o = fw_check_at(b, i, 4u, fw_file, fw_line);
  return ((uint32_t)b.ptr[o] << 24) | ((uint32_t)b.ptr[o + 1u] << 16) | ((uint32_t)b.ptr[o + 2u] << 8) |
         (uint32_t)b.ptr[o + 3u];
}
#define fw_rd32be(...) fw_rd32be_at(__VA_ARGS__, FW_HERE)
static inline void fw_wr16le_at(fw_bytes b, int64_t i, uint16_t v, const char *fw_file, uint32_t fw_line) {
  uint32_t o = fw_check_at(b, i, 2u, fw_file, fw_line);
  b.ptr[o] = (uint8_t)v;
  b.ptr[o + 1u] = (uint8_t)(v >> 8);
}
#define fw_wr16le(...) fw_wr16le_at(__VA_ARGS__, FW_HERE)
static inline void fw_wr16be_at(fw_bytes b, int64_t i, uint16_t v, const char *fw_file, uint32_t fw_line) {
  uint32_t o = fw_check_at(b, i, 2u, fw_file, fw_line);
  b.ptr[o] = (uint8_t)(v >> 8);
  b.ptr[o + 1u] = (uint8_t)v;
}
#define fw_wr16be(...) fw_wr16be_at(__VA_ARGS__, FW_HERE)
static inline void fw_wr32le_at(fw_bytes b, int64_t i, uint32_t v, const char *fw_file, uint32_t fw_line) {
  uint32_t o = fw_check_at(b, i, 4u, fw_file, fw_line);
  b.ptr[o] = (uint8_t)v;
  b.ptr[o + 1u] = (uint8_t)(v >> 8);
  b.ptr[o + 2u] = (uint8_t)(v >> 16);
  b.ptr[o + 3u] = (uint8_t)(v >> 24);
}
#define fw_wr32le(...) fw_wr32le_at(__VA_ARGS__, FW_HERE)
static inline void fw_wr32be_at(fw_bytes b, int64_t i, uint32_t v, const char *fw_file, uint32_t fw_line) {
  uint32_t o = fw_check_at(b, i, 4u, fw_file, fw_line);
  b.ptr[o] = (uint8_t)(v >> 24);
  b.ptr[o + 1u] = (uint8_t)(v >> 16);
  b.ptr[o + 2u] = (uint8_t)(v >> 8);
  b.ptr[o + 3u] = (uint8_t)v;
}
#define fw_wr32be(...) fw_wr32be_at(__VA_ARGS__, FW_HERE)
/* copy(dst, at, src): as if through a temporary, since views may alias. */
static inline void fw_copy_at(fw_bytes dst, int64_t at, fw_bytes src, const char *fw_file, uint32_t fw_line) {
  uint32_t o = fw_check_at(dst, at, src.len, fw_file, fw_line);
  if (src.len != 0u) memmove(dst.ptr + o, src.ptr, src.len);
}
#define fw_copy(...) fw_copy_at(__VA_ARGS__, FW_HERE)
static inline void fw_fill_at(fw_bytes b, uint8_t value, int64_t begin, int64_t end, const char *fw_file, uint32_t fw_line) {
  fw_bytes r = fw_view_of_at(b, begin, end, fw_file, fw_line);
  if (r.len != 0u) memset(r.ptr, value, r.len);
}
#define fw_fill(...) fw_fill_at(__VA_ARGS__, FW_HERE)

/* ------------------------------------------------------------------ floats (firmware/lib/float.ts)
 * Static inline and unused by integer-only code, so an image without floats does not grow. */

#define FW_F64_NAN ((double)NAN)
#define FW_F32_NAN ((float)NAN)
#define FW_F64_INFINITY ((double)INFINITY)
#define FW_F32_INFINITY ((float)INFINITY)

/* The sign bit (also of -0), read from the encoding: C99's signbit() is a macro that some C
 * libraries expand to a call of the other width (a conversion warning). */
static inline bool fw_signbit64(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return (b >> 63) != 0u;
}
static inline bool fw_signbit32(float x) {
  uint32_t b;
  memcpy(&b, &x, sizeof b);
  return (b >> 31) != 0u;
}

/* JS ToUint32 of a double: truncate toward zero, wrap mod 2^32; NaN and +-Infinity give 0. No
 * out-of-range conversion (undefined in C): below 2^52 through int64_t, above it from the bits. */
static inline uint32_t fw_f64_u32(double x) {
  uint64_t b, m;
  int e;
  uint32_t r;
  if (!(x - x == 0.0)) return 0u; /* NaN, or Infinity (Infinity - Infinity is NaN) */
  if (x > -4503599627370496.0 && x < 4503599627370496.0) return (uint32_t)(uint64_t)(int64_t)x;
  memcpy(&b, &x, sizeof b); /* |x| >= 2^52: x = m * 2^e, an integer, e >= 0 */
  e = (int)((b >> 52) & 0x7ffu) - 1075;
  m = (b & 0xfffffffffffffu) | 0x10000000000000u;
  r = e >= 32 ? 0u : (uint32_t)(m << e);
  return (b >> 63) != 0u ? 0u - r : r;
}
static inline int32_t fw_f64_i32(double x) {
  return fw_i32(fw_f64_u32(x));
}
static inline uint32_t fw_f32_u32(float x) {
  return fw_f64_u32((double)x);
}
static inline int32_t fw_f32_i32(float x) {
  return fw_i32(fw_f64_u32((double)x));
}

/* sqrt is correctly rounded (IEEE 754) in every C library we link. The rest is written here:
 * picolibc's trunc() (Cortex-M difftest) garbled the mantissa of large negative doubles. */
static inline double fw_sqrt(double x) { return sqrt(x); }
static inline float fw_sqrtf(float x) { return sqrtf(x); }
static inline double fw_abs(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  b &= 0x7fffffffffffffffu;
  memcpy(&x, &b, sizeof x);
  return x;
}
static inline float fw_absf(float x) {
  uint32_t b;
  memcpy(&b, &x, sizeof b);
  b &= 0x7fffffffu;
  memcpy(&x, &b, sizeof x);
  return x;
}
/* Toward zero, keeping the sign of a zero result (trunc(-0.5) is -0). From 2^52 (2^23 for f32)
 * every value is an integer; NaN and the infinities are returned as they are. Below, the
 * conversion through int64_t (int32_t) is exact. */
static inline double fw_trunc(double x) {
  double t;
  if (!(x > -4503599627370496.0 && x < 4503599627370496.0)) return x;
  t = (double)(int64_t)x;
  if (t == 0.0) return fw_signbit64(x) ? -0.0 : 0.0;
  return t;
}
static inline float fw_truncf(float x) {
  float t;
  if (!(x > -8388608.0f && x < 8388608.0f)) return x;
  t = (float)(int32_t)x;
  if (t == 0.0f) return fw_signbit32(x) ? -0.0f : 0.0f;
  return t;
}
/* floor(-0.5) is -1, floor(-0) is -0; ceil(-0.5) is -0 (from trunc). */
static inline double fw_floor(double x) {
  double t = fw_trunc(x);
  return t > x ? t - 1.0 : t;
}
static inline float fw_floorf(float x) {
  float t = fw_truncf(x);
  return t > x ? t - 1.0f : t;
}
static inline double fw_ceil(double x) {
  double t = fw_trunc(x);
  return t < x ? t + 1.0 : t;
}
static inline float fw_ceilf(float x) {
  float t = fw_truncf(x);
  return t < x ? t + 1.0f : t;
}

/* JS Math.round: ties toward +Infinity, -0 for x in [-0.5, -0]. x - floor(x) is exact (the
 * fraction of x, or 1 - fraction for a negative x, both representable), and r + 1 is exact
 * (x is then not an integer, so |r| < 2^52). */
static inline double fw_round(double x) {
  double r = fw_floor(x);
  if (x - r >= 0.5) r += 1.0;
  if (r == 0.0) return fw_signbit64(x) ? -0.0 : 0.0;
  return r;
}
static inline float fw_roundf(float x) {
  float r = fw_floorf(x);
  if (x - r >= 0.5f) r += 1.0f;
  if (r == 0.0f) return fw_signbit32(x) ? -0.0f : 0.0f;
  return r;
}

/* JS Math.min / Math.max of two: NaN if either is NaN, -0 below +0 (C's fmin/fmax differ). */
static inline double fw_min(double a, double b) {
  if (a != a || b != b) return FW_F64_NAN;
  if (a == b) return fw_signbit64(a) ? a : b;
  return a < b ? a : b;
}
static inline double fw_max(double a, double b) {
  if (a != a || b != b) return FW_F64_NAN;
  if (a == b) return fw_signbit64(a) ? b : a;
  return a > b ? a : b;
}
static inline float fw_minf(float a, float b) {
  if (a != a || b != b) return FW_F32_NAN;
  if (a == b) return fw_signbit32(a) ? a : b;
  return a < b ? a : b;
}
static inline float fw_maxf(float a, float b) {
  if (a != a || b != b) return FW_F32_NAN;
  if (a == b) return fw_signbit32(a) ? b : a;
  return a > b ? a : b;
}

/* |x| with y's sign; -0 is negative, a NaN y positive (a NaN's sign bit differs between CPUs). */
static inline double fw_copysign(double x, double y) {
  double m = fw_abs(x);
  return (y < 0.0 || (y == 0.0 && fw_signbit64(y))) ? -m : m;
}
static inline float fw_copysignf(float x, float y) {
  float m = fw_absf(x);
  return (y < 0.0f || (y == 0.0f && fw_signbit32(y))) ? -m : m;
}

/* Bit casts; every NaN reads as the canonical quiet NaN, so payloads never reach the bytes. */
static inline uint32_t fw_f32bits(float x) {
  uint32_t b;
  if (x != x) return 0x7fc00000u;
  memcpy(&b, &x, sizeof b);
  return b;
}
static inline float fw_f32frombits(uint32_t b) {
  float x;
  memcpy(&x, &b, sizeof x);
  return x;
}
static inline uint32_t fw_f64hi(double x) {
  uint64_t b;
  if (x != x) return 0x7ff80000u;
  memcpy(&b, &x, sizeof b);
  return (uint32_t)(b >> 32);
}
static inline uint32_t fw_f64lo(double x) {
  uint64_t b;
  if (x != x) return 0u;
  memcpy(&b, &x, sizeof b);
  return (uint32_t)b;
}
static inline double fw_f64frombits(uint32_t hi, uint32_t lo) {
  uint64_t b = ((uint64_t)hi << 32) | lo;
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
}

#endif /* FW_RT_H */
