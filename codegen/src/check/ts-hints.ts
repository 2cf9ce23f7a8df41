// FwTS hints next to TypeScript's own errors. The subset checker runs only once TypeScript is
// happy (its types must be sound), so constructs that TypeScript rejects first (`x += a` on a
// branded integer is TS2322, `Math.max` is TS2339, decorators need lib types FwTS does not have,
// `enum` is TS1294 under erasableSyntaxOnly, `console` is TS2584 with advice about lib 'dom')
// would reach the user as a bare TypeScript error. This syntactic pass names the FwTS rule and
// its fix for those constructs; it runs only when TypeScript's errors keep the checker from running.
import { ts } from '../program.ts';
import { makeDiagnostic } from './report.ts';

export function tsGatedHints(sources: readonly ts.SourceFile[]): ts.Diagnostic[] {
  const out: ts.Diagnostic[] = [];
  for (const sf of sources) {
    const visit = (n: ts.Node): void => {
      if (ts.isDecorator(n)) out.push(makeDiagnostic(n, 1001, ['decorators']));
      else if (ts.isEnumDeclaration(n)) out.push(makeDiagnostic(n.name, 1001, ['enum (use an as const object)']));
      else if (ts.isIdentifier(n) && n.text === 'console' && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) out.push(makeDiagnostic(n, 4004, ['console (use log() from the prelude)']));
      else if (n.kind === ts.SyntaxKind.AsyncKeyword) out.push(makeDiagnostic(n, 1001, ['async']));
      else if (ts.isFunctionDeclaration(n) && n.asteriskToken) out.push(makeDiagnostic(n.name ?? n, 1001, ['generators']));
      else if (ts.isBinaryExpression(n) && isCompoundAssignment(n.operatorToken.kind)) {
        out.push(makeDiagnostic(n.operatorToken, 1014, [n.operatorToken.getText(sf)]));
      } else if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'Math') {
        out.push(makeDiagnostic(n, 2011, [n.getText(sf)]));
      } else if (n.kind === ts.SyntaxKind.BigIntKeyword) out.push(makeDiagnostic(n, 2001, ['bigint']));
      else if (ts.isBigIntLiteral(n)) out.push(makeDiagnostic(n, 2002, [n.getText(sf)]));
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

export function isCompoundAssignment(k: ts.SyntaxKind): boolean {
  return (k >= ts.SyntaxKind.FirstCompoundAssignment && k <= ts.SyntaxKind.LastCompoundAssignment) ||
    k === ts.SyntaxKind.BarBarEqualsToken || k === ts.SyntaxKind.AmpersandAmpersandEqualsToken ||
    k === ts.SyntaxKind.QuestionQuestionEqualsToken;
}
