#!/usr/bin/env bash
# Everything urpc needs on a fresh Debian 12 machine (run as root, or with sudo available):
# host C compilers with sanitizer runtimes, the Cortex-M cross compiler and its libcs, QEMU for
# the emulated boards, socat for ptys, valgrind for instruction counts, chromium for the browser
# console tests (driven by playwright-core, which downloads no browser), then the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

packages=(gcc clang libclang-rt-14-dev gcc-arm-none-eabi libnewlib-arm-none-eabi picolibc-arm-none-eabi
          qemu-system-arm socat valgrind chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
