/**
 * The geometry page's problem: a cloud of points in the unit square and a source, either a sum of
 * Gaussians (drawn at random or placed by the user) or values uploaded with the points. It gives
 * f at the points (the model's input) and the finite-difference reference u there: the source on
 * an S x S grid (the Gaussians exactly; uploaded values by their nearest point), solved by
 * src/pde/poisson.ts and read at the points by bilinear interpolation.
 */
import {
  evalSource,
  interpolateGrid,
  randomSource,
  sampleGrid,
  solvePoisson,
  type GaussianBump,
} from '../pde/poisson';
import { randomCloud } from '../pde/poisson_dataset';
import { Rng } from '../random';

/** Grid of the reference solve (2^7 + 1 nodes per side: a few ms). */
export const REFERENCE_GRID = 129;

/** Points, source, and what follows from them. */
export class GeometryScene {
  /** Flat (x, y) pairs. */
  points: number[] = [];
  bumps: GaussianBump[] = [];
  /** Source values given with uploaded points (then `bumps` is unused), one per point. */
  uploadedF: number[] | null = null;

  /** A new random cloud of `count` points (drops uploaded values). */
  randomCloud(count: number, seed: number): void {
    this.points = Array.from(randomCloud(count, seed));
    this.uploadedF = null;
  }

  /** A new random sum of Gaussians, drawn like the training sources. */
  randomSource(seed: number): void {
    this.bumps = randomSource(new Rng(seed));
    this.uploadedF = null;
  }

  /** Add a point; with uploaded values its f is that of the nearest existing point. */
  addPoint(x: number, y: number): void {
    if (this.uploadedF) this.uploadedF.push(this.uploadedF[this.nearest(x, y)] ?? 0);
    this.points.push(x, y);
  }

  /** Add a Gaussian of the training set's typical size with the given sign. */
  addBump(x: number, y: number, sign: 1 | -1): void {
    if (this.uploadedF) this.bumps = [];
    this.uploadedF = null;
    this.bumps.push({ x, y, w: 0.08, a: 100 * sign });
  }

  /** f at every point. */
  sourceAtPoints(): Float32Array {
    if (this.uploadedF) return Float32Array.from(this.uploadedF);
    const n = this.points.length / 2;
    return Float32Array.from({ length: n }, (_, q) =>
      evalSource(this.bumps, this.points[2 * q], this.points[2 * q + 1]),
    );
  }

  /** The finite-difference u at every point. */
  referenceAtPoints(): Float32Array {
    const s = REFERENCE_GRID;
    const f = this.uploadedF
      ? sampleGrid(s, (x, y) => this.uploadedF![this.nearest(x, y)])
      : sampleGrid(s, (x, y) => evalSource(this.bumps, x, y));
    const u = solvePoisson(f, s);
    const n = this.points.length / 2;
    return Float32Array.from({ length: n }, (_, q) =>
      interpolateGrid(u, s, this.points[2 * q], this.points[2 * q + 1]),
    );
  }

  /** Index of the point nearest (x, y). */
  private nearest(x: number, y: number): number {
    let [best, d] = [0, Infinity];
    for (let q = 0; q < this.points.length / 2; q++) {
      const e = (this.points[2 * q] - x) ** 2 + (this.points[2 * q + 1] - y) ** 2;
      if (e < d) [best, d] = [q, e];
    }
    return best;
  }
}
