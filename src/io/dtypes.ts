// Little-endian decoders from raw file bytes to float32, shared by the safetensors and npy
// readers. Each reads `count` elements starting at byte `offset` of `view` (which may be
// unaligned, hence DataView rather than typed-array views) and never reads past
// offset + count * size; callers check that range against the file first.

/** Decodes `count` elements to a Float32Array; throws a RangeError on a value float32 can't hold. */
export type Decoder = (view: DataView, offset: number, count: number) => Float32Array;

// 2^24: the largest range in which every integer is exactly representable in float32.
const EXACT_INT_F32 = 16777216;

function map(count: number, read: (i: number) => number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}

/** IEEE 754 binary16 bits to a number (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const bf16Scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 bits to a number: they are the top 16 bits of a float32. */
export function bf16ToFloat(h: number): number {
  bf16Scratch.setUint32(0, h << 16);
  return bf16Scratch.getFloat32(0);
}

function checkedInt(v: number | bigint, i: number): number {
  const n = Number(v);
  if (n > EXACT_INT_F32 || n < -EXACT_INT_F32) {
    throw new RangeError(
      `element ${i} is ${String(v)}, which float32 cannot hold exactly (|v| <= 2^24 can)`,
    );
  }
  return n;
}

export const decodeF32: Decoder = (v, o, n) => map(n, (i) => v.getFloat32(o + 4 * i, true));
export const decodeF64: Decoder = (v, o, n) => map(n, (i) => v.getFloat64(o + 8 * i, true));
export const decodeF16: Decoder = (v, o, n) =>
  map(n, (i) => halfToFloat(v.getUint16(o + 2 * i, true)));
export const decodeBF16: Decoder = (v, o, n) =>
  map(n, (i) => bf16ToFloat(v.getUint16(o + 2 * i, true)));
export const decodeI32: Decoder = (v, o, n) =>
  map(n, (i) => checkedInt(v.getInt32(o + 4 * i, true), i));
export const decodeI64: Decoder = (v, o, n) =>
  map(n, (i) => checkedInt(v.getBigInt64(o + 8 * i, true), i));

/** Writes `data` as little-endian float32 into `out` at byte `offset`. */
export function encodeF32(out: DataView, offset: number, data: Float32Array): void {
  for (let i = 0; i < data.length; i++) out.setFloat32(offset + 4 * i, data[i], true);
}
