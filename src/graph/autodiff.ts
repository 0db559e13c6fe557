import { WgnoError, fmtShape } from '../errors';
import { opDef } from './registry';
import { sameShape } from './shape';
import type { Tensor } from './tensor';

/**
 * The tensors autodiff makes itself, whatever the graph: the seed of a scalar loss (ones), the
 * sum of two gradients reaching one tensor, and zeros for an unused input of grad(). They are ops like any other, provided by the op
 * layer (src/ops/all.ts) when it loads, so this module names no op.
 */
export interface GradientPrimitives {
  ones(like: Tensor): Tensor;
  zeros(like: Tensor): Tensor;
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

/** Check a seed against the output it seeds, or require a single-value output without one. */
function checkSeed(what: string, noun: string, out: Tensor, seed: Tensor | undefined): void {
  if (!seed && out.size !== 1)
    throw new WgnoError(
      what,
      `the ${noun} has shape ${fmtShape(out.shape)}; ${what}() needs a single value (reduce with sum or mean first) or an explicit seed gradient`,
    );
  if (seed && (seed.dtype !== out.dtype || !sameShape(seed.shape, out.shape)))
    throw new WgnoError(
      what,
      `seed ${fmtShape(seed.shape)} ${seed.dtype} must match the ${noun} ${fmtShape(out.shape)} ${out.dtype}`,
    );
}

/**
 * The reverse sweep shared by backward() and grad(): from each (output, seed) pair, walk `order`
 * (the outputs' topological sort; grad() needs it for its own pruning too) in reverse and append
 * each node's VJP (built from registered ops, so the result is differentiable again). Only inputs
 * for which `wanted` holds get a gradient; the gradients of a tensor used more than once are
 * summed. Returns every gradient built.
 */
function reverse(
  roots: readonly (readonly [Tensor, Tensor])[],
  order: readonly Tensor[],
  wanted: (t: Tensor) => boolean,
): Map<Tensor, Tensor> {
  const { add } = gradientPrimitives();
  const grads = new Map<Tensor, Tensor>();
  const accumulate = (t: Tensor, g: Tensor) => {
    const prev = grads.get(t);
    grads.set(t, prev ? add(prev, g) : g);
  };
  for (const [out, seed] of roots) accumulate(out, seed);
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k];
    const g = grads.get(t);
    if (!g || t.op === null || !wanted(t)) continue;
    const needs = t.inputs.map(wanted);
    const gin = (opDef(t.op).vjp as (a: unknown) => (Tensor | null)[])({
      g,
      inputs: t.inputs,
      out: t,
      attrs: t.attrs,
      needs,
    });
    t.inputs.forEach((x, i) => {
      const gi = gin[i];
      if (needs[i] && gi) accumulate(x, gi);
    });
  }
  return grads;
}

/**
 * Reverse-mode autodiff: append the VJP of every node between the leaves and `loss` to the same
 * graph, and set `.grad` on every leaf with requiresGrad. Gradients of a tensor used more than once
 * are summed. `.grad` holds the gradient of this loss (no accumulation across calls).
 */
export function backward(loss: Tensor, seed?: Tensor): void {
  checkSeed('backward', 'loss', loss, seed);
  if (!loss.requiresGrad) {
    throw new WgnoError(
      'backward',
      'the loss does not depend on any tensor with requiresGrad: true',
    );
  }
  const root = [loss, seed ?? gradientPrimitives().ones(loss)] as const;
  const grads = reverse([root], topoSort([loss]), (t) => t.requiresGrad);
  const leafGrads: Tensor[] = [];
  for (const [t, g] of grads)
    if (t.op === null && t.requiresGrad) {
      t.grad = g;
      leafGrads.push(g);
    }
  // A read of one gradient computes the loss and all of them in one run (Tensor.evaluateWith).
  const together = [loss, ...leafGrads];
  for (const g of leafGrads) g.evaluateWith = together;
}

/** Options of `grad`. */
export interface GradOptions {
  /** One seed per output (the vector of a vector-Jacobian product); default ones for scalars. */
  seeds?: readonly Tensor[];
  /** Give zeros for an input no output depends on, instead of throwing (PyTorch's allow_unused). */
  allowUnused?: boolean;
}

/**
 * Gradients of `outputs` (summed, each weighted by its seed) with respect to `inputs`, as graph
 * tensors that are differentiable again: a loss may hold first and second derivatives of a
 * model's output with respect to its inputs and still be trained, in one compiled Step. Sets no
 * `.grad` and walks only the part of the graph between the inputs and the outputs. Inputs may be
 * leaves or computed tensors; each must require a gradient.
 *
 * @example
 * const x = rt.tensor(points, [n, 1], { requiresGrad: true });
 * const u = model.forward(x); // [n, 1]: one value per point
 * const [ux] = grad(sum(u), [x]); // du/dx at every point (points are independent)
 * const [uxx] = grad(sum(ux), [x]); // d2u/dx2
 * const loss = mean(square(sub(uxx, f))); // trains through both derivatives
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: readonly Tensor[],
  opts: GradOptions = {},
): Tensor[] {
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  if (opts.seeds && opts.seeds.length !== outs.length)
    throw new WgnoError('grad', `${opts.seeds.length} seeds for ${outs.length} outputs`);
  inputs.forEach((x, i) => {
    if (!x.requiresGrad)
      throw new WgnoError(
        'grad',
        `input ${i} ${x} does not require a gradient (requiresGrad: false)`,
      );
  });
  // The nodes that depend on an input: only their VJPs are built.
  const targets = new Set(inputs);
  const depends = new Set<Tensor>();
  const order = topoSort(outs);
  for (const t of order) if (targets.has(t) || t.inputs.some((x) => depends.has(x))) depends.add(t);
  outs.forEach((o, i) => checkSeed('grad', `output ${i}`, o, opts.seeds?.[i]));
  const ones = gradientPrimitives().ones;
  const roots = outs.map((o, i) => [o, opts.seeds?.[i] ?? ones(o)] as const);
  const grads = reverse(roots, order, (t) => depends.has(t) && t.requiresGrad);
  return inputs.map((x, i) => {
    const g = grads.get(x);
    if (g) return g;
    if (!opts.allowUnused)
      throw new WgnoError(
        'grad',
        `no output depends on input ${i} ${x}; pass { allowUnused: true } for zeros`,
      );
    return gradientPrimitives().zeros(x);
  });
}
