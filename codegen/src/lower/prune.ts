// Drop file-local (static) C definitions that nothing references. They arise legitimately: a
// public method of a module-private class that no one calls, an interface adapter never used,
// a buffer whose only use was `b.length` (folded to a constant). gcc and clang reject unused
// statics under -Wall -Werror, and dropping them also keeps them out of flash.
// What a definition references is what the expression trees of its statements name (a walk over
// the IR): nothing here reads C text.
import { type Chunk, names } from './ir.ts';

export function pruneUnusedStatics(chunks: readonly Chunk[]): Chunk[] {
  let cur = [...chunks];
  for (;;) {
    // Who names what: a static's own prototype and definition do not keep it alive.
    const named = new Set<string>();
    for (const ch of cur) {
      for (const r of names(ch.items)) if (r !== ch.static) named.add(r);
    }
    const next = cur.filter((ch) => ch.static === undefined || named.has(ch.static));
    if (next.length === cur.length) return cur;
    cur = next;
  }
}
