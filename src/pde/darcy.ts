/**
 * The FNO paper's 2-D Darcy problem on the GPU: -div(a grad u) = f on the unit square, u = 0 on
 * the boundary, in the 5-point finite-difference discretisation of src/pde/darcy_reference.ts
 * (its float64 twin: same grid, same face means, same h^2 scaling), solved for a batch of
 * coefficient fields at once by Jacobi-preconditioned conjugate gradient (kernels/darcy.wgsl,
 * kernels/darcy_cg.wgsl). Every field has its own step sizes and stops on its own when its
 * relative residual ||r|| / ||h^2 f|| (the CG recursion's r, in float32) is <= tol or after maxIter
 * iterations; the host submits `checkEvery` iterations at a time and reads back 8 floats per
 * field in between, never once per iteration. Dot products are fixed-order strip sums and a
 * workgroup tree (no atomics), so a field's result is the same bits in any batch and on every run
 * (for one kernel target: the tree is narrower on CPU adapters, see src/pde/darcy_passes.ts).
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import { DarcyPasses, SLOT } from './darcy_passes';
import { checkCoefficients, checkGridSize, checkRhs, type FaceMean } from './darcy_reference';

const OP = 'DarcySolver';

/** Options of `DarcySolver.create`. */
export interface DarcySolverOptions {
  /** Nodes per side, boundary included (h = 1 / (s - 1)); >= 3. */
  s: number;
  /** Fields solved together (the GPU buffers' size). Default 1. */
  batch?: number;
  /** Stop a field when ||r|| / ||h^2 f|| <= tol (0 < tol < 1). Default 1e-6. */
  tol?: number;
  /** Most CG iterations per field. Default 10 s + 100. */
  maxIter?: number;
  /** Iterations per submit between convergence checks. Default 25. */
  checkEvery?: number;
  /** Mean of a on cell faces. Default 'harmonic'. */
  faceMean?: FaceMean;
}

/** What `DarcySolver.solve` returns for the k fields it was given. */
export interface DarcySolution {
  /** u [count, s, s] row-major, 0 on the boundary. */
  u: Float32Array;
  /** CG iterations each field took. */
  iterations: number[];
  /** Each field's final relative residual ||r|| / ||h^2 f|| (the recursion's r, float32). */
  residual: number[];
  /** residual <= tol (false where maxIter stopped it). */
  converged: boolean[];
}

/**
 * Batched Darcy solves on one Runtime; pipelines, buffers and bind groups are made once in
 * `create` and reused by every `solve`.
 *
 * @example
 * const solver = await DarcySolver.create(rt, { s: 64, batch: 8 });
 * const { u, iterations } = await solver.solve(a); // a: [k <= 8, 64, 64] coefficients > 0
 * solver.destroy();
 */
export class DarcySolver {
  private state: 'idle' | 'busy' | 'destroyed' = 'idle';

  private constructor(
    private readonly rt: Runtime,
    /** Nodes per side, boundary included. */
    readonly s: number,
    /** Most fields per solve. */
    readonly batch: number,
    private readonly cfg: { tol: number; maxIter: number; checkEvery: number },
    private readonly gpu: DarcyPasses,
  ) {}

  /** Checks the options and makes the solver's pipelines and buffers (once). */
  static async create(rt: Runtime, opts: DarcySolverOptions): Promise<DarcySolver> {
    const { s, batch = 1, tol = 1e-6, checkEvery = 25, faceMean = 'harmonic' } = opts;
    const maxIter = opts.maxIter ?? 10 * s + 100;
    checkOptions(s, batch, tol, maxIter, checkEvery, faceMean);
    const harmonic = faceMean === 'harmonic';
    const gpu = await DarcyPasses.create(rt, { s, batch, tol, maxIter, harmonic });
    return new DarcySolver(rt, s, batch, { tol, maxIter, checkEvery }, gpu);
  }

