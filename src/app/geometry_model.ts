/**
 * The geometry page's model: a point-cloud operator trained on the Poisson benchmark
 * (tools/experiments/gaot_poisson.mjs writes config.json and weights.safetensors), rebuilt from
 * those files and run on any cloud of the unit square. Inputs per point are (f / fScale, 2x - 1,
 * 2y - 1) and the output times uScale is u, as in training. GAOT and GINO are supported.
 */
import { WgnoError } from '../errors';
import type { Tensor } from '../graph/tensor';
import { radiusNeighborhoods } from '../geometry/neighborhoods';
import { readSafetensors } from '../io/safetensors';
import { GAOT, type GAOTConfig } from '../models/gaot';
import { GINO, type GINOConfig } from '../models/gino';
import type { Runtime } from '../runtime/runtime';

/** config.json of a run of tools/experiments/gaot_poisson.mjs (the fields the page reads). */
export interface PoissonModelFile {
  model: 'GAOT' | 'GINO';
  config: GAOTConfig | GINOConfig;
  fScale: number;
  uScale: number;
  latent: number;
  parameters?: number;
}

type Forward = (points: Float32Array, x: Tensor) => Promise<{ y: Tensor; done: () => void }>;

/** A trained Poisson model: `predict(points, f)` gives u at the points. */
export class PoissonModel {
  private constructor(
    private readonly rt: Runtime,
    /** The run's config.json. */
    readonly file: PoissonModelFile,
    private readonly run: Forward,
  ) {}

  /**
   * @example
   * const m = await PoissonModel.load(rt, cfgJson, weightBytes);
   * const u = await m.predict(points, f); // points [n * 2] in [0, 1]^2, f [n]
   */
  static async load(
    rt: Runtime,
    file: PoissonModelFile,
    weights: ArrayBuffer,
  ): Promise<PoissonModel> {
    if (!(file.fScale > 0 && file.uScale > 0 && file.latent >= 2))
      throw new WgnoError(
        'PoissonModel',
        'config.json needs fScale, uScale (> 0) and latent (>= 2)',
      );
    const sd = readSafetensors(weights);
    if (file.model === 'GAOT') {
      const m = new GAOT(rt, file.config as GAOTConfig);
      m.loadStateDict(sd);
      return new PoissonModel(rt, file, async (p, x) => {
        const geometry = await m.prepare(p.map((v) => 2 * v - 1));
        return { y: m.forward({ geometry, f: x }), done: () => geometry.destroy() };
      });
    }
    if (file.model === 'GINO') {
      const m = new GINO(rt, file.config as GINOConfig);
      m.loadStateDict(sd);
      const grid = latentGrid(file.latent);
      return new PoissonModel(rt, file, async (p, x) => {
        const g = { coords: grid, dim: 2 };
        const c = { coords: p, dim: 2 };
        const inNb = await radiusNeighborhoods(rt, g, c, m.config.inGnoRadius);
        const outNb = await radiusNeighborhoods(rt, c, g, m.config.outGnoRadius);
        const y = m.forward({
          ...{ inputGeom: p, latentQueries: grid, latentShape: [file.latent, file.latent] },
          ...{ outputQueries: p, x, inNeighbors: inNb, outNeighbors: outNb },
        });
        return { y, done: () => (inNb.destroy(), outNb.destroy()) };
      });
    }
    throw new WgnoError(
      'PoissonModel',
      `model '${String(file.model)}'; the page runs 'GAOT' or 'GINO'`,
    );
  }

  /** u at the points (flat (x, y) pairs in [0, 1]^2) for the source values f there. */
  async predict(points: Float32Array, f: Float32Array): Promise<Float32Array> {
    const n = f.length;
    if (points.length !== 2 * n)
      throw new WgnoError(
        'PoissonModel.predict',
        `${points.length / 2} points but ${n} source values`,
      );
    const xs = new Float32Array(3 * n);
    for (let q = 0; q < n; q++)
      xs.set([f[q] / this.file.fScale, 2 * points[2 * q] - 1, 2 * points[2 * q + 1] - 1], 3 * q);
    const x = this.rt.tensor(xs, [1, n, 3]);
    const { y, done } = await this.run(points, x);
    try {
      return (await y.read()).map((v) => v * this.file.uScale);
    } finally {
      x.destroy();
      done();
    }
  }
}

/** The latent grid of GINO on [0, 1]^2, 'ij' order, as in training. */
function latentGrid(side: number): Float32Array {
  const g = new Float32Array(side * side * 2);
  for (let i = 0; i < side * side; i++)
    g.set([Math.floor(i / side) / (side - 1), (i % side) / (side - 1)], 2 * i);
  return g;
}
