/**
 * jax-js's rows of the GPU script: the same FNO-2D and GNO layer with wgno's weights
 * (bench/peers/jaxjs.ts, bench/peers/gno_jaxjs.ts), on Dawn in this Node process. jax-js looks
 * for `navigator.gpu`; Node has no navigator (20) or one without `gpu` (21+), so one is given a
 * Dawn instance of its own (the `webgpu` package wgno's Node path already loaded, with its driver
 * choice: call prepareNodeForJax after wgno's init()).
 */
import { relL2 } from '../peers/spec';
import { timeRuns } from './timing';
import type { FnoShared, GnoShared } from './wgno_rows';
import type { StepRowT } from './report';

/** Kept referenced for the life of the process: a collected Dawn instance crashes Dawn. */
let dawn: unknown = null;

/**
 * Node 20 lacks the iterator helpers of ES2025 that jax-js's einsum parser calls
 * (`str.matchAll(re).map(...).filter(...)`; Node 22+ and current browsers have them): those, added
 * to the shared iterator prototype only where missing.
 */
function iteratorHelpers(): void {
  type It = Iterator<unknown>;
  const proto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object;
  const helpers: Record<string, (this: It, f: (v: unknown, i: number) => unknown) => unknown> = {
    *map(f) {
      let i = 0;
      for (let r = this.next(); !r.done; r = this.next()) yield f(r.value, i++);
    },
    *filter(f) {
      let i = 0;
      for (let r = this.next(); !r.done; r = this.next()) if (f(r.value, i++)) yield r.value;
    },
  };
  for (const [name, value] of Object.entries(helpers))
    if (!(name in proto))
      Object.defineProperty(proto, name, { configurable: true, writable: true, value });
}

/** What jax-js needs of the platform in Node: navigator.gpu (a Dawn instance) and iterator helpers. */
export async function prepareNodeForJax(): Promise<void> {
  iteratorHelpers();
  const g = globalThis as { navigator?: { gpu?: unknown; userAgent?: string } };
  if (g.navigator?.gpu) return;
  const name = 'webgpu';
  const mod = (await import(/* @vite-ignore */ name)) as { create(flags: string[]): unknown };
  dawn = mod.create([]);
  if (!g.navigator) g.navigator = { userAgent: `Node.js/${process.version}` };
  Object.defineProperty(g.navigator, 'gpu', { value: dawn, configurable: true });
}

export async function jaxFnoRows(s: FnoShared, steps: StepRowT[]): Promise<Record<string, number>> {
  const jax = await import('../peers/jaxjs');
  const p = await jax.jaxFno(s.weights, s.x, s.y, s);
  const tag = `b${s.batch} ${s.size}x${s.size}`;
  const agreement = { [`fno2d ${tag} output vs wgno`]: relL2(await p.output(), s.out) };
  const shape = { batch: s.batch, size: s.size, width: 20, modes: [12, 12] };
  const base = {
    model: 'fno2d' as const,
    lib: 'jax-js' as const,
    lowering: null,
    dispatches: null,
    shape,
  };
  steps.push({
    ...base,
    name: `fno2d infer ${tag}`,
    kind: 'infer',
    ...(await timeRuns(() => p.infer())),
  });
  steps.push({
    ...base,
    name: `fno2d train ${tag}`,
    kind: 'train',
    ...(await timeRuns(() => p.train())),
  });
  p.dispose();
  return agreement;
}

export async function jaxGnoRows(s: GnoShared, steps: StepRowT[]): Promise<Record<string, number>> {
  const jax = await import('../peers/gno_jaxjs');
  const { problem: pr } = s;
  const p = jax.jaxGno(pr, s.weights);
  const tag = `n${pr.n} h${pr.hidden} c${pr.channels}`;
  const agreement = { [`gno ${tag} output vs wgno`]: relL2(await p.output(), s.out) };
  const shape = { points: pr.n, edges: pr.nnz, hidden: pr.hidden, channels: pr.channels };
  const base = {
    model: 'gno' as const,
    lib: 'jax-js' as const,
    lowering: null,
    dispatches: null,
    shape,
  };
  steps.push({
    ...base,
    name: `gno fwd ${tag}`,
    kind: 'fwd',
    ...(await timeRuns(() => p.forward(false))),
  });
  steps.push({
    ...base,
    name: `gno fwd+bwd ${tag}`,
    kind: 'fwd+bwd',
    ...(await timeRuns(() => p.forwardBackward(false))),
  });
  p.dispose();
  return agreement;
}
