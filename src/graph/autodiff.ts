import { WgnoError, fmtShape } from '../errors';
import { opDef } from './registry';
import type { Tensor } from './tensor';

/**
 * The two tensors autodiff makes itself, whatever the graph: the seed of a scalar loss (ones) and
 * the sum of two gradients reaching one tensor. They are ops like any other, provided by the op
 * layer (src/ops/all.ts) when it loads, so this module names no op.
 */
export interface GradientPrimitives {
  ones(like: Tensor): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
}

let primitives: GradientPrimitives | null = null;

/** Install the seed and accumulation ops (called once by src/ops/all.ts). */
export function provideGradientPrimitives(p: GradientPrimitives): void {
  primitives = p;
}

function gradientPrimitives(): GradientPrimitives {
  if (!primitives)
    throw new WgnoError(
      'backward',
      'no gradient primitives are installed; get tensors from a Runtime made by init()',
    );
  return primitives;
}

/** Tensors reachable from `roots`, inputs before users (iterative DFS, deterministic order). */
export function topoSort(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [];
  for (const r of roots) {
    if (seen.has(r)) continue;
    seen.add(r);
    stack.push([r, 0]);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [t, i] = top;
      if (i < t.inputs.length) {
        top[1]++;
        const child = t.inputs[i];
        if (!seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(t);
      }
    }
  }
  return order;
}

/**
 * Reverse-mode autodiff: append the VJP of every node between the leaves and `loss` to the same
 * graph, and set `.grad` on every leaf with requiresGrad. Gradients of a tensor used more than once
 * are summed. `.grad` holds the gradient of this loss (no accumulation across calls).
 */
export function backward(loss: Tensor, seed?: Tensor): void {
  if (!seed && loss.size !== 1) {
    throw new WgnoError(
      'backward',
      `the loss has shape ${fmtShape(loss.shape)}; backward() needs a single value (reduce with sum or mean first) or an explicit seed gradient`,
    );
  }
  if (!loss.requiresGrad) {
    throw new WgnoError(
      'backward',
      'the loss does not depend on any tensor with requiresGrad: true',
    );
  }
  if (seed && (seed.dtype !== loss.dtype || seed.shape.join() !== loss.shape.join())) {
    throw new WgnoError(
      'backward',
      `seed ${fmtShape(seed.shape)} ${seed.dtype} must match the loss ${fmtShape(loss.shape)} ${loss.dtype}`,
    );
  }
  const { ones, add } = gradientPrimitives();
  const grads = new Map<Tensor, Tensor>();
  grads.set(loss, seed ?? ones(loss));
  const order = topoSort([loss]);
  const leafGrads: Tensor[] = [];
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k];
    const g = grads.get(t);
    if (!g || !t.requiresGrad) continue;
    if (t.op === null) {
      t.grad = g;
      leafGrads.push(g);
      continue;
    }
    const needs = t.inputs.map((x) => x.requiresGrad);
    const def = opDef(t.op);
    const gin = (def.vjp as (a: unknown) => (Tensor | null)[])({
      g,
      inputs: t.inputs,
      out: t,
      attrs: t.attrs,
      needs,
    });
    t.inputs.forEach((x, i) => {
      const gi = gin[i];
      if (!needs[i] || !gi) return;
      const prev = grads.get(x);
      grads.set(x, prev ? add(prev, gi) : gi);
    });
  }
  // A read of one gradient computes the loss and all of them in one run (Tensor.evaluateWith).
  const together = [loss, ...leafGrads];
  for (const g of leafGrads) g.evaluateWith = together;
}
