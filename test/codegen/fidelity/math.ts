// A module named like a C standard header (app/math.ts in the `urpc init` template): its header
// must not be math.h, which would hide <math.h> from fw_rt.h and every other file of the build.
import { f64, u32, sqrt } from '../../../firmware/lib/prelude.ts';

export function hypot2(a: u32, b: u32): f64 {
  const x = f64(a);
  const y = f64(b);
  return sqrt(f64(x * x + y * y));
}
