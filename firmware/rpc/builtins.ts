// GENERATED from host/app/rpc-tables.ts: the handlers of the built-in device functions, in Fn order (names.ts).
// Regenerate: npm run gen. Do not edit by hand.

import type { FnHandler } from './ctx.ts';
import { fnSystemLib, fnModuleGetFunction, fnGetCRTMaxPacketSize } from '../functions/system.ts';
import { fnTimeEvaluator } from '../functions/timeeval.ts';
import { fnRandomFill, fnAdd, fnSum } from '../functions/tensor_ops.ts';
import { fnEcho } from '../functions/echo.ts';
import { fnInfo } from '../functions/info.ts';
import { fnLog } from '../functions/device_log.ts';
import { fnSleep } from '../functions/sleep.ts';

export const HANDLERS: readonly FnHandler[] = [
  fnSystemLib,
  fnModuleGetFunction,
  fnTimeEvaluator,
  fnGetCRTMaxPacketSize,
  fnRandomFill,
  fnEcho,
  fnInfo,
  fnAdd,
  fnSum,
  fnLog,
  fnSleep,
];
