/**
 * sym_eig: eigenvalues, ascending, of batches of symmetric 2x2 and 3x3 matrices stored as their
 * packed upper triangle, in closed form (kernels/sym_eig.wgsl: 2x2 directly, 3x3 by Smith's
 * trigonometric formula). GAOT's geometry embedding uses them on neighbourhood covariances.
 *
 * Layout: a [..., 3] = (a00, a01, a11) -> [..., 2]; a [..., 6] = (a00, a01, a02, a11, a12, a22)
 * -> [..., 3]. Packed, so every input is a symmetric matrix (no asymmetric part to ignore).
 *
 * VJP: dlam_i / dA = v_i v_i^T, so the gradient of sum_i g_i lam_i is G = sum_i g_i P_i with
 * P_i the eigenprojector; off-diagonal packed entries stand for two entries of A and get 2 G_jk.
 * It is built from registered ops without eigenvectors, as the Lagrange interpolation polynomial
 * of the g_i at the lam_i evaluated at A (P_i = prod_{j != i} (A - lam_j I) / (lam_i - lam_j)):
 *   2x2: G = c0 I + c1 A,          3x3: G = c0 I + c1 A + c2 A^2,
 * so it is differentiable again. At a repeated eigenvalue the gradient is not defined (it depends
 * on which eigenvectors are picked); each 1 / gap is taken as gap / (gap^2 + 1e-30), finite
 * everywhere (a zero gap contributes 0), and near a repeated eigenvalue the polynomial form loses
 * f32 digits like 1 / gap (GAOT differentiates through coordinates nowhere, so this is rarely met).
 */
import { WgnoError, fmtShape } from '../errors';
import { apply } from '../graph/apply';
import { numel, type TensorSpec } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/sym_eig.wgsl?raw';
import { requireF32 } from './elementwise';
import { add, div, mul, sub } from './binary';
import { concat } from './concat';
import { reshape } from './layout';
import { slice } from './pad';
import { addScalar, mulScalar, neg, square } from './unary';
import type { OpDef } from '../graph/op';
import { registerOp, type NoAttrs } from '../graph/registry';

export const symEigParams = new UniformLayout('SymEigParams', { n: 'u32' });
const eig = (entry: string) =>
  defineKernel({
    name: 'sym_eig',
    entry,
    source,
    params: symEigParams,
    storage: ['read', 'read_write'],
  });
const KERNELS = { 2: eig('eig2'), 3: eig('eig3') };

/** Packed (row, column) of each stored entry, by matrix size: the layout symEig reads. */
export const PACKED: Record<2 | 3, [number, number][]> = {
  2: [
    [0, 0],
    [0, 1],
    [1, 1],
  ],
  3: [
    [0, 0],
    [0, 1],
    [0, 2],
    [1, 1],
    [1, 2],
    [2, 2],
  ],
};

/** Matrix size d and count n of a packed input [..., 3] or [..., 6]. */
function sizeOf(spec: TensorSpec): { d: 2 | 3; n: number } {
  requireF32('sym_eig', [spec]);
  const m = spec.shape[spec.shape.length - 1];
  if (spec.shape.length < 1 || (m !== 3 && m !== 6))
    throw new WgnoError(
      'sym_eig',
      `a ${fmtShape(spec.shape)} must be packed upper triangles: [..., 3] for 2x2 (a00, a01, a11) or [..., 6] for 3x3 (a00, a01, a02, a11, a12, a22)`,
    );
  return { d: m === 3 ? 2 : 3, n: numel(spec.shape) / m };
}

export const symEigDef: OpDef<NoAttrs> = {
  name: 'sym_eig',
  infer([a]) {
    const { d } = sizeOf(a);
    return { shape: [...a.shape.slice(0, -1), d], dtype: 'f32' };
  },
  lower({ inputs: [a] }) {
    const { d, n } = sizeOf(a);
    const io = [{ input: 0 }, { output: true as const }];
    const cost = {
      read: 4 * n * (d === 2 ? 3 : 6),
      write: 4 * n * d,
      flops: n * (d === 2 ? 8 : 60),
    };
    return {
      dispatches: [{ kernel: KERNELS[d], params: { n }, bindings: io, grid: grid1d(n), cost }],
    };
  },
  vjp: ({ g, inputs: [a], out, needs }) => [needs[0] ? eigenGradient(a, out, g) : null],
  // Independent of the closed form: cyclic Jacobi rotations in float64.
  reference([a], [spec]) {
    const { d, n } = sizeOf(spec);
    const m = PACKED[d].length;
    const y = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const A = Array.from({ length: d }, () => new Array<number>(d).fill(0));
      PACKED[d].forEach(([r, c], k) => (A[r][c] = A[c][r] = a[i * m + k]));
      y.set(
        jacobiEigenvalues(A).sort((p, q) => p - q),
        i * d,
      );
    }
    return y;
  },
};

