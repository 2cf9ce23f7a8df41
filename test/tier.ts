// The test tiers (README "Tests"): `npm test` is the full suite CI runs; `npm run test:fast`
// (URPC_TEST_TIER=fast) is the inner loop, where a suite whose full run is long runs a lighter,
// representative slice of the same check instead (and says so in its title).
export const FAST_TIER = process.env.URPC_TEST_TIER === 'fast';
