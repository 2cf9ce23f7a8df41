// The REPL speaks of tensors by the names the user gave them ($a), not by device handles: a
// device message such as "argument 1: tensor data 1193046 is not memory ..." or a returned
// DLTensor record is rewritten with the name.
import type { NDArray } from '../client/rpc-session.ts';

/** `text` with each known tensor's handle (decimal or 0x hex) replaced by `$name`, and
 * "argument i" of a tensor argument followed by its name. */
export function nameTensors(text: string, tensors: ReadonlyMap<string, NDArray>, args: readonly unknown[] = []): string {
  let out = text;
  for (const [name, t] of tensors) {
    for (const h of [t.handle.toString(), `0x${t.handle.toString(16)}`]) {
      out = out.split(`tensor data ${h}`).join(`tensor $${name}`).split(`handle ${h}`).join(`$${name}`);
    }
  }
  args.forEach((a, i) => {
    const name = [...tensors].find(([, t]) => t === a)?.[0];
    if (name !== undefined) out = out.split(`argument ${i}:`).join(`argument ${i} ($${name}):`);
  });
  return out;
}

/** A returned tensor record (type code 7) as `$name` when it is one of ours. */
export function tensorNameOf(v: unknown, tensors: ReadonlyMap<string, NDArray>): string | undefined {
  if (v === null || typeof v !== 'object' || !('type' in v) || (v as { type: string }).type !== 'tensor') return undefined;
  const data = (v as unknown as { value: { data: bigint } }).value.data;
  const hit = [...tensors].find(([, t]) => t.handle === data);
  return hit === undefined ? undefined : `$${hit[0]}`;
}
