// FW5001: exported C types share one namespace; module prefixes (header names) must be unique.
import { ts } from '../program.ts';
import type { Sema } from '../sema.ts';
import { makeDiagnostic } from './report.ts';

export function checkNames(sema: Sema, sources: readonly ts.SourceFile[]): ts.Diagnostic[] {
  const seen = new Map<string, ts.Node>();
  const diags: ts.Diagnostic[] = [];
  const claim = (name: string, node: ts.Node): void => {
    const prev = seen.get(name);
    if (prev && prev.getSourceFile() !== node.getSourceFile()) diags.push(makeDiagnostic(node, 5001, [name], prev));
    else seen.set(name, node);
  };
  for (const sf of sources) {
    claim(`${sema.modulePrefix(sf)}.h`, sf.statements[0] ?? sf);
    for (const st of sf.statements) {
      const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (!exported) continue;
      if ((ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name) claim(st.name.text, st.name);
    }
  }
  return diags;
}
