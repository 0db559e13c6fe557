/**
 * Genomes as seed lists (Such et al. 2017, "Deep Neuroevolution"): a member's weights are its
 * initial Philox draw plus one sigma-scaled Philox normal per generation it was mutated in, so a
 * genome of g + 1 integers stands for any number of weights. Rebuilt here on the host and by
 * `genomeWeights` on the GPU, bit for bit the same, and the same as the GA's population holds:
 * element j of slot t is normal(s0, offset_t + j) * initStd_t, then for each later seed s,
 * w = w + normal(s, offset_t + j) * sigma, each product and sum rounded to f32 once.
 */
import type { Engine } from '../../graph/engine';
import type { Tensor } from '../../graph/tensor';
import type { ParamSlot } from '../../nn/population';
import { add } from '../../ops/binary';
import { fill } from '../../ops/fill';
import { philoxNormal } from '../../ops/random';
import { philoxNormals } from '../../random_philox';

/**
 * A member's flat parameter vector (the layout's order) from its genome, on the host.
 * @example
 * const w = rebuildGenome(pop.layout, ga.genome(0), 0.05); // Float32Array(pop.genomeSize)
 */
export function rebuildGenome(
  layout: readonly ParamSlot[],
  genome: readonly number[],
  sigma: number,
): Float32Array {
  const size = layout.reduce((n, s) => n + s.size, 0);
  const w = new Float32Array(size);
  for (const s of layout) {
    const part = w.subarray(s.offset, s.offset + s.size);
    if (s.initStd > 0)
      part.set(philoxNormals(genome[0], s.size, { offset: s.offset, std: s.initStd }));
    for (const seed of genome.slice(1)) {
      const eps = philoxNormals(seed, s.size, { offset: s.offset, std: sigma });
      for (let j = 0; j < s.size; j++) part[j] = part[j] + eps[j];
    }
  }
  return w;
}

/**
 * The same weights built on the GPU as a graph: one tensor per slot, by state_dict name.
 * @example
 * const w = genomeWeights(rt, pop.layout, ga.genome(0), 0.05); // Map name -> Tensor
 */
export function genomeWeights(
  rt: Engine,
  layout: readonly ParamSlot[],
  genome: readonly number[],
  sigma: number,
): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const s of layout) {
    let w =
      s.initStd > 0
        ? philoxNormal(rt, s.shape, { seed: genome[0], offset: s.offset, std: s.initStd })
        : fill(rt, s.shape, 0);
    for (const seed of genome.slice(1))
      w = add(w, philoxNormal(rt, s.shape, { seed, offset: s.offset, std: sigma }));
    out.set(s.name, w);
  }
  return out;
}
