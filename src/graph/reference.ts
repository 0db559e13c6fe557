import { WgnoError } from '../errors';
import { opDef } from './registry';
import { topoSort } from './autodiff';
import type { Tensor } from './tensor';

/**
 * Evaluate a recorded graph on the CPU in float64 with every op's reference implementation.
 * Leaves take their values from `feeds`. Tests compare the GPU against this; it is also a handy
 * debugging oracle for a model at toy sizes.
 */
export function evaluateReference(
  outputs: readonly Tensor[],
  feeds: ReadonlyMap<Tensor, Float64Array>,
): Float64Array[] {
  const vals = new Map<Tensor, Float64Array>(feeds);
  for (const t of topoSort(outputs)) {
    if (vals.has(t)) continue;
    if (t.op === null) throw new WgnoError('reference', `no value fed for leaf ${t}`);
    const def = opDef(t.op) as {
      reference: (x: Float64Array[], s: readonly Tensor[], a: unknown, o: Tensor) => Float64Array;
    };
    vals.set(
      t,
      def.reference(
        t.inputs.map((x) => vals.get(x)!),
        t.inputs,
        t.attrs,
        t,
      ),
    );
  }
  return outputs.map((t) => vals.get(t)!);
}
