// Static RAM and stack report per module (AssemblyScript's "static data" figure, plus a stack
// bound from the call graph: FwTS has no recursion, so the deepest path is finite).
// Stack figures count declared locals only (a lower bound: the C compiler adds spills and
// saved registers; `-fstack-usage` on the real build gives the exact frame sizes).
import type { ModuleReport } from './api.ts';

export interface ResourceRow {
  module: string;
  ramBytes: number;
  /** Deepest chain of declared locals from any function of the module, and that chain. */
  stackBytes: number;
  worstPath: string[];
}

export function resourceReport(modules: readonly ModuleReport[]): ResourceRow[] {
  const frames = new Map<string, { locals: number; calls: string[] }>();
  for (const m of modules) for (const f of m.frames) frames.set(f.name, f);
  // Interface calls are recorded as `Iface.method`: charge them the deepest implementation.
  const classesOf = new Map<string, string[]>();
  for (const m of modules) for (const { iface, cls } of m.impls) classesOf.set(iface, [...(classesOf.get(iface) ?? []), cls]);
  const implsOf = (call: string): string[] => {
    const [iface, method] = call.split('.');
    return (classesOf.get(iface) ?? []).map((cls) => `${cls}_${method}`);
  };
  const memo = new Map<string, { bytes: number; path: string[] }>();
  const deepest = (name: string, seen: Set<string>): { bytes: number; path: string[] } => {
    const hit = memo.get(name);
    if (hit) return hit;
    const f = frames.get(name);
    if (!f || seen.has(name)) return { bytes: 0, path: [] };
    seen.add(name);
    let best = { bytes: 0, path: [] as string[] };
    for (const c of f.calls) {
      const targets = c.includes('.') ? implsOf(c) : [c];
      for (const t of targets) {
        const d = deepest(t, seen);
        if (d.bytes > best.bytes) best = d;
      }
    }
    seen.delete(name);
    const r = { bytes: f.locals + best.bytes, path: [name, ...best.path] };
    memo.set(name, r);
    return r;
  };
  return modules.map((m) => {
    let worst = { bytes: 0, path: [] as string[] };
    for (const f of m.frames) {
      const d = deepest(f.name, new Set());
      if (d.bytes > worst.bytes) worst = d;
    }
    return { module: m.module, ramBytes: m.ram.reduce((s, r) => s + r.bytes, 0), stackBytes: worst.bytes, worstPath: worst.path };
  });
}

export function formatResourceReport(rows: readonly ResourceRow[]): string {
  const lines = ['module              static RAM (B)  stack, locals (B)  deepest path'];
  for (const r of rows) {
    lines.push(`${r.module.padEnd(20)}${String(r.ramBytes).padStart(14)}  ${String(r.stackBytes).padStart(17)}  ${r.worstPath.join(' > ')}`);
  }
  return lines.join('\n');
}
