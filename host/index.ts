// `import { ... } from 'urpc'`: the host API of the package (package.json exports "."): sessions
// to devices, tensors and typed errors. It does not load TypeScript: board builds and app loading
// (which run the transpiler) are `urpc/build` (host/build-api.ts). Everything else under host/ is
// internal.
export { connect, openTransport, registerTransport, type ConnectOptions, type TransportFactory } from './client/connect.ts';
export {
  NDArray, DType, type Arg, type Ret, type DeviceFunction, type DeviceFunctions, type BuiltinFunctions, type RpcSession,
  type TimeEvaluatorOpts, type TimeResult, type SessionEvent, type DeviceInfo, type ProgressCallback, type DLDataType,
} from './client/rpc-session.ts';
export { RpcError, RemoteError, StaleTensorError, TimeoutError, ProtocolError, dtypeBytes } from './client/client.ts';
export { SessionResetError, LinkClosedError } from './client/session.ts';
export { TransportClosedError, type Transport } from './transport/transport.ts';
export { LocalSession, type LocalSessionOptions } from './client/local.ts';
