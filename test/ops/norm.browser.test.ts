import { describe, expect, it } from 'vitest';
import { init } from '../../src/index';
import { apply } from '../../src/graph/apply';
import { layerNorm, rmsNorm } from '../../src/ops/norm';
import '../../src/ops/norm_grad';
import { opSuite, type OpCase } from './harness';

// [x shape, normalizedDims, affine]: rows of d = 1 (y = 0: only the bias survives), short rows
// (one thread per row on both lowerings), rows past 64 (one workgroup per row on 'workgroup'),
// odd and prime sizes, batch 1, a long row of 4097.
const layers: [number[], number, 'none' | 'weight' | 'both' | 'bias'][] = [
  [[5, 1], 1, 'both'],
  [[1, 7], 1, 'none'],
  [[3, 5, 7], 1, 'weight'],
  [[3, 5, 7], 2, 'both'],
  [[2, 3, 5, 7], 3, 'both'],
  [[4, 97], 1, 'bias'],
  [[2, 3, 67], 2, 'both'],
  [[1, 4097], 1, 'weight'],
  [[13], 1, 'both'],
];

const cases: OpCase[] = [];
for (const [shape, k, aff] of layers) {
  const tail = shape.slice(shape.length - k);
  const w = aff === 'weight' || aff === 'both';
  const b = aff === 'bias' || aff === 'both';
  cases.push({
    name: `layer_norm ${JSON.stringify(shape)} dims=${k} ${aff}`,
    inputs: [{ shape }, ...(w ? [{ shape: tail }] : []), ...(b ? [{ shape: tail }] : [])],
    fn: (x, ...p) =>
      layerNorm(x, k, { weight: w ? p[0] : undefined, bias: b ? p[w ? 1 : 0] : undefined }),
    gradTol: 2e-4,
  });
}
for (const [shape, w] of [
  [[6, 1], true],
  [[3, 5], false],
  [[2, 3, 33], true],
  [[4, 130], true],
  [[1, 1031], false],
] as [number[], boolean][]) {
  cases.push({
    name: `rms_norm ${JSON.stringify(shape)}${w ? ' weight' : ''}`,
    inputs: [{ shape }, ...(w ? [{ shape: shape.slice(-1) }] : [])],
    fn: (x, wt) => rmsNorm(x, { weight: wt }),
    // d = 1: y = x / sqrt(x^2 + eps), whose gradient eps / (x^2 + eps)^1.5 is 1 - xhat^2 in
    // disguise: f32 cancellation, not the kernel, limits it.
    gradTol: shape[1] === 1 ? 1e-3 : 2e-4,
  });
}
// layer_norm_grad, layer_norm's fused input gradient, as an op of its own (its VJP is second order).
for (const [shape, dims, rms] of [
  [[5, 1], 1, false],
  [[3, 5, 7], 1, false],
  [[2, 3, 67], 2, false],
  [[4, 130], 1, true],
  [[3, 2, 5], 2, true],
] as [number[], number, boolean][]) {
  cases.push({
    name: `layer_norm_grad ${JSON.stringify(shape)} dims=${dims}${rms ? ' rms' : ''}`,
    inputs: [{ shape }, { shape }],
    fn: (x, gh) => apply('layer_norm_grad', [x, gh], { dims, eps: 1e-5, rms }),
    gradTol: 2e-4,
  });
}
// MgNO's rows: each sample normalised over [C, H, W] = 32 * 64 * 64 (forward: the gradient is
// the same ops as the small cases).
cases.push({
  name: 'layer_norm [2, 32, 64, 64] dims=3 (MgNO)',
  inputs: [{ shape: [2, 32, 64, 64] }],
  fn: (x) => layerNorm(x, 3),
  skipGrad: true,
});
// Large mean, small spread: the two-pass variance keeps it (E[x^2] - E[x]^2 would not).
const offset = Array.from({ length: 2 * 300 }, (_, i) => 1000 + Math.sin(i) * 0.5);
cases.push({
  name: 'layer_norm of rows with mean 1000 and spread 0.5',
  inputs: [{ shape: [2, 300], data: offset }],
  fn: (x) => layerNorm(x, 1),
  tol: 1e-3,
  skipGrad: true,
});

for (const kernels of ['lane', 'workgroup'] as const)
  opSuite(`norm ops (${kernels})`, cases, { kernels });

describe('norm: errors', () => {
  it('names the op, the argument and the shapes', async () => {
    const rt = await init();
    try {
      const x = rt.tensor(new Float32Array(12), [3, 4]);
      expect(() => layerNorm(x, 3)).toThrow(
        /layer_norm: normalizedDims 3 is invalid for x \[3, 4\]; it counts trailing axes: 1..2/,
      );
      expect(() => layerNorm(x, 1, { weight: rt.tensor(new Float32Array(3), [3]) })).toThrow(
        /layer_norm: weight \[3\] must have the normalised shape \[4\] of x \[3, 4\]/,
      );
      expect(() => layerNorm(x, 2, { bias: rt.tensor(new Float32Array(4), [4]) })).toThrow(
        /layer_norm: bias \[4\] must have the normalised shape \[3, 4\]/,
      );
      expect(() => rmsNorm(x, { eps: NaN })).toThrow(/rms_norm: eps must be a finite number/);
    } finally {
      rt.destroy();
    }
  });
});
