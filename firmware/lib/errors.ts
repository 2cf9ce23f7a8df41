// One error enum for the whole device stack, numbered exactly as microTVM's tvm_crt_error_t
// (include/tvm/runtime/crt/error_codes.h, TVM v0.13): a code is (category << 8) | code. Hosts
// print these numbers in exceptions, so they must not drift.
//
// Codes marked "urpc" do not exist in TVM. They sit in free slots of TVM's categories and are
// only ever returned to local callers (never put on the wire by the framing/session layers).

export const Err = {
  Ok: 0x0000,

  // Function registry (category 1).
  FunctionNameNotFound: 0x0100,
  FunctionIndexInvalid: 0x0101,
  FunctionRegistryFull: 0x0102,
  FunctionAlreadyDefined: 0x0103,
  BufferTooSmall: 0x0104,

  // Framing (category 2).
  FramingInvalidState: 0x0200,
  FramingShortPacket: 0x0201,
  FramingInvalidEscape: 0x0202,
  FramingPayloadOverflow: 0x0203,
  FramingPayloadIncomplete: 0x0204,
  /** urpc: a received frame's CRC did not match (TVM drops it without a code). */
  FramingCrcMismatch: 0x0205,

  // Write streams (category 3).
  WriteStreamShortWrite: 0x0300,
  WriteStreamLongWrite: 0x0301,

  // Session (category 4).
  SessionInvalidState: 0x0400,
  SessionReceiveBufferBusy: 0x0401,
  SessionReceiveBufferShortWrite: 0x0402,

  // Platform (category 5).
  PlatformCheckFailure: 0x0500,
  PlatformMemoryManagerInitialized: 0x0501,
  PlatformShutdown: 0x0502,
  PlatformNoMemory: 0x0503,
  PlatformTimerBadState: 0x0504,
  PlatformStackAllocBadFree: 0x0505,
  /** urpc: free() of an offset the allocator never handed out (TVM aborts). */
  PlatformInvalidFree: 0x0506,
  /** urpc: free() of a block that is already free (TVM corrupts its free list). */
  PlatformDoubleFree: 0x0507,

  // Generated code (category 6).
  GeneratedInvalidStorageId: 0x0600,

  // Executor (category 7).
  ExecutorModuleAlreadyCreated: 0x0700,
  ExecutorModuleBadContext: 0x0701,
  ExecutorModuleNoSuchInput: 0x0702,

  // Function calls (category 8).
  FunctionCallNumArguments: 0x0800,
  FunctionCallWrongArgType: 0x0801,
  FunctionCallNotImplemented: 0x0802,
  FunctionCallInvalidArg: 0x0803,

  // Time evaluator (category 9).
  TimeEvaluatorBadHandle: 0x0900,
} as const;
export type Err = (typeof Err)[keyof typeof Err];
