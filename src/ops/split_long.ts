/**
 * Long contractions split into chunks, for parallelism: a weight gradient x^T g over 10^5 edges
 * ([E, M]^T [E, N] with small M, N) or a bias gradient (a column sum over E rows) has only M N
 * outputs, so one kernel invocation (or workgroup) per output walks all E rows alone. Splitting E
 * into S chunks of CHUNK rows gives S times the parallel work, then a short sum over S. Both stages
 * are ordinary ops in a fixed order: deterministic, differentiable, no atomics.
 */
import type { Tensor } from '../graph/tensor';
import { reshape } from './layout';
import { pad } from './pad';

/** Rows per chunk of the first stage. */
export const CHUNK = 1024;
/** Split only contractions this long... */
export const SPLIT_MIN_ROWS = 8 * CHUNK;
/** ...whose result has at most this many elements (beyond it there is parallelism enough). */
export const SPLIT_MAX_OUTPUTS = 1 << 16;

/** Whether a leading axis of `rows` contracted into `outputs` values is worth splitting. */
export function worthSplitting(rows: number, outputs: number): boolean {
  return rows >= SPLIT_MIN_ROWS && outputs <= SPLIT_MAX_OUTPUTS;
}

/** x [L, ...] zero-padded to S * CHUNK rows and viewed as [S, CHUNK, ...]. */
export function splitLeading(x: Tensor): Tensor {
  const [rows, ...rest] = x.shape;
  const s = Math.ceil(rows / CHUNK);
  const padded =
    s * CHUNK === rows
      ? x
      : pad(
          x,
          x.shape.map(() => 0),
          x.shape.map((_, i) => (i === 0 ? s * CHUNK - rows : 0)),
        );
  return reshape(padded, [s, CHUNK, ...rest]);
}
