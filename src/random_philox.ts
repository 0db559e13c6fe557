/**
 * Philox 4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC11), the TypeScript twin of kernels/lib/philox.wgsl. Counter-based: the value at (seed, index)
 * is a pure function of the two, so any element of a noise tensor can be regenerated anywhere, on
 * the GPU or here, without a stream state.
 *
 * Both sides compute the same bits by construction: everything up to the last step is 32-bit
 * integer arithmetic (exact in WGSL and in JS), and the final conversion to f32 is one correctly
 * rounded multiplication (WGSL and IEEE agree on `x * y`). No transcendental built-in is used,
 * because WGSL's log, sqrt, sin and cos are not exactly rounded and differ between GPUs.
 *
 * Conventions (shared with the WGSL snippet):
 * - key = (seed mod 2^32, floor(seed / 2^32)); element `index` uses counter (index >> 2, 0, 0, 0)
 *   and word `index & 3` of the Philox output, so four consecutive elements share one block.
 * - uniform: the top 24 bits of the word, times 2^-24: the half-open interval [0, 1), 24 bits.
 * - normal: Box-Muller on the word pair (2p, 2p + 1) of the block: u1 = (w0 | 1) / 2^32 in (0, 1)
 *   (31-bit midpoints, never 0), theta = 2 pi w1 / 2^32; even words give r cos(theta), odd words
 *   r sin(theta). -log2(u1) is computed in fixed point (24 fractional bits, by repeated squaring),
 *   r by an integer square root (16 significant bits), cos and sin by 28 CORDIC iterations in
 *   Q30; the normal's relative error is about 2^-15. Its largest magnitude is sqrt(64 ln 2) = 6.66.
 */
import { WgnoError } from './errors';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product a * b of two u32 (the WGSL side has no u64 either). */
export function mulhi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

/** Philox 4x32 with 10 rounds: four u32 words from a 128-bit counter and a 64-bit key. */
export function philox4x32(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
): Uint32Array {
  let [c0, c1, c2, c3] = counter.map((v) => v >>> 0);
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return Uint32Array.of(c0, c1, c2, c3);
}

