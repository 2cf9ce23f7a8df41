/* Work-per-byte harness for `npm run bench` (bench/run.ts): the generated C of firmware/ built at
 * -O2 and run under valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_region,
 * so only the work inside bench_region() is counted (setup, payload generation and pre-framing
 * are not).
 *
 *   wpb frame <random|ff> <frames> <payload>         Framer_writeFrame per frame into a null sink
 *   wpb unframe <random|ff> <frames> <payload> <whole|byte>
 *                                                    Unframer_write on pre-framed wire bytes, the
 *                                                    whole buffer per call or one byte per call
 *   wpb call <transcript> <offset> <end> <iters>     replays a recorded host->device byte stream
 *                                                    (session start, lookups); then feeds the
 *                                                    recorded CallFunc request [offset,end) in one
 *                                                    device_deviceFeed per iteration
 * Prints "bytes <n>": the payload bytes (or calls) the region processed. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "framer.h"
#include "unframer.h"
#include "../../firmware/platform/common/trap.h"

void fw_panic_at(uint32_t code, const char *file, uint32_t line) {
  urpc_trap_raise(code, file, line);
  fprintf(stderr, "wpb: panic %u at %s:%u\n", (unsigned)code, file, (unsigned)line);
  exit(3);
}

void fw_platform_log(const char *message, const int32_t *values, uint32_t count) {
  (void)message; (void)values; (void)count;
}

/* ---- device hooks (the same xorshift as the native board, seeded like URPC_SEED) ---- */
static uint32_t rng_state = 1u;
static uint32_t ticks;
static unsigned long dev_out;

Err device_platformWrite(fw_bytes data) { dev_out += data.len; return Err_Ok; }
uint32_t device_platformTicks(void) { return ticks += 10u; }
uint32_t device_platformTicksPerSecond(void) { return 1000000u; }
uint32_t device_platformRandom(void) {
  uint32_t x = rng_state;
  x ^= x << 13; x ^= x >> 17; x ^= x << 5;
  rng_state = x;
  return x;
}
fw_bytes device_platformPool(void) {
  static uint8_t memory[1008u * 268u];
  fw_bytes b; b.ptr = memory; b.len = (uint32_t)sizeof memory;
  return b;
}
uint32_t device_platformBoardName(fw_bytes dst) {
  static const char name[] = "native";
  uint32_t n = (uint32_t)(sizeof name - 1u);
  memcpy(dst.ptr, name, n < dst.len ? n : dst.len);
  return n;
}

/* ---- framing sinks ---- */
static uint8_t *wire;
static size_t wire_len, wire_cap;
static int capture;

static Err sink_write(void *self, fw_bytes data) {
  (void)self;
  if (capture) {
    if (wire_len + data.len > wire_cap) { fprintf(stderr, "wpb: wire buffer full\n"); exit(2); }
    memcpy(wire + wire_len, data.ptr, data.len);
  }
  wire_len += data.len;
  return Err_Ok;
}
static const WriteStream_vt sink_vt = { sink_write };

static unsigned long frames_ok, frames_bad, payload_in;
static Err fs_start(void *self, uint32_t len) { (void)self; (void)len; return Err_Ok; }
static Err fs_data(void *self, fw_bytes d) { (void)self; payload_in += d.len; return Err_Ok; }
static void fs_end(void *self, bool valid) { (void)self; if (valid) frames_ok++; else frames_bad++; }
static const FrameSink_vt fsink_vt = { fs_start, fs_data, fs_end };

static Framer framer;
static Unframer unframer;
static uint8_t *payloads;
static unsigned long nframes, plen;
static const char *mode;
static int one_byte;
static uint8_t *tx;
static size_t tx_off, tx_end;
static unsigned long iters;

