// MinRPC constants (spec §4.3, §4.4): RPC codes, argument type codes, DLPack dtype codes and the
// handle encodings urpc gives out. All `as const` enums: they lower to `typedef uint8_t` plus an
// anonymous C enum. Codes are i32 on the wire; compare them as u32 after reading (a negative code
// reads as a large u32 and is simply unknown).

/** RPCCode (spec §4.3). Any code >= 9 is a syscall. */
export const RPCCode = {
  None: 0,
  Shutdown: 1,
  InitServer: 2,
  CallFunc: 3,
  Return: 4,
  Exception: 5,
  CopyFromRemote: 6,
  CopyToRemote: 7,
  CopyAck: 8,
  GetGlobalFunc: 9,
  FreeHandle: 10,
  DevSetDevice: 11,
  DevGetAttr: 12,
  DevAllocData: 13,
  DevFreeData: 14,
  DevStreamSync: 15,
  CopyAmongRemote: 16,
  DevAllocDataWithScope: 17,
  DevCreateStream: 18,
  DevFreeStream: 19,
  DevSetStream: 20,
  /** v0.16+ hosts only; answered "Syscall not recognized" as the CRT does. */
  DevGetCurrentStream: 21,
} as const;
export type RPCCode = (typeof RPCCode)[keyof typeof RPCCode];

/** First syscall code (kSyscallCodeStart). */
export const SYSCALL_START = 9;

/** Argument type codes (TVMArgTypeCode / DLPack, spec §4.4). */
export const TypeCode = {
  Int: 0,
  UInt: 1,
  Float: 2,
  OpaqueHandle: 3,
  Null: 4,
  DataType: 5,
  Device: 6,
  DLTensor: 7,
  /** v0.14+: u32 type_index (must be 9, RPCObjectRef) then u64 handle. Received only. */
  ObjectHandle: 8,
  ModuleHandle: 9,
  PackedFuncHandle: 10,
  Str: 11,
  Bytes: 12,
  /** Never on the wire (hosts send NDArrays as code 7). */
  NDArrayHandle: 13,
  ObjectRValueRef: 14,
  /** v0.18+: i64. */
  Bool: 15,
} as const;
export type TypeCode = (typeof TypeCode)[keyof typeof TypeCode];

/** The only object type index a v0.14+ host sends with type code 8 (RPCObjectRef). */
export const OBJECT_TYPE_RPC_REF = 9;

/** DLPack dtype codes (DLDataTypeCode). */
export const DTypeCode = { Int: 0, UInt: 1, Float: 2, OpaqueHandle: 3, BFloat: 4 } as const;
export type DTypeCode = (typeof DTypeCode)[keyof typeof DTypeCode];

/** DLPack device type of the host CPU: the only device the urpc server holds memory for. */
export const DEVICE_CPU = 1;

// Handle encodings (spec §4.9; opaque to the host, TVM's values kept for familiarity). Plain
// constants, not an enum: C99 enum constants must fit an int.
/** The system library module. */
export const HANDLE_SYSTEM_LIB = 0x8000;
/** Global function i: HANDLE_GLOBAL_FN | i. */
export const HANDLE_GLOBAL_FN = 0x80028000;
/** Function i looked up through the system library: HANDLE_MODULE_FN | i. */
export const HANDLE_MODULE_FN = 0x80008000;
/** Time-evaluator function n: HANDLE_TIME_EVAL | (n & 0x7fff). */
export const HANDLE_TIME_EVAL = 0xffff8000;
/** Mask selecting the kind bits of a function handle. */
export const HANDLE_KIND_MASK = 0xffff8000;
/** Mask selecting the index bits of a function handle. */
export const HANDLE_INDEX_MASK = 0x7fff;
