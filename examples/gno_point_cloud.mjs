// A graph neural operator (GNO) on an irregular point cloud: Darcy flow, -div(a grad u) = 1,
// solved by wgno on a grid, then read at random points. The GNO learns a -> u at the points of
// one cloud (messages between neighbours within `radius`), and the same weights then run on a
// denser cloud it never saw: a new radius search, no retraining.
//
//   node examples/gno_point_cloud.mjs [--tiny]
//
// --tiny shrinks everything to run in seconds on a CPU implementation of WebGPU (what CI uses).
// tools/experiments/darcy_gno.mjs is the full study (GNO and GINO, several densities).
import { parseArgs } from 'node:util';
import {
  Adam,
  GNO,
  Trainer,
  generateDarcy,
  init,
  radiusNeighborhoods,
  samplePointCloud,
} from 'wgno';

const { values: arg } = parseArgs({ options: { tiny: { type: 'boolean', default: false } } });
const size = arg.tiny
  ? { s: 11, samples: 4, points: 40, densePoints: 80, hidden: 8, steps: 8, radius: 0.3 }
  : { s: 33, samples: 32, points: 300, densePoints: 600, hidden: 32, steps: 300, radius: 0.12 };

/**
 * Inputs [n, count, 3] = (a scaled to +-1, 2x - 1, 2y - 1) and targets u / uScale [n, count, 1]
 * at `count` seeded random points: point-major, one row of channels per point.
 */
function cloud(ds, count, seed, uScale) {
  const a = samplePointCloud(ds.coeff, count, seed, { mode: 'nodes' });
  const u = samplePointCloud(ds.sol, count, seed, { mode: 'nodes' });
  const points = a.points.data; // [count, 2] in [0, 1]^2, the same for every sample
  const n = ds.coeff.shape[0];
  const x = new Float32Array(n * count * 3);
  for (let k = 0; k < n * count; k++) {
    const p = k % count;
    // a takes the values 3 and 12; centred coordinates make the pointwise path learn faster.
    x.set(
      [(a.values.data[k] - 7.5) / 4.5, 2 * points[2 * p] - 1, 2 * points[2 * p + 1] - 1],
      3 * k,
    );
  }
  const y = u.values.data.map((v) => v / uScale);
  return {
    points,
    inputs: { data: x, shape: [n, count, 3] },
    targets: { data: y, shape: [n, count, 1] },
  };
}

const rt = await init();
try {
  const t0 = performance.now();
  const ds = await generateDarcy(rt, { n: size.samples, s: size.s, seed: 3 });
  // Relative L2 ignores a global scale, so scaling u to about 1 changes no reported error.
  const uScale = ds.sol.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const sparse = cloud(ds, size.points, 1, uScale);
  const dense = cloud(ds, size.densePoints, 2, uScale);

  const model = new GNO(rt, {
    inChannels: 3,
    outChannels: 1,
    hiddenChannels: size.hidden,
    coordDim: 2,
    radius: size.radius,
    nLayers: 2,
    kernelMlpLayers: [size.hidden, size.hidden],
    reduction: 'mean', // average over neighbours: the same scale at any point density
    seed: 0,
  });
  /** The GNO over one cloud, with that cloud's neighbour graph (CSR, built on the GPU). */
  async function onCloud(c) {
    const pts = { coords: c.points, dim: 2 };
    const neighbors = await radiusNeighborhoods(rt, pts, pts, size.radius);
    return {
      neighbors,
      model: {
        forward: (x) => model.forward({ points: c.points, f: x, neighbors }),
        namedParameters: () => model.namedParameters(),
      },
    };
  }

  const train = await onCloud(sparse);
  const opts = {
    model: train.model,
    optimizer: new Adam(model.namedParameters(), { lr: 1e-2 }),
    inputs: sparse.inputs,
    targets: sparse.targets,
    batchSize: size.samples, // full batch: one step per epoch
    layout: 'channels-last', // outputs [n, points, 1]: relative L2 over the points, per sample
  };
  const trainer = await Trainer.create(opts);
  const { losses } = await trainer.fit(size.steps);
  const [first, last] = [losses[0] / size.samples, losses.at(-1) / size.samples];
  console.log(
    `training on ${size.points} points: relative L2 ${first.toFixed(4)} -> ${last.toFixed(4)}`,
  );

  // The trained weights on the denser cloud: only the neighbour graph is new.
  const test = await onCloud(dense);
  const ev = Trainer.forEvaluation({ ...opts, model: test.model });
  const denseErr = (await ev.evaluate(dense.inputs, dense.targets)).relL2;
  console.log(`same weights on ${size.densePoints} points: relative L2 ${denseErr.toFixed(4)}`);
  for (const d of [trainer, ev, train.neighbors, test.neighbors]) d.destroy();

  const seconds = (performance.now() - t0) / 1000;
  console.log(`result ${JSON.stringify({ first, last, denseErr, seconds })}`);
} finally {
  rt.destroy();
}
