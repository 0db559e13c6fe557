/** The Navier-Stokes demo's public types, its defaults and the checks on its options. */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import { DIVERGING, checkRange, type Rgb } from '../viz/field_view';
import type { RefinerSettings } from './ns_refiner';

/** Options of `mountNavierStokes`: the model's files and the simulation's settings. */
export interface NavierStokesDemoOptions {
  /** URL of the FNO weights (safetensors) and of its config.json (wgno train's). */
  weightsUrl: string;
  /** URL of the model's config.json. */
  configUrl: string;
  /**
   * URL of a short solver history (models/ns2d-fno-32/history.safetensors, `wgno ns-generate`'s
   * layout with --n 1): when its seed and dt are the demo's, the demo starts at its last record
   * with the FNO's window full, so the FNO predicts from the first time unit. Without it (or for
   * other seeds) the FNO waits for tIn time units of solving.
   */
  historyUrl?: string;
  /**
   * Grid side; the FNO runs zero-shot on any of `grids`. Default 64 on a GPU, 32 (the model's
   * grid) on a CPU implementation of WebGPU, where everything runs many times slower.
   */
  grid?: number;
  /** The grids the controls offer. Default [32, 64, 128, 256]. */
  grids?: readonly number[];
  /** Solver time step; 1/dt must be a whole number of steps. Default 1e-3. */
  dt?: number;
  /** Solver steps per animation frame; must divide 1/dt. Default 50. */
  substeps?: number;
  /** Seed of the random initial vorticity (the FNO paper's Gaussian random field). Default 0. */
  seed?: number;
  /** Colour range: vorticity values at +-range get the ends of the colour map. Default 2. */
  range?: number;
  /** Colour range of the error panel (FNO - solver), with its own colour bar. Default range / 4. */
  errorRange?: number;
  /** Colour map: 2 to 16 sRGB stops in [0, 1] from -range to +range. Default ColorBrewer RdBu. */
  colormap?: readonly Rgb[];
  /** Show lil-gui controls. Default true. */
  controls?: boolean;
  /** Show the live error plot. Default true. */
  plot?: boolean;
  /**
   * The refine switch's space-time FNO (e.g. models/ns2d-refiner) and settings; without it there
   * is no switch. Loaded when the switch first goes on.
   */
  refiner?: RefinerSettings;
}

/** The handle `mountNavierStokes` returns: readouts and controls of the running demo. */
export interface NavierStokesDemo {
  /** The runtime the demo runs on (its GPU device). */
  readonly runtime: Runtime;
  /** Readouts, updated every time unit (for tests and host pages). */
  readonly stats: DemoStats;
  /** The FNO's relative L2 error at each time unit since the last restart. */
  readonly errorHistory: readonly {
    /** Simulated time. */
    t: number;
    /** The FNO's relative L2 error against the solver at t. */
    relL2: number;
  }[];
  /** Whether the animation advances (the 'run' control). */
  running: boolean;
  /** The grid in use; `setGrid` switches it (the same weights, zero-shot) and restarts. */
  readonly grid: number;
  /** Switch to an n x n grid (the same weights, zero-shot) and restart. */
  setGrid(n: number): Promise<void>;
  /**
   * A new random initial field (next seed), or the last start again. Both restart: at t = 0 with
   * the FNO warming up, or, for the shipped history's seed, at its end with the FNO live.
   * Painting never restarts anything.
   */
  reseed(): Promise<void>;
  /** Restart from the current initial field at t = 0. */
  reset(): Promise<void>;
  /** Whether the refine switch is on. */
  readonly refining: boolean;
  /**
   * Turns the refine switch on or off (needs `options.refiner`; the first time on loads the
   * model). On: every 10 solver units the space-time FNO predicts the next 10 from the last 10,
   * the prediction is refined in the background, and both are scored against the solver as it
   * gets there (`refineHistory`, the plot). Off: a running refinement stops at its next iteration.
   */
  setRefine(on: boolean): Promise<void>;
  /** The space-time FNO's plain and refined errors since the last restart or switch-on. */
  readonly refineHistory: {
    plain: readonly { t: number; relL2: number }[];
    refined: readonly { t: number; relL2: number }[];
  };
  /** The refine switch's state in words (off, waiting, refining t = ..: iteration i/K, ...). */
  readonly refineStatus: string;
  /** Stops the animation and frees the GPU objects and the page elements. */
  destroy(): void;
}

/** The demo's readouts (`NavierStokesDemo.stats`). */
export interface DemoStats {
  /** Simulated time since the restart. */
  time: number;
  /** Wall milliseconds the solver takes per simulated time unit. */
  solverMsPerUnit: number;
  /** Wall milliseconds of one FNO step (one time unit). */
  fnoMsPerUnit: number;
  /** The FNO's latest relative L2 error against the solver. */
  relL2: number;
  /** Frames drawn. */
  frames: number;
  /** Set when the demo stopped on an error (e.g. the GPU device was lost). */
  error?: string;
}

export type DemoConfig = Required<Omit<NavierStokesDemoOptions, 'historyUrl' | 'refiner'>> &
  Pick<NavierStokesDemoOptions, 'historyUrl' | 'refiner'>;

/**
 * The options with their defaults, checked; and the solver steps per time unit (1/dt). `cpu`: the
 * adapter is a CPU implementation of WebGPU (the default grid is then the model's 32).
 */
export function resolveOptions(
  options: NavierStokesDemoOptions,
  cpu: boolean,
): { cfg: DemoConfig; stepsPerUnit: number } {
  const range = options.range ?? 2;
  const cfg: DemoConfig = {
    ...{ grid: cpu ? 32 : 64, grids: [32, 64, 128, 256], dt: 1e-3, substeps: 50, seed: 0 },
    ...{ range, errorRange: range / 4, colormap: DIVERGING, controls: true, plot: true },
    ...options,
  };
  const stepsPerUnit = Math.round(1 / cfg.dt);
  if (!(cfg.dt > 0) || Math.abs(stepsPerUnit * cfg.dt - 1) > 1e-9)
    throw new WgnoError('mountNavierStokes', `dt = ${cfg.dt}; need 1/dt to be a whole number`);
  if (!Number.isInteger(cfg.substeps) || cfg.substeps < 1 || stepsPerUnit % cfg.substeps !== 0)
    throw new WgnoError(
      'mountNavierStokes',
      `substeps = ${cfg.substeps}; need a whole number >= 1 that divides 1/dt = ${stepsPerUnit}`,
    );
  checkRange('mountNavierStokes', cfg.range);
  const k = cfg.refiner?.iterations;
  if (k !== undefined && !(Number.isInteger(k) && k >= 1))
    throw new WgnoError('mountNavierStokes', `refiner.iterations = ${k}; need an integer >= 1`);
  if (!(cfg.errorRange > 0 && Number.isFinite(cfg.errorRange)))
    throw new WgnoError(
      'mountNavierStokes',
      `errorRange = ${cfg.errorRange}; need a finite value > 0`,
    );
  return { cfg, stepsPerUnit };
}
