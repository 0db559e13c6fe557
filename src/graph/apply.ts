import { WgnoError } from '../errors';
import { opDef, type OpAttrs, type OpName } from '../ops/registry';
import { Tensor } from './tensor';
import type { Runtime } from '../gpu/runtime';

/**
 * Record one op into the graph: check the inputs belong to one live runtime, run the shape rule
 * (which throws a WgnoError naming the op and shapes), and return the lazy result.
 */
export function apply<K extends OpName>(
  name: K,
  inputs: readonly Tensor[],
  attrs: OpAttrs[K],
  runtime?: Runtime,
): Tensor {
  const def = opDef(name);
  const rt = runtime ?? inputs[0]?.rt;
  if (!rt) throw new WgnoError(name, 'needs at least one input tensor');
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw new WgnoError(name, `input ${i} is not a Tensor (got ${typeof t})`);
    if (t.rt !== rt)
      throw new WgnoError(
        name,
        `input ${i} belongs to another Runtime; tensors cannot mix runtimes`,
      );
    t.assertAlive(name);
  });
  rt.assertUsable(name);
  const spec = def.infer(inputs, attrs);
  const requiresGrad = inputs.some((t) => t.requiresGrad);
  return new Tensor(rt, spec, name, inputs, attrs, requiresGrad, null);
}
