// The Arduino glue of urpc (PlatformIO envs in platformio.ini): Serial is the link, micros() the
// clock. Everything else is the portable core (urpc_port.c) and the generated C (built as a
// library by scripts/pio_urpc.py). Not compiled here: no Arduino core is available offline.
#include <Arduino.h>
#include "urpc_port.h"

static uint32_t serialRead(uint8_t *dst, uint32_t max) {
  uint32_t n = 0;
  while (n < max && Serial.available() > 0) dst[n++] = (uint8_t)Serial.read();
  return n;
}

static void serialWrite(const uint8_t *src, uint32_t n) {
  Serial.write(src, n); // blocks while the TX buffer is full
}

static uint32_t clockMicros(void) {
  return (uint32_t)micros();
}

static const urpc_port_ops ops = {serialRead, serialWrite, clockMicros};

void setup() {
  Serial.begin(115200);
  while (!Serial) {
    // native-USB boards (Pico, nRF52840): wait for the host to open the port
  }
  urpc_port_begin(&ops);
}

void loop() {
  urpc_port_poll();
}
