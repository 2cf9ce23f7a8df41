// The repository root: where boards/, build/, firmware/ and bin/ are. The one place that works it
// out (from this file's location), so moving a module cannot silently point it elsewhere.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
