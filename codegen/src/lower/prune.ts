// Drop file-local (static) C definitions that nothing references. They arise legitimately: a
// public method of a module-private class that no one calls, an interface adapter never used,
// a buffer whose only use was `b.length` (folded to a constant). gcc and clang reject unused
// statics under -Wall -Werror, and dropping them also keeps them out of flash.
import type { Line } from './ir.ts';

interface Def { name: string; from: number; to: number }

/** Top-level static definitions and prototypes in emitted .c lines (the emitter's own layout). */
function staticDefs(lines: readonly Line[]): Def[] {
  const defs: Def[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].text;
    if (!t.startsWith('static ')) continue;
    // A variable (`static T name[N];`, `static T name = ...;`) or a function (prototype or
    // definition: the line ends with `);` or `) {`).
    const v = /^static [^=(]*?\b(\w+)(\[[^\]]*\])?( =|;)/.exec(t);
    const fn = /\)( \{|;)$/.test(t) ? /^static [^=(]*?\b(\w+)\(/.exec(t) : null;
    const name = v?.[1] ?? fn?.[1];
    if (!name) continue;
    let to = i;
    if (t.endsWith('{')) {
      // A function body or a multi-line table: up to the closing brace at column 0.
      while (to < lines.length && !/^}/.test(lines[to].text)) to++;
    }
    defs.push({ name, from: i, to });
  }
  return defs;
}

export function pruneUnusedStatics(lines: readonly Line[]): Line[] {
  let cur = [...lines];
  for (;;) {
    const defs = staticDefs(cur);
    const dead = new Set<number>();
    for (const d of defs) {
      const word = new RegExp(`\\b${d.name}\\b`);
      const ownRanges = defs.filter((x) => x.name === d.name);
      const used = cur.some((l, i) => word.test(l.text) && !ownRanges.some((r) => i >= r.from && i <= r.to));
      if (!used) for (let i = d.from; i <= d.to; i++) dead.add(i);
    }
    if (dead.size === 0) return cur;
    cur = cur.filter((_, i) => !dead.has(i));
  }
}
