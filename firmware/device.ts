// The device entry of every board: the static memory of the stack (tensor pool and its size
// table), one DeviceStack, and the three functions the board's C calls:
//
//   device_module_init();                 once, before anything else
//   device_deviceBoot();                  sends the boot Terminate and the ready log
//   device_deviceReboot();                the same after a warm reset (state dropped first)
//   device_deviceFeed(bytes);             every chunk read from the link (UART, stdin, ...)
//   device_deviceLog(text);               from fw_platform_log: a formatted log line
//   device_deviceTick();                  in the main loop: async replies; true while one is pending
//
// The board supplies the @extern hooks below in C (device_platformWrite, ...), including its
// tensor memory (device_platformPool: a static array sized for the board's RAM, split here into
// pages and their size table, DEVICE_BYTES_PER_PAGE bytes per 256-byte page). Their TypeScript
// bodies are what runs in Node: they keep a byte log and a fake clock so the module can be
// exercised in-process (the host's LocalSession uses the stack directly instead).

import { u8, u32, bytes, copy, view, divu, mul32, type Bytes } from './lib/prelude.ts';
import { Err } from './lib/errors.ts';
import type { WriteStream } from './framing/framer.ts';
import type { Platform } from './rpc/ports.ts';
import { DeviceStack } from './rpc/device_stack.ts';

/** Tensor memory per page: the page, the allocator's 8-byte entry and the u32 of the size table. */
export const DEVICE_BYTES_PER_PAGE = 268;

/** Node stand-in of the board's tensor memory: DEVICE_POOL_BYTES + DEVICE_SIZE_TABLE_BYTES
 * (1008 pages), the default pool (the native board's C uses the same). */
const DEVICE_MEMORY_BYTES = 270144;
const nodeMemory = bytes(DEVICE_MEMORY_BYTES);

/** The board's tensor memory (a static array; its size is the board's choice). Called once. */
/** @extern */
export function platformPool(): Bytes {
  return nodeMemory;
}

const memory: Bytes = platformPool();
const pages: u32 = divu(memory.length, u32(DEVICE_BYTES_PER_PAGE));
const pool: Bytes = view(memory, u32(0), mul32(pages, u32(264)));
const sizes: Bytes = view(memory, mul32(pages, u32(264)), mul32(pages, u32(DEVICE_BYTES_PER_PAGE)));

/** Node stand-ins for the hooks: the last bytes written, a clock and a random generator. */
const nodeOut = bytes(4096);
let nodeOutLen = u32(0);
let nodeTicks = u32(0);
let nodeRandom = u32(0x2545f491);

/** Writes all of `data` to the link (stdout, UART, ...); returns Err.Ok or a write-stream error. */
/** @extern */
export function platformWrite(data: Bytes): Err {
  if (data.length > u32(nodeOut.length - nodeOutLen)) {
    nodeOutLen = u32(0);
  }
  copy(nodeOut, nodeOutLen, data);
  nodeOutLen = u32(nodeOutLen + data.length);
  return Err.Ok;
}

/** A free-running counter at platformTicksPerSecond() Hz. */
/** @extern */
export function platformTicks(): u32 {
  nodeTicks = u32(nodeTicks + 10);
  return nodeTicks;
}

/** @extern */
export function platformTicksPerSecond(): u32 {
  return u32(1000000);
}

/** 32 random bits. */
/** @extern */
export function platformRandom(): u32 {
  let x: u32 = nodeRandom;
  x = u32(x ^ (x << 13));
  x = u32(x ^ (x >>> 17));
  x = u32(x ^ (x << 5));
  nodeRandom = x;
  return x;
}

/** Copies the board name into dst (at most dst.length bytes); returns its full length. */
/** @extern */
export function platformBoardName(dst: Bytes): u32 {
  if (dst.length >= 4) {
    dst[0] = u8(0x6e);
    dst[1] = u8(0x6f);
    dst[2] = u8(0x64);
    dst[3] = u8(0x65);
  }
  return u32(4);
}

/** The hooks as the stack's ports. */
class BoardPort implements WriteStream, Platform {
  write(data: Bytes): Err {
    return platformWrite(data);
  }
  ticks(): u32 {
    return platformTicks();
  }
  ticksPerSecond(): u32 {
    return platformTicksPerSecond();
  }
  random32(): u32 {
    return platformRandom();
  }
  boardName(dst: Bytes): u32 {
    return platformBoardName(dst);
  }
}

const port = new BoardPort();
const stack = new DeviceStack(pool, sizes, port, port);

export function deviceBoot(): void {
  stack.boot();
}

/** A reboot in place (a board's reset without one, e.g. the native board's SIGUSR1): every
 * tensor and the session are dropped and the boot Terminate goes out again. */
export function deviceReboot(): void {
  stack.reboot();
}

/** Returns the first framing error met in `data` (Err.Ok if none); later bytes are still used. */
export function deviceFeed(data: Bytes): Err {
  return stack.feed(data);
}

/** Bytes the link must still bring before the frame being received can be complete (a lower
 * bound: escapes add bytes; 1 between frames). */
export function deviceBytesNeeded(): u32 {
  return stack.bytesNeeded();
}

export function deviceLog(text: Bytes): Err {
  return stack.sendLog(text);
}

/** Call from the main loop, between reads: completes pending async device functions (their
 * replies go out from here). Returns true while one is pending: then poll the link instead of
 * blocking on it, so the next tick comes soon. */
export function deviceTick(): boolean {
  return stack.tick();
}

/** Node: the bytes written since the last call (a view, valid until the next write). */
export function nodeTakeOutput(): Bytes {
  const n: u32 = nodeOutLen;
  nodeOutLen = u32(0);
  return view(nodeOut, u32(0), n);
}
