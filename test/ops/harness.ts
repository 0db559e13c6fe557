/**
 * The op table harness: every case gets STYLE.md's four checks.
 *  1. GPU forward vs the float64 reference evaluator.
 *  2. VJP dot-product test on the reference: <J^T c, d> vs central differences of <f(x + e d), c>.
 *  3. GPU backward vs the reference evaluated on the same backward graph.
 *  (4. Edge shapes: each suite lists them as cases.)
 *  5. Second order, in float64: the VJP graph is differentiated again (grad of <J^T c, d>, a
 *     Hessian-vector product) and compared with central differences of the gradient, so every
 *     VJP is built from ops that are differentiable themselves.
 * Inputs are seeded and rounded to f32 once, so GPU and reference see identical numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grad, init, mul, type InitOptions, type Runtime, type Tensor } from '../../src/index';
import { sum } from '../../src/ops/reduce';
import { add } from '../../src/ops/binary';
import { evaluateReference } from '../../src/graph/reference';
import { indexTensor } from '../../src/graph/index_tensor';
import { Rng } from '../../src/random';
import { dot, relL2 } from '../util/compare';

export interface InputSpec {
  shape: number[];
  /** i32: an index tensor; needs `data`, never differentiated. */
  dtype?: 'f32' | 'complex64' | 'i32';
  /** Fixed values instead of random ones (required for i32). */
  data?: ArrayLike<number>;
  /** Values in [0.5, 2) instead of standard normal (log, sqrt, pow, div denominators). */
  positive?: boolean;
  /** Check the gradient with respect to this input (default true for f32). */
  grad?: boolean;
}

export interface OpCase {
  name: string;
  inputs: InputSpec[];
  fn: (...xs: Tensor[]) => Tensor;
  /** Relative L2 tolerance of the forward pass (default 1e-5). */
  tol?: number;
  /** Relative L2 tolerance of GPU vs reference gradients (default 1e-4). */
  gradTol?: number;
  skipGrad?: boolean;
  seed?: number;
  /** Constant leaves that `fn` reads besides its inputs, with the values the reference uses. */
  constants?: (xs: Tensor[]) => [Tensor, ArrayLike<number>][];
}

const EPS = 1e-6;

/** `initOptions`: e.g. { kernels: 'lane' } to run the same cases through another lowering. */
export function opSuite(title: string, cases: OpCase[], initOptions: InitOptions = {}): void {
  describe(title, () => {
    let rt: Runtime;
    beforeAll(async () => {
      rt = await init(initOptions);
    });
    afterAll(() => rt?.destroy());
    for (const c of cases) it(c.name, async () => checkCase(rt, c));
  });
}

export async function checkCase(rt: Runtime, c: OpCase): Promise<void> {
  const rng = new Rng(c.seed ?? 1234);
  const feeds = new Map<Tensor, Float64Array>();
  const xs = c.inputs.map((s) => {
    if (s.dtype === 'i32') {
      if (!s.data) throw new Error(`${c.name}: an i32 input needs data`);
      const t = indexTensor(rt, s.data, { shape: s.shape });
      feeds.set(t, Float64Array.from(s.data));
      return t;
    }
    const n = s.shape.reduce((a, b) => a * b, 1) * (s.dtype === 'complex64' ? 2 : 1);
    const data = s.data ?? (s.positive ? rng.uniforms(n, 0.5, 2) : rng.normals(n));
    const wantGrad = !c.skipGrad && (s.grad ?? true) && (s.dtype ?? 'f32') === 'f32';
    const t = rt.tensor(data, s.shape, { dtype: s.dtype, requiresGrad: wantGrad });
    feeds.set(t, Float64Array.from(data));
    return t;
  });
  const y = c.fn(...xs);
  for (const [t, v] of c.constants?.(xs) ?? []) feeds.set(t, Float64Array.from(v));

  const [want] = evaluateReference([y], feeds);
  const got = await y.read();
  expect(relL2(got, want), `forward of ${c.name}`).toBeLessThanOrEqual(c.tol ?? 1e-5);

  const gradInputs = xs.filter((x) => x.requiresGrad);
  if (gradInputs.length === 0 || y.dtype !== 'f32') return;
  const cData = rng.normals(y.size);
  const cot = rt.tensor(cData, y.shape);
  feeds.set(cot, Float64Array.from(cData));
  const loss = sum(mul(y, cot));
  loss.backward();
  const grads = gradInputs.map((x) => x.grad!);
  const refGrads = evaluateReference(grads, feeds);

  // Dot-product test of the VJP, entirely in float64.
  const dirs = gradInputs.map((x) => Float64Array.from(rng.normals(x.size)));
  const lhs = refGrads.reduce((s, g, i) => s + dot(g, dirs[i]), 0);
  const shifted = (sign: number) => {
    const f = new Map(feeds);
    gradInputs.forEach((x, i) =>
      f.set(
        x,
        feeds.get(x)!.map((v, k) => v + sign * EPS * dirs[i][k]),
      ),
    );
    return dot(evaluateReference([y], f)[0], feeds.get(cot)!);
  };
  const rhs = (shifted(1) - shifted(-1)) / (2 * EPS);
  const scale = Math.max(Math.abs(lhs), Math.abs(rhs), 1e-3);
  expect(
    Math.abs(lhs - rhs) / scale,
    `VJP dot-product test of ${c.name}: ${lhs} vs ${rhs}`,
  ).toBeLessThan(1e-5);

  for (let i = 0; i < grads.length; i++) {
    const g = await grads[i].read();
    expect(relL2(g, refGrads[i]), `gradient ${i} of ${c.name}`).toBeLessThanOrEqual(
      c.gradTol ?? 1e-4,
    );
  }
  checkSecondOrder(c.name, gradInputs, grads, dirs, feeds);
}

/** Check 5: H d from differentiating the VJP graph vs central differences of the gradient. */
function checkSecondOrder(
  name: string,
  inputs: readonly Tensor[],
  grads: readonly Tensor[],
  dirs: readonly Float64Array[],
  feeds: ReadonlyMap<Tensor, Float64Array>,
): void {
  const rt = inputs[0].rt;
  const dirTensors = dirs.map((d, i) => rt.tensor(Float32Array.from(d), inputs[i].shape));
  const withDirs = new Map(feeds);
  dirTensors.forEach((t, i) => withDirs.set(t, dirs[i]));
  const h = grads.map((g, i) => sum(mul(g, dirTensors[i]))).reduce((a, b) => add(a, b));
  const hd = h.requiresGrad
    ? evaluateReference(grad(h, inputs, { allowUnused: true }), withDirs)
    : inputs.map((x) => new Float64Array(x.size)); // a linear op: the Hessian is zero
  const at = (sign: number) => {
    const f = new Map(feeds);
    inputs.forEach((x, i) =>
      f.set(
        x,
        feeds.get(x)!.map((v, k) => v + sign * EPS * dirs[i][k]),
      ),
    );
    return evaluateReference(grads, f);
  };
  const [plus, minus] = [at(1), at(-1)];
  const fd = plus.flatMap((p, i) => Array.from(p, (v, k) => (v - minus[i][k]) / (2 * EPS)));
  const got = hd.flatMap((a) => [...a]);
  const norm = (a: readonly number[]) => Math.sqrt(dot(a, a));
  const scale = Math.max(norm(fd), norm(got), 1e-3);
  const err = norm(got.map((v, k) => v - fd[k])) / scale;
  expect(err, `second-order check of ${name}`).toBeLessThan(1e-4);
}
