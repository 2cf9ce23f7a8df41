// Build-time limits of the RPC server.

/** TVM_CRT_MAX_PACKET_SIZE_BYTES: the receive buffer must hold session header (3) + u64 length
 * (8) + packet_nbytes. 2048 is the crt/host default and also the TVM host's own buffer size. */
export const RPC_MAX_PACKET = 2048;
/** Session header bytes in front of every RPC packet. */
export const SESSION_HEADER_BYTES = 3;
/** Largest whole RPC packet (u64 length + payload) in either direction: 2048 - 3. */
export const RPC_PACKET_LIMIT = 2045;
/** Largest packet_nbytes a request or reply may declare: 2045 - 8 = 2037. This is also what
 * tvm.rpc.server.GetCRTMaxPacketSize reports (TVM's MAX - 11). */
export const RPC_MAX_PAYLOAD = 2037;
/** Most arguments in one packed sequence (each costs at least its 4-byte type code). */
export const RPC_MAX_ARGS = 64;
/** Bytes of the value-offset table: (RPC_MAX_ARGS + 1) u16 entries. */
export const RPC_ARG_OFFS_BYTES = 130;
/** Bytes kept for the board name in urpc.info. */
export const RPC_BOARD_NAME_BYTES = 32;
/** Most functions in the registry (built-ins and app functions): the size of the function-handle
 * table (handles.ts, one byte per function and handle kind). */
export const RPC_MAX_FUNCTIONS = 128;
/** Bytes of the text pieces an exception may carry (%s slots: a device function's name and the
 * .ts file of its panic, each ended by a 0 byte); longer pieces are cut. */
export const RPC_DETAIL_TEXT_BYTES = 96;
