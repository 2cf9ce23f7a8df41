// fuzz/allowlist.ts: the syntax the FwTS checker accepts, per site, as the coverage report needs
// it at run time. The list is generated from the checker's source by allowlist-gen.ts into
// allowlist-data.ts (checked in, so an installed package without .ts sources has it too).
import { ALLOW_LIST } from './allowlist-data.ts';

export { kindName } from './kind-name.ts';

/** Where in a program an accepted kind is looked for (coverage.ts maps each to AST nodes). */
export type Site = 'top' | 'member' | 'stmt' | 'expr' | 'binop' | 'prefix';

export interface AllowList {
  /** Site -> accepted SyntaxKind names, sorted. */
  accepted: Record<Site, string[]>;
  /** Site -> kinds the checker rejects there (for the report only). */
  rejected: Record<Site, string[]>;
  /** Checker functions with a kind dispatch allowlist-gen.ts does not map to a site (a checker refactor). */
  unmapped: string[];
}

/** The checked-in allow-list (allowlist-data.ts). */
export function allowList(): AllowList {
  return ALLOW_LIST;
}
