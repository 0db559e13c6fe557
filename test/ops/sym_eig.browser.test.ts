import { describe, expect, it } from 'vitest';
import { init, sum } from '../../src/index';
import { symEig } from '../../src/ops/sym_eig';
import { Rng } from '../../src/random';
import { opSuite, type OpCase } from './harness';

const rng = new Rng(5);

/** Packed upper triangles of Q diag(lam) Q^T, Q a random rotation (Gram-Schmidt of normals). */
function withEigenvalues(lams: number[][]): number[] {
  const out: number[] = [];
  for (const lam of lams) {
    const d = lam.length;
    const q: number[][] = [];
    while (q.length < d) {
      let v = Array.from(rng.normals(d));
      for (const u of q) {
        const p = v.reduce((s, x, k) => s + x * u[k], 0);
        v = v.map((x, k) => x - p * u[k]);
      }
      const norm = Math.hypot(...v);
      if (norm > 1e-3) q.push(v.map((x) => x / norm));
    }
    const A = (r: number, c: number) => lam.reduce((s, l, k) => s + l * q[k][r] * q[k][c], 0);
    if (d === 2) out.push(A(0, 0), A(0, 1), A(1, 1));
    else out.push(A(0, 0), A(0, 1), A(0, 2), A(1, 1), A(1, 2), A(2, 2));
  }
  return out;
}

/** Covariances of random point sets (symmetric positive semi-definite), packed. */
function covariances(count: number, d: 2 | 3, points: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const x = Array.from({ length: points }, () => Array.from(rng.normals(d)));
    const mean = [...Array(d).keys()].map((k) => x.reduce((s, p) => s + p[k], 0) / points);
    const cov = (r: number, c: number) =>
      x.reduce((s, p) => s + (p[r] - mean[r]) * (p[c] - mean[c]), 0) / points;
    if (d === 2) out.push(cov(0, 0), cov(0, 1), cov(1, 1));
    else out.push(cov(0, 0), cov(0, 1), cov(0, 2), cov(1, 1), cov(1, 2), cov(2, 2));
  }
  return out;
}

const cases: OpCase[] = [];
for (const m of [3, 6]) {
  const d = m === 3 ? 2 : 3;
  for (const shape of [[1, m], [7, m], [2, 3, m], [m]])
    cases.push({
      name: `sym_eig ${d}x${d} random symmetric ${JSON.stringify(shape)}`,
      inputs: [{ shape }],
      fn: symEig,
    });
  cases.push({
    name: `sym_eig ${d}x${d} covariances (SPD) of 10 points`,
    inputs: [{ shape: [9, m], data: covariances(9, d as 2 | 3, 10) }],
    fn: symEig,
  });
  // Offset far from zero: q >> spread (the closed form works on A - qI).
  cases.push({
    name: `sym_eig ${d}x${d} eigenvalues 100 + (1, 2, 3)`,
    inputs: [{ shape: [4, m], data: withEigenvalues(Array(4).fill([101, 102, 103].slice(0, d))) }],
    fn: symEig,
    skipGrad: true,
  });
}
// Near-degenerate pairs: f32 resolves the split to about sqrt(eps) * spread (see sym_eig.wgsl).
const near = [
  [1, 1 + 1e-3, 3],
  [1, 3, 3 + 1e-3],
  [-2, -2 + 1e-5, 5],
  [2, 2, 2 + 1e-4],
];
cases.push({
  name: 'sym_eig 3x3 near-degenerate',
  inputs: [{ shape: [4, 6], data: withEigenvalues(near) }],
  fn: symEig,
  tol: 5e-5, // measured 2.0e-5 (relative L2 over all eigenvalues)
  skipGrad: true,
});

// One kernel (one invocation per matrix) on both lowerings.
opSuite('sym_eig', cases);

describe('sym_eig: exact cases, repeated eigenvalues and errors', () => {
  it('diagonal, multiples of I and zero matrices; finite gradients at repeated eigenvalues', async () => {
    const rt = await init();
    try {
      const a = rt.tensor([3, 0, 0, 1, 0, -2, 2, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0], [3, 6], {
        requiresGrad: true,
      });
      const lam = symEig(a);
      const got = Array.from(await lam.read());
      [-2, 1, 3, 2, 2, 2, 0, 0, 0].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
      sum(lam).backward();
      for (const v of await a.grad!.read()) expect(Number.isFinite(v)).toBe(true);
      const b = symEig(rt.tensor([1, 0, 1, 4, 2, 1], [2, 3]));
      const two = Array.from(await b.read());
      [1, 1, 5 / 2 - Math.sqrt(9 / 4 + 4), 5 / 2 + Math.sqrt(9 / 4 + 4)].forEach((v, i) =>
        expect(two[i]).toBeCloseTo(v, 5),
      );
    } finally {
      rt.destroy();
    }
  });

  it('names the op and the valid layouts', async () => {
    const rt = await init();
    try {
      expect(() => symEig(rt.tensor(new Float32Array(8), [2, 4]))).toThrow(
        /sym_eig: a \[2, 4\] must be packed upper triangles: \[..., 3\] for 2x2 \(a00, a01, a11\) or \[..., 6\] for 3x3/,
      );
    } finally {
      rt.destroy();
    }
  });
});
