// FW4007: a function value must have exactly the signature of the function type it is used as.
// TypeScript lets a function with fewer parameters, or one returning a value where void is
// expected, stand for a function type (JS ignores extra arguments and unused results), but they
// are different C function pointer types: the C would not compile. The call graph relies on
// this rule: a call through a value of type T can only reach functions of T's signature.
import { ts } from '../program.ts';
import type { Sema } from '../sema.ts';
import { makeDiagnostic } from './report.ts';
import { sameSignature } from './callgraph.ts';

export function checkFnValues(sema: Sema, sources: readonly ts.SourceFile[]): ts.Diagnostic[] {
  const out: ts.Diagnostic[] = [];
  const checker = sema.checker;
  for (const sf of sources) {
    const visit = (n: ts.Node): void => {
      if (ts.isTypeNode(n) || ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) return;
      if (isFlowingValue(n)) {
        const own = checker.getTypeAtLocation(n);
        const want = own.getCallSignatures().length ? checker.getContextualType(n) : undefined;
        if (want && want.getCallSignatures().length && !sameSignature(checker, own, want)) {
          out.push(makeDiagnostic(n, 4007, [n.getText(sf), checker.typeToString(own), checker.typeToString(want)]));
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

/** A leaf expression that may hold a function value and is used as a value (not called). */
function isFlowingValue(n: ts.Node): n is ts.Expression {
  if (!(ts.isIdentifier(n) || ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isCallExpression(n))) return false;
  let outer: ts.Node = n;
  while (ts.isParenthesizedExpression(outer.parent)) outer = outer.parent;
  const p = outer.parent;
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression === outer) return false; // called
  if (ts.isIdentifier(n)) {
    // Names that are not value uses: of declarations, properties (`o.f`, `{ f: v }`), labels.
    if ('name' in p && (p as ts.NamedDeclaration).name === n && !ts.isShorthandPropertyAssignment(p)) return false;
    if (ts.isBreakOrContinueStatement(p) || ts.isLabeledStatement(p) || ts.isQualifiedName(p)) return false;
  }
  return true;
}
