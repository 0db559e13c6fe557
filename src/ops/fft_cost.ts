/**
 * Declared costs of the FFT lowering's dispatches (src/ops/fft_plan.ts; `Cost` in
 * src/graph/op.ts): every pass through memory reads and writes the line, the first and last
 * reading and writing only the stored elements, and 5 N log2 N FLOPs per complex line.
 */
import type { Cost } from '../graph/op';

/** How a first pass loads its line (kernels/fft.wgsl LOAD_REAL, LOAD_COMPLEX, LOAD_HALF). */
export type LineLoad = 'real' | 'complex' | 'half';

/** FLOPs of one chirp value e^{-i pi j^2 / N} (Bluestein): its angle, cosine and sine. */
export const CHIRP_FLOPS = 4;

/**
 * Bytes one line's load reads: the stored elements it touches (bins past inLen are zeros, read
 * from nowhere). A real line is f32; a half spectrum rebuilds the full line of nReal from its
 * stored bins, reading bin j for j and (mirrored) for nReal - j.
 */
export function lineRead(load: LineLoad, inLen: number, len: number, nReal: number): number {
  if (load !== 'half') return (load === 'real' ? 4 : 8) * Math.min(inLen, len);
  const direct = Math.min(inLen, Math.floor(nReal / 2) + 1);
  const mirrored = Math.max(0, Math.min(inLen - 1, Math.ceil(nReal / 2) - 1));
  return 8 * (direct + mirrored);
}

/** Bytes one line's store writes: pruned bins (k >= outLen) are dropped; a real line is f32. */
export const lineWrite = (real: boolean, outLen: number, len: number): number =>
  (real ? 4 : 8) * Math.min(outLen, len);

/**
 * A dispatch doing the radices `rs` of `lines` lines of `len`: the 5 N log2 N FLOPs of a complex
 * line shared among passes as log2 of their radices; `read` and `write` bytes per line.
 */
export function passCost(
  lines: number,
  len: number,
  rs: readonly number[],
  perLine: { read: number; write: number },
): Cost {
  const log2 = rs.reduce((s, r) => s + Math.log2(r), 0);
  return {
    read: lines * perLine.read,
    write: lines * perLine.write,
    flops: 5 * lines * len * log2,
  };
}
