// Tensor arguments written on the command line (`urpc call`, the REPL's `let`):
//   int32:[1,2,3]               a 1-D tensor of these values
//   float32:[2,2]:[1,2,3,4]     a shape, then the values in row-major order
//   uint8:@file.bin             the raw little-endian bytes of a file (uint8:[4,4]:@file.bin: shaped)
// Values are range-checked for the dtype (host/client/values.ts): 70000 in an int16 tensor is an
// error naming the value and the range, never a wrap.
import * as fs from 'node:fs';
import { DType } from '../client/client.ts';
import { TYPED_ARRAYS, typedArrayOf, dtypeOfName, type DTypeName, type TypedArray } from '../client/values.ts';
import { UsageError } from './options.ts';

export interface TensorLiteral {
  dtype: DTypeName;
  shape: number[];
  data: TypedArray;
}

/** At most this many dimensions (the device's limit, docs/device-functions.md). */
export const MAX_DIMS = 8;

/** Whether a command-line word is meant as a tensor: it starts with a dtype name and a colon. */
export function isTensorLiteral(word: string): boolean {
  const colon = word.indexOf(':');
  return colon > 0 && Object.hasOwn(DType, word.slice(0, colon));
}

function parseJsonArray(text: string, what: string, word: string): unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`malformed ${what} in tensor '${word}': expected a JSON array such as [1,2,3]`);
  }
  if (!Array.isArray(v)) throw new UsageError(`malformed ${what} in tensor '${word}': expected a JSON array such as [1,2,3]`);
  return v;
}

/** Parses a tensor literal (the forms above); `readFile` reads `@file` (fs by default). */
export function parseTensorLiteral(word: string, readFile: (p: string) => Uint8Array = (p) => new Uint8Array(fs.readFileSync(p))): TensorLiteral {
  const colon = word.indexOf(':');
  const dtype = word.slice(0, colon) as DTypeName;
  dtypeOfName(dtype);
  let rest = word.slice(colon + 1);
  let shape: number[] | undefined;
  // dtype:[shape]:values: a shape is a bracketed list followed by ':'.
  const shapeEnd = rest.startsWith('[') ? rest.indexOf(']:') : -1;
  if (shapeEnd >= 0) {
    const dims = parseJsonArray(rest.slice(0, shapeEnd + 1), 'shape', word);
    if (dims.length > MAX_DIMS || dims.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
      throw new UsageError(`bad shape in tensor '${word}': at most ${MAX_DIMS} non-negative integer extents`);
    }
    shape = dims as number[];
    rest = rest.slice(shapeEnd + 2);
  }
  let data: TypedArray;
  if (rest.startsWith('@')) {
    const file = rest.slice(1);
    let bytes: Uint8Array;
    try {
      bytes = readFile(file);
    } catch (e) {
      throw new UsageError(`tensor '${word}': cannot read ${file}: ${(e as Error).message}`);
    }
    const T = TYPED_ARRAYS[dtype];
    if (bytes.length % T.BYTES_PER_ELEMENT !== 0) {
      throw new UsageError(`tensor '${word}': ${file} has ${bytes.length} bytes, not a whole number of ${dtype} elements (${T.BYTES_PER_ELEMENT} bytes each)`);
    }
    const copy = bytes.slice();
    data = new T(copy.buffer, 0, copy.length / T.BYTES_PER_ELEMENT);
  } else {
    data = typedArrayOf(dtype, parseJsonArray(rest, 'values', word));
  }
  shape ??= [data.length];
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new UsageError(`tensor '${word}': shape [${shape.join(',')}] holds ${count} elements, but ${data.length} were given`);
  return { dtype, shape, data };
}
