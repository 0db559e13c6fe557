import { WgnoError } from '../errors';
import { registerOp } from '../graph/registry';
import { apply } from '../graph/apply';
import { checkShape, numel, type Shape } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import type { Engine } from '../graph/engine';
import type { OpDef } from '../graph/op';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import { philoxKey, philoxNormals, philoxUniforms } from '../random_philox';
import source from '../../kernels/random.wgsl?raw';
import { requireFinite } from './elementwise';

/**
 * A seed a compiled Step reads at every run: change `value` and `step.run()` draws the new stream,
 * with no recompilation (the key is a per-run uniform of the dispatch).
 * @example
 * const seed = new RandomSeed(1);
 * const noise = philoxNormal(rt, [1000, 16], { seed });
 * const step = await rt.compile({ outputs: [noise] });
 * seed.value = 2;
 * step.run(); // noise now holds stream 2
 */
export class RandomSeed {
  private v = 0;
  constructor(value: number) {
    this.value = value;
  }
  /** The seed the next run draws from: an integer in [0, 2^53). */
  get value(): number {
    return this.v;
  }
  /** Set the seed of the next run (an integer in [0, 2^53), else a WgnoError). */
  set value(seed: number) {
    philoxKey(seed);
    this.v = seed;
  }
}

/** The stream a random op draws from: element i of the output is stream element offset + i. */
export interface RandomOptions {
  /** An integer in [0, 2^53), or a `RandomSeed` a Step re-reads at every run. */
  readonly seed: number | RandomSeed;
  /** First stream element (default 0); offset + the elements drawn per stream must not exceed 2^32. */
  readonly offset?: number;
  /**
   * Each row of the leading axis draws its own stream: row r uses seed + r * 2^32 (Philox key
   * (seed mod 2^32, floor(seed / 2^32) + r)) from element `offset`. A population's member r gets
   * its own noise this way. Default false: the whole tensor is one stream.
   */
  readonly perRow?: boolean;
}

export interface RandomAttrs {
  readonly shape: Shape;
  readonly seed: number | RandomSeed;
  readonly offset: number;
  /** Normal only: the standard deviation (1 for uniform). */
  readonly std: number;
  readonly perRow: boolean;
}

export const randomParams = new UniformLayout('RandomParams', {
  n: 'u32',
  row_len: 'u32',
  offset: 'u32',
  key0: 'u32',
  key1: 'u32',
  scale: 'f32',
});
const normalKernel = defineKernel({
  name: 'random',
  entry: 'fill_normal',
  source,
  params: randomParams,
  storage: ['read_write'],
});
const uniformKernel = defineKernel({
  name: 'random',
  entry: 'fill_uniform',
  source,
  params: randomParams,
  storage: ['read_write'],
});

const seedOf = (s: number | RandomSeed) => (typeof s === 'number' ? s : s.value);
const rows = (shape: Shape, perRow: boolean) => (perRow && shape.length > 0 ? shape[0] : 1);
const rowLen = (shape: Shape, perRow: boolean) => numel(shape) / rows(shape, perRow);

/** The key of `seed`, checking that the last row's stream, seed + (rows - 1) 2^32, is below 2^53. */
function checkSeed(op: string, seed: number, nRows: number): [number, number] {
  const key = philoxKey(seed);
  if (key[1] + nRows - 1 >= 2 ** 21)
    throw new WgnoError(op, `seed ${seed} + (${nRows} rows - 1) * 2^32 must stay below 2^53`);
  return key;
}

function randomDef(name: string, normal: boolean): OpDef<RandomAttrs> {
  return {
    name,
    infer(_inputs, { shape, seed, offset, std, perRow }) {
      checkShape(name, 'shape', shape);
      requireFinite(name, 'std', std);
      const len = rowLen(shape, perRow);
      if (!Number.isInteger(offset) || offset < 0 || offset + len > 2 ** 32)
        throw new WgnoError(
          name,
          `offset ${offset} + ${len} elements per stream must lie in [0, 2^32) (non-negative integer offset)`,
        );
      checkSeed(name, seedOf(seed), perRow ? shape[0] : 1);
      return { shape, dtype: 'f32' };
    },
    lower({ out, attrs }) {
      const n = numel(out.shape);
      const key = () => {
        const [key0, key1] = checkSeed(name, seedOf(attrs.seed), rows(out.shape, attrs.perRow));
        return { key0, key1 };
      };
      const row_len = rowLen(out.shape, attrs.perRow);
      const dispatch = {
        kernel: normal ? normalKernel : uniformKernel,
        params: { n, row_len, offset: attrs.offset, scale: attrs.std, ...key() },
        bindings: [{ output: true as const }],
        grid: grid1d(n),
      };
      return {
        dispatches: [typeof attrs.seed === 'number' ? dispatch : { ...dispatch, dynamic: key }],
      };
    },
    vjp: () => [], // a function of no input: nothing to differentiate
    reference: (_x, _s, { seed, offset, std }, out) => {
      const n = numel(out.shape);
      const s = seedOf(seed);
      return Float64Array.from(
        normal ? philoxNormals(s, n, { offset, std }) : philoxUniforms(s, n, { offset }),
      );
    },
  };
}

/**
 * A tensor of standard normals times `std` from the Philox 4x32-10 stream `seed`, computed on the
 * GPU bit for bit as `philoxNormals` computes it on the host (src/random_philox.ts).
 * @example
 * const eps = philoxNormal(rt, [4, 16], { seed: 7, std: 0.02 });
 * // await eps.read() equals philoxNormals(7, 64, { std: 0.02 })
 */
export function philoxNormal(
  rt: Engine,
  shape: Shape,
  { seed, offset = 0, std = 1, perRow = false }: RandomOptions & { readonly std?: number },
): Tensor {
  return apply('philox_normal', [], { shape: [...shape], seed, offset, std, perRow }, rt);
}

/**
 * A tensor of uniforms in [0, 1) (24 bits) from the Philox stream `seed`, as `philoxUniforms`.
 * @example
 * const u = philoxUniform(rt, [100], { seed: 3 });
 */
export function philoxUniform(
  rt: Engine,
  shape: Shape,
  { seed, offset = 0, perRow = false }: RandomOptions,
): Tensor {
  return apply('philox_uniform', [], { shape: [...shape], seed, offset, std: 1, perRow }, rt);
}

declare module '../graph/registry' {
  interface OpAttrs {
    philox_normal: RandomAttrs;
    philox_uniform: RandomAttrs;
  }
}

registerOp('philox_normal', randomDef('philox_normal', true));
registerOp('philox_uniform', randomDef('philox_uniform', false));
