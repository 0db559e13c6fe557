// Hand-built safetensors bytes for the reader tests.

/** A file with `header` (object or raw text) and `data` bytes; `len` overrides the length prefix. */
export function build(header: unknown, data: ArrayLike<number> = [], len?: bigint): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, len ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** One header entry. */
export const entry = (dtype: unknown, shape: unknown, data_offsets: unknown) => ({
  dtype,
  shape,
  data_offsets,
});