__attribute__((noinline)) static void bench_region(void) {
  unsigned long i;
  if (strcmp(mode, "frame") == 0) {
    for (i = 0; i < nframes; i++) {
      fw_bytes p; p.ptr = payloads + i * plen; p.len = (uint32_t)plen;
      if (Framer_writeFrame(&framer, p) != Err_Ok) fw_panic(100);
    }
  } else if (strcmp(mode, "unframe") == 0) {
    if (one_byte) {
      size_t k;
      for (k = 0; k < wire_len; k++) {
        fw_bytes b; b.ptr = wire + k; b.len = 1u;
        (void)Unframer_write(&unframer, b);
      }
    } else {
      fw_bytes b; b.ptr = wire; b.len = (uint32_t)wire_len;
      (void)Unframer_write(&unframer, b);
    }
  } else {
    for (i = 0; i < iters; i++) {
      fw_bytes b; b.ptr = tx + tx_off; b.len = (uint32_t)(tx_end - tx_off);
      unsigned long before = dev_out;
      if (device_deviceFeed(b) != Err_Ok) fw_panic(101);
      (void)device_deviceTick();
      if (dev_out == before) fw_panic(104); /* no reply: not a request this session answers */
    }
  }
}

static void fill(int ff) {
  unsigned long i;
  uint32_t x = 0x12345678u;
  payloads = malloc(nframes * plen + 1u);
  for (i = 0; i < nframes * plen; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    payloads[i] = ff ? 0xffu : (uint8_t)(x >> 24);
  }
}

int main(int argc, char **argv) {
  WriteStream ws; FrameSink fsink;
  if (argc < 2) { fprintf(stderr, "usage: see bench/harness/wpb.c\n"); return 2; }
  mode = argv[1];
  device_module_init();
  ws.self = NULL; ws.vt = &sink_vt;
  fsink.self = NULL; fsink.vt = &fsink_vt;
  Framer_init(&framer, ws);
  Unframer_init(&unframer, fsink);
  if (strcmp(mode, "frame") == 0 || strcmp(mode, "unframe") == 0) {
    if (argc < 5) return 2;
    nframes = strtoul(argv[3], NULL, 0);
    plen = strtoul(argv[4], NULL, 0);
    fill(strcmp(argv[2], "ff") == 0);
    if (strcmp(mode, "unframe") == 0) {
      unsigned long i;
      one_byte = argc > 5 && strcmp(argv[5], "byte") == 0;
      wire_cap = nframes * (2u * plen + 32u);
      wire = malloc(wire_cap);
      capture = 1;
      for (i = 0; i < nframes; i++) {
        fw_bytes p; p.ptr = payloads + i * plen; p.len = (uint32_t)plen;
        if (Framer_writeFrame(&framer, p) != Err_Ok) fw_panic(102);
      }
      capture = 0;
    }
    bench_region();
    if (strcmp(mode, "unframe") == 0 && (frames_ok != nframes || payload_in != nframes * plen)) {
      fprintf(stderr, "wpb: unframed %lu/%lu frames (%lu bad)\n", frames_ok, nframes, frames_bad);
      return 1;
    }
    printf("bytes %lu wire %lu\n", nframes * plen, (unsigned long)wire_len);
    return 0;
  }
  if (strcmp(mode, "call") == 0) {
    FILE *f; long n; unsigned long out0;
    if (argc < 6) return 2;
    f = fopen(argv[2], "rb");
    if (f == NULL) { perror(argv[2]); return 2; }
    fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
    tx = malloc((size_t)n + 1u);
    if (fread(tx, 1, (size_t)n, f) != (size_t)n) return 2;
    fclose(f);
    tx_off = strtoul(argv[3], NULL, 0);
    tx_end = strtoul(argv[4], NULL, 0);
    iters = strtoul(argv[5], NULL, 0);
    rng_state = argc > 6 ? (uint32_t)strtoul(argv[6], NULL, 0) : 1u;
    device_deviceBoot();
    { fw_bytes b; b.ptr = tx; b.len = (uint32_t)tx_off; if (device_deviceFeed(b) != Err_Ok) fw_panic(103); }
    out0 = dev_out;
    bench_region();
    printf("bytes %lu wire %lu\n", iters, dev_out - out0);
    return 0;
  }
  return 2;
}
