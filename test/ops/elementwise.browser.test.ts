import { describe, expect, it } from 'vitest';
import * as w from '../../src/index';
import { opSuite, type OpCase } from './harness';

const unary: [string, (x: w.Tensor) => w.Tensor, boolean?][] = [
  ['neg', w.neg],
  ['exp', w.exp],
  ['log', w.log, true],
  ['sqrt', w.sqrt, true],
  ['square', w.square],
  ['sin', w.sin],
  ['cos', w.cos],
  ['gelu', w.gelu],
  ['tanh', w.tanh],
  ['sigmoid', w.sigmoid],
  ['relu', w.relu],
  ['reciprocal', w.reciprocal, true],
  ['gelu_grad', w.geluGrad],
  ['affine', (x) => w.affine(x, -1.5, 0.25)],
  ['pow_scalar 3', (x) => w.powScalar(x, 3)],
  ['pow_scalar 0.5', (x) => w.powScalar(x, 0.5), true],
];
// Edge shapes: a single element, an odd prime length, and a 3-D block.
const shapes = [[1], [97], [3, 5, 7]];

const cases: OpCase[] = [];
for (const [name, fn, positive] of unary) {
  for (const shape of shapes)
    cases.push({ name: `${name} ${JSON.stringify(shape)}`, inputs: [{ shape, positive }], fn });
}
// step is piecewise constant: forward only (its gradient is zero almost everywhere).
// sin/cos past the first few periods: every quadrant of the kernel's range reduction, |x| ~ 1e2.
// The GPU rounds 40x to f32 (up to 2^-18 absolute) before the sine, hence the looser forward bound.
for (const [name, fn] of [
  ['sin', w.sin],
  ['cos', w.cos],
] as const)
  cases.push({
    name: `${name}(40 x) [257]`,
    inputs: [{ shape: [257] }],
    fn: (x) => fn(w.mulScalar(x, 40)),
    tol: 2e-5,
  });
// sigmoid far in both tails: e^-x alone would overflow to inf below x = -88.
cases.push({
  name: 'sigmoid(100 x) [97]',
  inputs: [{ shape: [97] }],
  fn: (x) => w.sigmoid(w.mulScalar(x, 100)),
  skipGrad: true,
});
cases.push({ name: 'step [97]', inputs: [{ shape: [97] }], fn: w.step, skipGrad: true });
// Derivatives applied to a gradient in one pass: f(x) * s, differentiated in x and s.
for (const shape of [[1], [97], [3, 5, 7]])
  cases.push({
    name: `gelu_grad(x) * s ${JSON.stringify(shape)}`,
    inputs: [{ shape }, { shape }],
    fn: (x, s) => w.geluGrad(x, s),
  });
cases.push({
  name: 'step(x) * s [97]',
  inputs: [{ shape: [97] }, { shape: [97] }],
  fn: (x, s) => w.step(x, s),
  skipGrad: true,
});

const binary: [string, (a: w.Tensor, b: w.Tensor) => w.Tensor, boolean?][] = [
  ['add', w.add],
  ['sub', w.sub],
  ['mul', w.mul],
  ['div', w.div, true],
  ['pow', w.pow, true],
];
const pairs = [
  [[1], [1]],
  [[13], [13]],
  [
    [4, 1, 3],
    [5, 1],
  ], // broadcast both ways
  [[2, 3, 5], [5]],
  [[1], [2, 7]],
  // Index walks that coalesce to 4 and 5 axes (the kernel's general loop; 1-3 are unrolled).
  [
    [3, 1, 2, 1],
    [4, 1, 3],
  ],
  [
    [3, 1, 2, 1, 2],
    [4, 1, 3, 1],
  ],
];
for (const [name, fn, positive] of binary) {
  for (const [a, b] of pairs) {
    cases.push({
      name: `${name} ${JSON.stringify(a)} ${JSON.stringify(b)}`,
      inputs: [
        { shape: a, positive },
        { shape: b, positive },
      ],
      fn,
    });
  }
}
cases.push({
  name: 'add complex64',
  inputs: [
    { shape: [3, 4], dtype: 'complex64' },
    { shape: [4], dtype: 'complex64' },
  ],
  fn: w.add,
});
cases.push({
  name: 'sub complex64',
  inputs: [
    { shape: [2, 5], dtype: 'complex64' },
    { shape: [2, 5], dtype: 'complex64' },
  ],
  fn: w.sub,
});
// A tensor used twice: gradients must accumulate.
cases.push({
  name: 'x * exp(x) (reuse)',
  inputs: [{ shape: [17] }],
  fn: (x) => w.mul(x, w.exp(x)),
});
// Large enough to fold the dispatch grid? 2^16 * 256 would be too slow here; 70k elements exercises multiple workgroups.
cases.push({ name: 'gelu [70001]', inputs: [{ shape: [70001] }], fn: w.gelu });

opSuite('elementwise ops', cases);

describe('elementwise errors', () => {
  it('name the op and the shapes', async () => {
    const rt = await w.init();
    try {
      const a = rt.tensor(new Float32Array(6), [2, 3]);
      const b = rt.tensor(new Float32Array(8), [2, 4]);
      expect(() => w.add(a, b)).toThrow(/add: shapes \[2, 3\] and \[2, 4\] do not broadcast/);
      const c = rt.tensor(new Float32Array(12), [2, 3], { dtype: 'complex64' });
      expect(() => w.mul(a, c)).toThrow(/mul: dtypes differ/);
      expect(() => w.mul(c, c)).toThrow(/mul: complex64 is not supported/);
      expect(() => w.exp(c)).toThrow(/exp: input 0 has dtype complex64/);
      expect(() => w.geluGrad(a, b)).toThrow(
        /gelu_grad: the scale \[2, 4\] must have the input's shape \[2, 3\]/,
      );
      expect(() => w.mulScalar(a, NaN)).toThrow(/affine: scale must be a finite number, got NaN/);
      expect(() => w.powScalar(a, Infinity)).toThrow(
        /pow_scalar: exponent must be a finite number/,
      );
      expect(() => rt.tensor([1, 2, 3], [2, 2])).toThrow(
        /tensor: data has 3 values but shape \[2, 2\] f32 needs 4/,
      );
      expect(() => rt.tensor([1], [0])).toThrow(/every dimension must be an integer >= 1/);
      a.destroy();
      await expect(a.read()).rejects.toThrow(/read: tensor \[2, 3\] \(leaf\) was destroyed/);
      expect(() => w.neg(a)).toThrow(/neg: tensor \[2, 3\] \(leaf\) was destroyed/);
    } finally {
      rt.destroy();
    }
  });
});
