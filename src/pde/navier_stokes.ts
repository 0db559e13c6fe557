/**
 * The FNO paper's 2-D Navier-Stokes solver on the GPU (REFERENCE.md): vorticity form on the unit
 * torus, pseudo-spectral with wgno's own FFTs, 2/3-rule dealiasing, Crank-Nicolson on the viscous
 * term, the paper's forcing, batched over trajectories. The state is the half spectrum
 * w_h = rfft2(w) (unscaled) as a compensated pair hi + lo, complex64 [batch, 2, n, n/2 + 1], held in
 * one leaf: each step adds its increment to it exactly, so f32 rounding does not build up with the
 * number of steps (kernels/ns.wgsl, docs/navier-stokes.md). `advance()` replays a compiled step of
 * `substeps` solver steps (one submit) that ends by writing the new state into that leaf. The
 * float64 twin is src/pde/ns_reference.ts.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Step } from '../graph/executor';
import type { Tensor } from '../graph/tensor';
import { assignUpdate } from '../graph/in_place';
import { fft, irfft, rfft } from '../ops/fft';
import { reshape } from '../ops/layout';
import { pad, slice } from '../ops/pad';
import {
  NS_DEALIASING,
  nsAdvect,
  nsCn,
  nsDerivs,
  type NsCnAttrs,
  type NsDealiasing,
} from './ns_ops';
import { nsForcing } from './ns_reference';

/** Options of `NavierStokes2d.create`. */
export interface NavierStokesOptions {
  /** Grid points per side (even; any size wgno's FFT takes, powers of two are fastest). */
  n: number;
  /** Trajectories advanced together. Default 1. */
  batch?: number;
  /** Viscosity. Default 1e-3. */
  nu?: number;
  /** Time step. Default 1e-4 (the paper's). */
  dt?: number;
  /** Solver steps per `advance()` (one submit). Default 100. */
  substeps?: number;
  /** Forcing f, n x n row-major (axis 0 is x). Default the paper's 0.1 (sin 2pi(x+y) + cos 2pi(x+y)). */
  forcing?: Float32Array;
  /**
   * Where the 2/3 rule applies: 'nonlinear' (default) masks the nonlinear term only, as the FNO
   * paper's data script; 'state' also masks the state after every step.
   */
  dealias?: NsDealiasing;
}

/** The paper's forcing 0.1 (sin(2 pi (x + y)) + cos(2 pi (x + y))) at x = i/n, y = j/n, in f32. */
export function paperForcing(n: number): Float32Array {
  return Float32Array.from(nsForcing(n));
}

/** rfft2 with the paper's convention: unscaled, half spectrum along the last axis. */
const rfft2 = (x: Tensor): Tensor => fft(rfft(x), -2);
/** Its inverse, 1/n^2 (imaginary parts of the DC and Nyquist columns ignored). */
const irfft2 = (z: Tensor, n: number): Tensor => irfft(fft(z, -2, { inverse: true }), { n });

/**
 * The solver (see the module comment): create once, set the initial vorticity, advance, read.
 *
 * @example
 * const ns = await NavierStokes2d.create(rt, { n: 64, dt: 1e-3, substeps: 100 });
 * ns.setVorticity(w0); // [1, 64, 64] row-major
 * for (let k = 0; k < 10; k++) ns.advance(); // t = 1
 * const w = await ns.readVorticity();
 */
export class NavierStokes2d {
  /** Simulated time since the last `setVorticity`. */
  time = 0;

  private constructor(
    private readonly rt: Runtime,
    /** Grid points per side. */
    readonly n: number,
    /** Trajectories advanced together. */
    readonly batch: number,
    /** Time step. */
    readonly dt: number,
    /** Solver steps per `advance()`. */
    readonly substeps: number,
    private readonly state: Tensor,
    private readonly input: Tensor,
    private readonly steps: { load: Step; advance: Step; read: Step },
    private readonly physical: Tensor,
  ) {}

