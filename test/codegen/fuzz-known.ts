// Generator features (codegen/src/fuzz/coverage.ts FEATURES) whose programs the current lowering
// gets wrong: the fuzz slices leave them out so CI stays green while they are fixed, and the
// coverage test still requires every one of them to be generated. Add a tag with the finding
// that needs it; remove it when the fix lands (issue 12; each fix brings a regression under test/diff/regressions).
// (Fixed and removed: cond-lit*, cond-mixed, cond-bytes*, cond-fn, cond-obj, rebind-in-*, init-call,
// enum-wide, enum-wrap: ee8a34b, f109721, 5c9073c, 3f2caf0; const-state, switch-const,
// cond-int, the constant switch clang folds: 2a03153, 2966d20.)
export const KNOWN_DEFECTS: readonly string[] = [];