  /**
   * Solves for k <= batch coefficient fields a [k, s, s] (finite, > 0) with right-hand side f: a
   * constant (default 1, the paper's), one s x s grid for all, or [k, s, s].
   */
  async solve(a: ArrayLike<number>, f: number | ArrayLike<number> = 1): Promise<DarcySolution> {
    const op = `${OP}.solve`;
    if (this.state !== 'idle')
      throw new WgnoError(
        op,
        `this solver is ${this.state}; one solve at a time, before destroy()`,
      );
    const count = checkCoefficients(op, a, this.s);
    if (count > this.batch)
      throw new WgnoError(op, `a holds ${count} fields; this solver takes <= ${this.batch}`);
    checkRhs(op, f, this.s, count);
    this.rt.assertUsable(op);
    this.gpu.write(packInputs(a, f, count, this.batch, this.s));
    this.state = 'busy';
    try {
      this.gpu.start();
      let S = await this.gpu.readScalars(this.batch);
      for (let done = 0; done < this.cfg.maxIter && anyActive(S, count);) {
        const chunk = Math.min(this.cfg.checkEvery, this.cfg.maxIter - done);
        this.gpu.iterate(chunk);
        done += chunk;
        S = await this.gpu.readScalars(this.batch);
      }
      return await this.result(S, count);
    } finally {
      if (this.state === 'busy') this.state = 'idle';
    }
  }

  private async result(S: Float32Array, count: number): Promise<DarcySolution> {
    const u = await this.gpu.readSolution(count * this.s * this.s);
    const iterations: number[] = [];
    const residual: number[] = [];
    for (let b = 0; b < count; b++) {
      const [rr, bb] = [S[8 * b + SLOT.rr], S[8 * b + SLOT.bb]];
      const r = bb > 0 ? Math.sqrt(rr / bb) : 0;
      if (!Number.isFinite(r))
        throw new WgnoError(
          `${OP}.solve`,
          `CG broke down on field ${b} (r.r = ${rr}, b.b = ${bb})`,
        );
      iterations.push(S[8 * b + SLOT.iters]);
      residual.push(r);
    }
    return { u, iterations, residual, converged: residual.map((r) => r <= this.cfg.tol) };
  }

  /** Frees the solver's GPU buffers (the Runtime stays usable). */
  destroy(): void {
    this.state = 'destroyed';
    this.gpu.destroy();
  }
}

/**
 * [2, batch, s, s]: the k coefficient fields then padding a = 1, and f for the k fields then 0
 * (padding fields have b.b = 0 and never start).
 */
function packInputs(
  a: ArrayLike<number>,
  f: number | ArrayLike<number>,
  count: number,
  batch: number,
  s: number,
): Float32Array {
  const plane = s * s;
  const inp = new Float32Array(2 * batch * plane).fill(1, count * plane, batch * plane);
  inp.set(a);
  for (let n = 0; n < count * plane; n++)
    inp[batch * plane + n] = typeof f === 'number' ? f : f[f.length === plane ? n % plane : n];
  return inp;
}

function anyActive(S: Float32Array, count: number): boolean {
  for (let b = 0; b < count; b++) if (S[8 * b + SLOT.active] > 0) return true;
  return false;
}

function checkOptions(
  s: number,
  batch: number,
  tol: number,
  maxIter: number,
  checkEvery: number,
  faceMean: string,
): void {
  const bad = (what: string) => {
    throw new WgnoError(OP, what);
  };
  checkGridSize(OP, s);
  const int = (v: number) => Number.isInteger(v) && v >= 1;
  if (!int(batch)) bad(`batch = ${batch}; need an integer >= 1`);
  if (!(tol > 0 && tol < 1)) bad(`tol = ${tol}; need 0 < tol < 1`);
  if (!int(maxIter) || maxIter >= 2 ** 24)
    bad(`maxIter = ${maxIter}; need an integer in [1, 2^24)`);
  if (!int(checkEvery)) bad(`checkEvery = ${checkEvery}; need an integer >= 1`);
  if (faceMean !== 'harmonic' && faceMean !== 'arithmetic')
    bad(`faceMean = '${faceMean}'; use 'harmonic' or 'arithmetic'`);
}