  /** Checks the options and compiles the solver's steps (once). */
  static async create(rt: Runtime, opts: NavierStokesOptions): Promise<NavierStokes2d> {
    const { n, batch = 1, nu = 1e-3, dt = 1e-4, substeps = 100, dealias = 'nonlinear' } = opts;
    checkOptions(n, batch, nu, dt, substeps);
    if (!NS_DEALIASING.includes(dealias))
      throw new WgnoError(
        'NavierStokes2d',
        `dealias = ${String(dealias)}; valid: ${NS_DEALIASING.map((d) => `'${d}'`).join(', ')}`,
      );
    const forcing = opts.forcing ?? paperForcing(n);
    if (forcing.length !== n * n)
      throw new WgnoError(
        'NavierStokes2d',
        `forcing has ${forcing.length} values; expected n * n = ${n * n}`,
      );
    const m = n / 2 + 1;
    // The forcing's spectrum, computed once on the GPU and kept as a leaf.
    const fh = rt.tensor(await rfft2(rt.tensor(forcing, [1, n, n])).read(), [n, m], {
      dtype: 'complex64',
      label: 'ns.forcing_h',
    });
    const state = rt.zeros([batch, 2, n, m], { dtype: 'complex64', label: 'ns.w_h' });
    const input = rt.zeros([batch, n, n], { label: 'ns.w0' });

    // hi = rfft2(w0), lo = 0.
    const loaded = pad(reshape(rfft2(input), [batch, 1, n, m]), [0, 0, 0, 0], [0, 1, 0, 0]);
    const load = await rt.compile({
      outputs: [loaded],
      updates: [assignUpdate(state, loaded)],
      label: 'ns.load',
    });
    let wh = state;
    for (let s = 0; s < substeps; s++) wh = solverStep(wh, fh, n, { dt, nu, dealias });
    const advance = await rt.compile({
      outputs: [wh],
      updates: [assignUpdate(state, wh)],
      label: `ns.advance[${substeps}]`,
    });
    const physical = irfft2(highPart(state), n); // lo is below f32 resolution of w
    const read = await rt.compile({ outputs: [physical], label: 'ns.vorticity' });
    return new NavierStokes2d(
      rt,
      n,
      batch,
      dt,
      substeps,
      state,
      input,
      {
        load,
        advance,
        read,
      },
      physical,
    );
  }

  /** Sets the vorticity of every trajectory ([batch, n, n] row-major) and resets the time. */
  setVorticity(w: ArrayLike<number>): void {
    if (w.length !== this.batch * this.n * this.n)
      throw new WgnoError(
        'NavierStokes2d.setVorticity',
        `got ${w.length} values; expected batch * n * n = ${this.batch} * ${this.n} * ${this.n}`,
      );
    for (let i = 0; i < w.length; i++)
      if (!Number.isFinite(w[i]))
        throw new WgnoError('NavierStokes2d.setVorticity', `value ${i} is ${w[i]}; need finite`);
    this.input.write(w instanceof Float32Array ? w : Float32Array.from(w));
    this.steps.load.run();
    this.time = 0;
  }

  /** `substeps` solver steps in one submit; returns without waiting for the GPU. */
  advance(): void {
    this.steps.advance.run();
    this.time += this.substeps * this.dt;
  }

  /** The current vorticity [batch, n, n], computed on the GPU (read() it, or use it in a graph). */
  vorticity(): Tensor {
    this.steps.read.run();
    return this.physical;
  }

  /** The current vorticity [batch, n, n] on the host. */
  async readVorticity(): Promise<Float32Array> {
    return this.vorticity().read();
  }

  /** Frees the solver's GPU buffers (the Runtime stays usable). */
  destroy(): void {
    for (const s of Object.values(this.steps)) s.destroy();
    for (const t of [this.state, this.input]) t.destroy();
  }

  /** The runtime it runs on. */
  get runtime(): Runtime {
    return this.rt;
  }

  /** The compiled `advance()` step (for benchmarks and `profile()`); run it through advance(). */
  get advanceStep(): Step {
    return this.steps.advance;
  }
}

/** The hi plane [B, n, m] of a compensated state [B, 2, n, m]. */
function highPart(state: Tensor): Tensor {
  const [batch, , n, m] = state.shape;
  return reshape(slice(state, 1, 0, 1), [batch, n, m]);
}

/** One solver step on the compensated state: derivatives, advection in physical space, CN. */
function solverStep(state: Tensor, fh: Tensor, n: number, attrs: NsCnAttrs): Tensor {
  const fields = irfft2(nsDerivs(state), n); // [B, 4, n, n]: psi_y, -psi_x, w_x, w_y
  const nonlinear = rfft2(nsAdvect(fields));
  return nsCn(state, nonlinear, fh, attrs);
}

function checkOptions(n: number, batch: number, nu: number, dt: number, substeps: number): void {
  const bad = (what: string) => {
    throw new WgnoError('NavierStokes2d', what);
  };
  if (!Number.isInteger(n) || n < 4 || n % 2 !== 0) bad(`n = ${n}; need an even integer >= 4`);
  if (!Number.isInteger(batch) || batch < 1) bad(`batch = ${batch}; need an integer >= 1`);
  if (!(nu >= 0 && Number.isFinite(nu))) bad(`nu = ${nu}; need a finite value >= 0`);
  if (!(dt > 0 && Number.isFinite(dt))) bad(`dt = ${dt}; need a finite value > 0`);
  if (!Number.isInteger(substeps) || substeps < 1)
    bad(`substeps = ${substeps}; need an integer >= 1`);
}
