import { WgnoError, fmtShape } from '../errors';
import { Rng } from '../random';

/** Samples on the host: `data` row-major with `shape` = [n, ...sample shape]. */
export interface HostArray {
  /** The values, row-major. */
  readonly data: Float32Array;
  /** [n, ...sample shape]. */
  readonly shape: readonly number[];
}

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Validate an (inputs, targets) pair; returns the sample count and the per-sample shapes. */
export function checkDataset(
  op: string,
  inputs: HostArray,
  targets: HostArray,
): { n: number; xShape: number[]; yShape: number[] } {
  for (const [name, a] of [
    ['inputs', inputs],
    ['targets', targets],
  ] as const) {
    if (!(a?.data instanceof Float32Array) || !Array.isArray(a.shape) || a.shape.length < 2)
      throw new WgnoError(
        op,
        `${name} must be { data: Float32Array, shape: [n, channels, ...] } with at least 2 axes`,
      );
    if (a.shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new WgnoError(op, `${name} shape ${fmtShape(a.shape)} must hold integers >= 0`);
    if (a.data.length !== numel(a.shape))
      throw new WgnoError(
        op,
        `${name} has ${a.data.length} values but shape ${fmtShape(a.shape)} needs ${numel(a.shape)}`,
      );
  }
  const n = inputs.shape[0];
  if (targets.shape[0] !== n)
    throw new WgnoError(
      op,
      `inputs hold ${n} samples ${fmtShape(inputs.shape)} but targets hold ${targets.shape[0]} ${fmtShape(targets.shape)}; the first axes must match`,
    );
  if (n === 0) throw new WgnoError(op, 'the dataset is empty (inputs.shape[0] = 0)');
  return { n, xShape: inputs.shape.slice(1), yShape: targets.shape.slice(1) };
}

/**
 * Splits n samples into batches: `full` batches of `batchSize`, then one of `rem` samples unless
 * `dropLast`. The order of an epoch is a permutation drawn from Rng(seed mixed with the epoch
 * number), so any epoch's order is reproducible from (seed, epoch) alone: that pair is the whole
 * shuffling state a checkpoint needs.
 */
export class Batcher {
  readonly full: number;
  readonly rem: number;
  private readonly order: Uint32Array;

  constructor(
    readonly n: number,
    readonly batchSize: number,
    readonly opts: { readonly dropLast: boolean; readonly shuffle: boolean },
    /** The shuffling seed (restored from checkpoints). */
    public seed: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new WgnoError('Trainer', `batchSize must be an integer >= 1, got ${batchSize}`);
    this.full = Math.floor(n / batchSize);
    this.rem = opts.dropLast ? 0 : n % batchSize;
    if (this.full === 0 && this.rem === 0)
      throw new WgnoError(
        'Trainer',
        `dropLast with batchSize ${batchSize} > ${n} samples leaves no batch; lower batchSize`,
      );
    this.order = new Uint32Array(n);
  }

  get stepsPerEpoch(): number {
    return this.full + (this.rem > 0 ? 1 : 0);
  }

  /** Size of batch `s` of an epoch. */
  sizeOf(s: number): number {
    return s < this.full ? this.batchSize : this.rem;
  }

  /** The sample order of `epoch` (Fisher-Yates), in a buffer reused across epochs. */
  epochOrder(epoch: number): Uint32Array {
    const o = this.order;
    for (let i = 0; i < o.length; i++) o[i] = i;
    if (!this.opts.shuffle) return o;
    const rng = new Rng((this.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
    for (let i = o.length - 1; i > 0; i--) {
      const j = rng.nextU32() % (i + 1);
      const t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    return o;
  }
}

/** Copy samples order[start .. start + count) of `src` into `out` (one batch, contiguous). */
export function gather(
  src: HostArray,
  order: Uint32Array,
  start: number,
  count: number,
  out: Float32Array,
): Float32Array {
  const per = src.data.length / src.shape[0];
  for (let b = 0; b < count; b++) {
    const i = order[start + b];
    out.set(src.data.subarray(i * per, (i + 1) * per), b * per);
  }
  return out;
}
