import { WgnoError, fmtShape } from '../errors';
import type { Engine } from './engine';
import { opDef, type OpAttrs, type OpName } from './registry';
import { Tensor } from './tensor';

/**
 * Record one op into the graph: check the inputs belong to one live runtime, run the shape rule
 * (which throws a WgnoError naming the op and shapes), and return the lazy result.
 */
export function apply<K extends OpName>(
  name: K,
  inputs: readonly Tensor[],
  attrs: OpAttrs[K],
  runtime?: Engine,
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
  checkIndexInputs(name, inputs, def.indexInputs ?? []);
  const spec = def.infer(inputs, attrs);
  // Index tensors are never differentiated, whatever they were computed from.
  const requiresGrad = spec.dtype !== 'i32' && inputs.some((t) => t.requiresGrad);
  return new Tensor(rt, spec, name, inputs, attrs, requiresGrad, null);
}

/** i32 exactly where the op declares index inputs, and nowhere else. */
function checkIndexInputs(name: string, inputs: readonly Tensor[], index: readonly number[]): void {
  inputs.forEach((t, i) => {
    const show = `${t.dtype} ${fmtShape(t.shape)}`;
    if (index.includes(i) && t.dtype !== 'i32')
      throw new WgnoError(
        name,
        `input ${i} is ${show} but must be an i32 index tensor (make one with indexTensor())`,
      );
    if (!index.includes(i) && t.dtype === 'i32')
      throw new WgnoError(
        name,
        `input ${i} is an i32 index tensor ${fmtShape(t.shape)}; ${name} takes f32${index.length ? ' values there' : ' or complex64 values'} (index tensors feed only the index inputs of gather_rows and segment_sum)`,
      );
  });
}
