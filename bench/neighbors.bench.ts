/**
 * Neighbour search (issue 4): the cell-grid fixed-radius search (radiusNeighbors) against the
 * brute-force GPU search (radiusNeighborsBrute), and the k-nearest search (knnNeighbors), on
 * uniform random 3-D points in the unit cube, m = n queries, r chosen for about 16 neighbours per
 * query. One iteration is one complete search as a user runs it (upload, kernels, the one-u32
 * readback of the edge count, the index write) plus a wait for the GPU; the graph is then freed.
 * Before timing, the grid and brute-force results are compared (they must be identical).
 * Sizes 10^4, 10^5 and 10^6 points. Brute force runs up to 10^5 points on a GPU and only at 10^4
 * on CPU adapters: its 10^10 distance evaluations at 10^5 take minutes on SwiftShader.
 */
import { bench, describe } from 'vitest';
import { Rng, init } from '../src/index';
import { isCpuAdapter } from '../src/gpu/target';
import { radiusNeighborsBrute } from '../src/geometry/brute_gpu';
import { knnNeighbors, radiusNeighbors } from '../src/geometry/neighbors';
import type { NeighborCsr } from '../src/geometry/csr';
import type { Points } from '../src/geometry/points';
import { adapterLine } from './harness';

const SAMPLES = 3;
const rt = await init();
const cpu = isCpuAdapter(rt.adapterInfo);
console.log(`[bench] adapter: ${adapterLine(rt)}`);

interface Row {
  name: string;
  run: () => Promise<NeighborCsr>;
}

async function once(run: () => Promise<NeighborCsr>): Promise<void> {
  const g = await run();
  await rt.device.queue.onSubmittedWorkDone();
  g.destroy();
}

const rows: Row[] = [];
for (const n of [10_000, 100_000, 1_000_000]) {
  const rng = new Rng(n);
  const points: Points = { coords: rng.uniforms(3 * n), dim: 3 };
  const r = Math.cbrt((3 * 16) / (4 * Math.PI * n));
  const grid = () => radiusNeighbors(rt, points, points, r);
  const brute = () => radiusNeighborsBrute(rt, points, points, r);
  rows.push({ name: `radius grid n=m=${n} (r=${r.toFixed(4)})`, run: grid });
  if (n <= (cpu ? 10_000 : 100_000)) {
    const [a, b] = [await grid(), await brute()];
    const [x, y] = [await a.read(), await b.read()];
    const same = x.index.length === y.index.length && x.index.every((v, i) => v === y.index[i]);
    console.log(`[bench] n=${n}: ${a.nnz} edges; grid equals brute force: ${same}`);
    if (!same) throw new Error(`grid and brute-force searches differ at n = ${n}`);
    a.destroy();
    b.destroy();
    rows.push({ name: `radius brute force n=m=${n}`, run: brute });
  }
  rows.push({ name: `knn k=16 n=m=${n}`, run: () => knnNeighbors(rt, points, points, 16) });
}

describe('neighbour search', () => {
  for (const row of rows)
    bench(row.name, () => once(row.run), {
      time: 0,
      iterations: SAMPLES,
      warmupTime: 0,
      warmupIterations: 1,
    });
});
