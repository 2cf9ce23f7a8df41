// The name of a ts.SyntaxKind. ts.SyntaxKind maps some values to marker aliases
// (FirstStatement = VariableStatement): each value is named by its first non-marker name.
import { ts } from '../program.ts';

const NAMES = new Map<number, string>();
for (const [name, v] of Object.entries(ts.SyntaxKind)) {
  if (typeof v !== 'number' || /^(First|Last)/.test(name) || NAMES.has(v)) continue;
  NAMES.set(v, name);
}

export const kindName = (k: ts.SyntaxKind): string => NAMES.get(k) ?? ts.SyntaxKind[k]!;
