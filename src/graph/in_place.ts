/**
 * In-place updates a Step records after its graph (Update dispatches, see planner.ts): a leaf
 * advanced by a value the graph computed. The trainer sums per-batch losses on the GPU with
 * `accumulateUpdate` (logging reads back once per interval); solvers and the demo write their new
 * state into the leaf that holds it with `assignUpdate`. Both run kernels/accumulate.wgsl.
 */
import { WgnoError, fmtShape } from '../errors';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import accumulateSource from '../../kernels/accumulate.wgsl?raw';
import type { Update } from './planner';
import type { Tensor } from './tensor';

const accumulateKernel = defineKernel({
  name: 'accumulate',
  source: accumulateSource,
  params: new UniformLayout('AccumulateParams', { n: 'u32' }),
  storage: ['read_write', 'read'],
});

/**
 * An in-place `acc += value` over every float of `acc` (complex64 as (re, im) pairs), run after
 * the step's graph.
 *
 * @example
 * const acc = rt.zeros([1], { label: 'loss.sum' });
 * const step = await rt.compile({ outputs: [loss], updates: [accumulateUpdate(acc, loss)] });
 */
export function accumulateUpdate(acc: Tensor, value: Tensor): Update {
  return inPlace('accumulate', acc, value, 0);
}

/**
 * An in-place `dst = value` after the step's graph: a step that advances a state held in a leaf.
 *
 * @example
 * const step = await rt.compile({ outputs: [next], updates: [assignUpdate(state, next)] });
 */
export function assignUpdate(dst: Tensor, value: Tensor): Update {
  return inPlace('assign', dst, value, 1);
}

function inPlace(op: string, dst: Tensor, value: Tensor, assign: number): Update {
  if (dst.size !== value.size || dst.dtype !== value.dtype)
    throw new WgnoError(
      op,
      `target ${dst.dtype} ${fmtShape(dst.shape)} and value ${value.dtype} ${fmtShape(value.shape)} must have the same size and dtype`,
    );
  const n = dst.size * (dst.dtype === 'complex64' ? 2 : 1);
  return {
    kernel: accumulateKernel,
    overrides: { ASSIGN: assign },
    params: { n },
    bindings: [dst, value],
    grid: grid1d(n),
  };
}