/** The Philox key of a seed: an integer in [0, 2^53). */
export function philoxKey(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new WgnoError('philox', `seed must be an integer in [0, 2^53), got ${seed}`);
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

/** The 32 random bits of element `index` (an integer in [0, 2^32)) of stream `seed`. */
export function philoxBits(seed: number, index: number): number {
  return philox4x32([Math.floor(index / 4) >>> 0, 0, 0, 0], philoxKey(seed))[index & 3];
}

/** Uniform in [0, 1) with 24 random bits, from one word. */
export function bitsToUniform(bits: number): number {
  return (bits >>> 8) * 2 ** -24;
}

/** -log2((a | 1) / 2^32) in fixed point with 24 fractional bits: in [1, 2^29]. */
function negLog2Q24(a: number): number {
  const x = (a | 1) >>> 0;
  const e = 31 - Math.clz32(x);
  let y = (x << (31 - e)) >>> 0; // mantissa in [1, 2) as Q31
  let frac = 0;
  for (let i = 0; i < 24; i++) {
    const hi = mulhi32(y, y);
    const bit = hi >= 0x80000000 ? 1 : 0;
    y = bit ? hi : ((hi << 1) | (Math.imul(y, y) >>> 31)) >>> 0;
    frac = (frac << 1) | bit;
  }
  return ((32 - e) << 24) - frac;
}

/** floor(sqrt(w)) of a u32 (bit by bit; exact). */
export function isqrt32(w: number): number {
  let v = w >>> 0;
  let res = 0;
  let bit = 1 << 30;
  for (let i = 0; i < 16; i++) {
    const t = res + bit;
    if (v >= t) {
      v -= t;
      res = (res >>> 1) + bit;
    } else res >>>= 1;
    bit >>>= 2;
  }
  return res;
}

/** atan(2^-i) in units of 2^-32 turns, rounded (kernels/lib/philox.wgsl holds the same table). */
export const CORDIC_ATAN = [
  536870912, 316933406, 167458907, 85004756, 42667331, 21354465, 10679838, 5340245, 2670163,
  1335087, 667544, 333772, 166886, 83443, 41722, 20861, 10430, 5215, 2608, 1304, 652, 326, 163, 81,
  41, 20, 10, 5,
];
/** The CORDIC gain's inverse, prod 1 / sqrt(1 + 4^-i) over the 28 iterations, in Q30. */
const CORDIC_K = 652032874;

/** (cos, sin) of 2 pi b / 2^32, each in Q30 (i32), by CORDIC on the quarter turn. */
function cosSinQ30(b: number): [number, number] {
  let x = CORDIC_K;
  let y = 0;
  let z = b & 0x3fffffff;
  for (let i = 0; i < CORDIC_ATAN.length; i++) {
    const xs = x >> i;
    const ys = y >> i;
    if (z >= 0) {
      x -= ys;
      y += xs;
      z -= CORDIC_ATAN[i];
    } else {
      x += ys;
      y -= xs;
      z += CORDIC_ATAN[i];
    }
  }
  const q = b >>> 30;
  if (q === 0) return [x, y];
  if (q === 1) return [-y, x];
  if (q === 2) return [-x, -y];
  return [y, -x];
}

/** Standard normal from the word pair (a, b); `odd` picks r sin instead of r cos. */
export function bitsToNormal(a: number, b: number, odd: boolean): number {
  const r2 = negLog2Q24(a); // -2 ln u = 2 ln 2 * (-log2 u); r2 below in Q24, >= 1
  const v = ((mulhi32(r2, 2977044472) << 1) | (Math.imul(r2, 2977044472) >>> 31)) >>> 0;
  const s = Math.clz32(v) >>> 1; // normalise so the root keeps 16 bits
  const q = isqrt32((v << (2 * s)) >>> 0); // r * 2^(12 + s)
  const [c, sn] = cosSinQ30(b >>> 0);
  const trig = (odd ? sn : c) >> 7; // Q23, |trig| <= 2^23: exact in f32
  return Math.fround(q * Math.fround(trig * 2 ** -(35 + s)));
}

/** Element `index` of the standard normal stream `seed`. */
export function philoxNormalAt(seed: number, index: number): number {
  const w = philox4x32([Math.floor(index / 4) >>> 0, 0, 0, 0], philoxKey(seed));
  const p = index & 2;
  return bitsToNormal(w[p], w[p + 1], (index & 1) === 1);
}

/** Element `index` of the uniform [0, 1) stream `seed`. */
export function philoxUniformAt(seed: number, index: number): number {
  return bitsToUniform(philoxBits(seed, index));
}

function checkRange(what: string, offset: number, n: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + n > 4294967296)
    throw new WgnoError(
      what,
      `offset ${offset} + length ${n} must stay within [0, 2^32) (a non-negative integer offset)`,
    );
}

/**
 * `n` values of the normal stream `seed` from element `offset`, times `std` (rounded to f32 as the
 * GPU's `philoxNormal` does).
 * @example
 * philoxNormals(7, 4, { std: 0.02 }); // the same 4 f32 values philoxNormal([4], { seed: 7, std: 0.02 }) gives
 */
export function philoxNormals(
  seed: number,
  n: number,
  { offset = 0, std = 1 }: { offset?: number; std?: number } = {},
): Float32Array {
  checkRange('philoxNormals', offset, n);
  const out = new Float32Array(n);
  const key = philoxKey(seed);
  const s = Math.fround(std);
  for (let i = 0; i < n; i++) {
    const idx = offset + i;
    const w = philox4x32([Math.floor(idx / 4) >>> 0, 0, 0, 0], key);
    const p = idx & 2;
    out[i] = Math.fround(bitsToNormal(w[p], w[p + 1], (idx & 1) === 1) * s);
  }
  return out;
}

/** `n` values of the uniform [0, 1) stream `seed` from element `offset`. */
export function philoxUniforms(
  seed: number,
  n: number,
  { offset = 0 }: { offset?: number } = {},
): Float32Array {
  checkRange('philoxUniforms', offset, n);
  const out = new Float32Array(n);
  const key = philoxKey(seed);
  for (let i = 0; i < n; i++) {
    const idx = offset + i;
    out[i] = bitsToUniform(philox4x32([Math.floor(idx / 4) >>> 0, 0, 0, 0], key)[idx & 3]);
  }
  return out;
}
