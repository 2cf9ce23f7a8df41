// Public entry of the FwTS -> C99 transpiler.
export type { TranspileOptions, TranspileResult, ModuleReport } from './api.ts';
export { transpile } from './driver.ts';
