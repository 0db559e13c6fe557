import type { Runtime } from '../gpu/runtime';
import type { Tensor } from '../graph/tensor';
import { broadcastTo } from '../ops/layout';
import { concat } from '../ops/concat';

/**
 * neuraloperator's GridEmbeddingND on [0, 1]^d: appends d channels holding the coordinates
 * i / N_a (endpoint excluded, meshgrid 'ij') after the data channels. No parameters; the
 * coordinate tensor is uploaded once per resolution and reused.
 */
export class GridEmbedding {
  private readonly grids = new Map<string, Tensor>();

  constructor(private readonly rt: Runtime) {}

  forward(x: Tensor): Tensor {
    const [b, , ...spatial] = x.shape;
    const key = spatial.join('x');
    let grid = this.grids.get(key);
    if (!grid) {
      grid = this.rt.tensor(gridCoordinates(spatial), [1, spatial.length, ...spatial], {
        label: `grid ${key}`,
      });
      this.grids.set(key, grid);
    }
    return concat([x, broadcastTo(grid, [b, spatial.length, ...spatial])], 1);
  }
}

/** Channel a of the result at grid index (i_1, ..., i_d) is i_a / N_a. */
export function gridCoordinates(spatial: readonly number[]): Float32Array {
  const n = spatial.reduce((p, q) => p * q, 1);
  const out = new Float32Array(spatial.length * n);
  for (let a = 0; a < spatial.length; a++) {
    const inner = spatial.slice(a + 1).reduce((p, q) => p * q, 1);
    for (let i = 0; i < n; i++) out[a * n + i] = (Math.floor(i / inner) % spatial[a]) / spatial[a];
  }
  return out;
}