/** Eigenvalues of a small symmetric matrix by cyclic Jacobi sweeps (float64, to convergence). */
function jacobiEigenvalues(A: number[][]): number[] {
  const d = A.length;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += A[p][q] ** 2;
    if (off < 1e-300) break;
    for (let p = 0; p < d; p++)
      for (let q = p + 1; q < d; q++) {
        if (A[p][q] === 0) continue;
        const theta = (A[q][q] - A[p][p]) / (2 * A[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const [akp, akq] = [A[k][p], A[k][q]];
          A[k][p] = c * akp - s * akq;
          A[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const [apk, aqk] = [A[p][k], A[q][k]];
          A[p][k] = c * apk - s * aqk;
          A[q][k] = s * apk + c * aqk;
        }
      }
  }
  return A.map((row, i) => row[i]);
}

/** 1 / x regularised to x / (x^2 + 1e-30): finite at 0, equal to 1 / x in f32 elsewhere. */
const safeInverse = (x: Tensor) => div(x, addScalar(square(x), 1e-30));

/** The columns of x [n, k] as k tensors [n, 1]. */
const columns = (x: Tensor) => Array.from({ length: x.shape[1] }, (_, k) => slice(x, 1, k, k + 1));

/**
 * sum_i g_i v_i v_i^T in packed form (off-diagonals doubled), from A, lam and g (see top), built
 * column by column from slice, elementwise ops and concat (every one with a float64 reference).
 */
function eigenGradient(a: Tensor, lam: Tensor, g: Tensor): Tensor {
  const { d, n } = sizeOf(a);
  const packed = PACKED[d];
  const A = columns(reshape(a, [n, packed.length]));
  const l = columns(reshape(lam, [n, d]));
  const gs = columns(reshape(g, [n, d]));
  // w_i = g_i / prod_{j != i} (lam_i - lam_j): the Lagrange basis weights.
  const others = (i: number) => l.filter((_, j) => j !== i);
  const w = gs.map((gi, i) =>
    others(i).reduce((acc, lj) => mul(acc, safeInverse(sub(l[i], lj))), gi),
  );
  const total = (f: (i: number) => Tensor) =>
    w.map((wi, i) => mul(wi, f(i))).reduce((p, q) => add(p, q));
  // prod_{j != i} (x - lam_j) expanded: x - l1 (2x2); x^2 - (l1 + l2) x + l1 l2 (3x3).
  const wSum = w.reduce((p, q) => add(p, q));
  let c0: Tensor;
  let G: Tensor[];
  if (d === 2) {
    c0 = neg(total((i) => others(i)[0]));
    G = A.map((ak) => mul(wSum, ak));
  } else {
    c0 = total((i) => mul(others(i)[0], others(i)[1]));
    const c1 = neg(total((i) => add(others(i)[0], others(i)[1])));
    const sq = packedSquare(A);
    G = A.map((ak, k) => add(mul(c1, ak), mul(wSum, sq[k])));
  }
  const out = G.map((gk, k) => (packed[k][0] === packed[k][1] ? add(gk, c0) : mulScalar(gk, 2)));
  return reshape(concat(out, 1), a.shape);
}

/** The packed columns of A^2 from the packed columns of a symmetric 3x3 A. */
function packedSquare(A: Tensor[]): Tensor[] {
  const at = (r: number, c: number) =>
    A[PACKED[3].findIndex(([p, q]) => p === Math.min(r, c) && q === Math.max(r, c))];
  return PACKED[3].map(([r, c]) =>
    [0, 1, 2].map((m) => mul(at(r, m), at(m, c))).reduce((p, q) => add(p, q)),
  );
}

/**
 * Eigenvalues, ascending, of symmetric 2x2 or 3x3 matrices given as packed upper triangles:
 * a [..., 3] = (a00, a01, a11) -> [..., 2], or a [..., 6] = (a00, a01, a02, a11, a12, a22) ->
 * [..., 3]. Closed form (Smith 1961 for 3x3). Differentiable: dlam_i / dA = v_i v_i^T (see the
 * module comment for repeated eigenvalues).
 *
 * @example
 * const lam = symEig(cov); // cov [tokens, 3]: 2-D neighbourhood covariances -> [tokens, 2]
 */
export function symEig(a: Tensor): Tensor {
  return apply('sym_eig', [a], {});
}

declare module '../graph/registry' {
  interface OpAttrs {
    sym_eig: NoAttrs;
  }
}

registerOp('sym_eig', symEigDef);
