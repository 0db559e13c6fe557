// Helpers shared by the neighbour-search browser tests: GPU result vs the float64 references.
import { expect } from 'vitest';
import type { Runtime } from '../../src/index';
import { radiusNeighborsBrute } from '../../src/geometry/brute_gpu';
import type { NeighborCsr } from '../../src/geometry/csr';
import { knnNeighbors, radiusNeighbors } from '../../src/geometry/neighbors';
import type { Points } from '../../src/geometry/points';
import {
  bruteForceKnn,
  bruteForceNeighbors,
  validateCsr,
  type CsrArrays,
} from '../../src/geometry/reference';

export const pts = (coords: ArrayLike<number>, dim: number): Points => ({ coords, dim });

/** Reads a GPU CSR, frees it, and checks its structure. */
export async function take(g: NeighborCsr, nData: number): Promise<CsrArrays> {
  const out = await g.read();
  g.destroy();
  validateCsr(out.rowSplits, out.index, nData);
  expect(out.index.length).toBe(g.nnz);
  return out;
}

export function expectSameCsr(got: CsrArrays, want: CsrArrays): void {
  expect(got.rowSplits.length).toBe(want.rowSplits.length);
  // Compare as plain arrays so a failure shows the first differing row.
  expect(Array.from(got.rowSplits)).toEqual(Array.from(want.rowSplits));
  expect(Array.from(got.index)).toEqual(Array.from(want.index));
}

type Coords = ArrayLike<number>;

/** radiusNeighbors equals bruteForceNeighbors exactly; returns the GPU result. */
export async function checkRadius(rt: Runtime, q: Coords, d: Coords, dim: number, r: number) {
  const want = bruteForceNeighbors(q, d, dim, r);
  const got = await take(await radiusNeighbors(rt, pts(q, dim), pts(d, dim), r), d.length / dim);
  expectSameCsr(got, want);
  return got;
}

/** radiusNeighborsBrute equals bruteForceNeighbors exactly. */
export async function checkBruteGpu(rt: Runtime, q: Coords, d: Coords, dim: number, r: number) {
  const want = bruteForceNeighbors(q, d, dim, r);
  const g = await radiusNeighborsBrute(rt, pts(q, dim), pts(d, dim), r);
  expectSameCsr(await take(g, d.length / dim), want);
}

/** knnNeighbors equals bruteForceKnn exactly; returns the GPU result. */
export async function checkKnn(rt: Runtime, q: Coords, d: Coords, dim: number, k: number) {
  const want = bruteForceKnn(q, d, dim, k);
  const got = await take(await knnNeighbors(rt, pts(q, dim), pts(d, dim), k), d.length / dim);
  expectSameCsr(got, want);
  return got;
}

/** The next f32 after finite nonzero positive x, up (dir 1) or down (-1). */
export function nextF32(x: number, dir: 1 | -1): number {
  const bits = new Int32Array(Float32Array.of(x).buffer);
  bits[0] += dir;
  return new Float32Array(bits.buffer)[0];
}

/** Lattice points i * h on an s^dim grid, row-major. */
export function lattice(s: number, dim: number, h: number): Float32Array {
  const out = new Float32Array(s ** dim * dim);
  for (let p = 0; p < s ** dim; p++)
    for (let a = 0, r = p; a < dim; a++, r = Math.floor(r / s)) out[p * dim + a] = (r % s) * h;
  return out;
}
