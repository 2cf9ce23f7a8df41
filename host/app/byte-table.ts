// FwTS has no string values, so names and texts the device needs are generated as byte tables:
// each entry's latin1 bytes and a 0 terminator, with the text in a comment above it. Used by the
// app registry generator and by the built-in tables (host/app/rpc-tables.ts).

export function byteTable(name: string, doc: string, entries: readonly (readonly [string, string])[], exported = false): string {
  let out = `/** ${doc} */\n${exported ? 'export ' : ''}const ${name}: readonly u8[] = [\n`;
  for (const [key, text] of entries) {
    const b = [...Buffer.from(text, 'latin1'), 0];
    out += `  // ${key}: ${JSON.stringify(text)}\n`;
    for (let i = 0; i < b.length; i += 12) {
      out += '  ' + b.slice(i, i + 12).map((x) => `u8(0x${x.toString(16).padStart(2, '0')})`).join(', ') + ',\n';
    }
  }
  return out + '];\n';
}
