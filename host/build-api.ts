// `import { ... } from 'urpc/build'`: board builds and apps from code (package.json exports
// "./build"), what `urpc build` runs. It loads the transpiler (TypeScript), so it is not part of
// the light `urpc` entry.
export { buildBoard, boardNames, loadBoard, BuildError, type BuildOptions, type BuildResult, type BoardConfig } from './board/build.ts';
export { loadApp, type LoadedApp } from './app/load.ts';
export { AppError, type AppFunction } from './app/generate.ts';
export { transpile, type TranspileOptions, type TranspileResult } from '../codegen/src/index.ts';
