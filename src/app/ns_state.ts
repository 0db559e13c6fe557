/**
 * What the demo has simulated since its last restart: the time in solver time units, the solver's
 * wall time per unit, the FNO's warm-up (units of solver history in its input window) and, once
 * it predicts, its error at every unit.
 *
 * Each animation frame advances the solver `substeps` steps. At the end of each time unit the
 * solver's state is appended to the FNO's window; once the window holds `tIn` units, the FNO
 * predicts one time unit per solver time unit from its own previous predictions, so the two drift
 * apart and the readouts show by how much.
 */
import type { DemoStats } from './ns_options';
import type { Simulation } from './ns_simulation';

export interface ErrorPoint {
  t: number;
  relL2: number;
}

export class DemoState {
  readonly stats: DemoStats = {
    time: 0,
    solverMsPerUnit: NaN,
    fnoMsPerUnit: NaN,
    relL2: NaN,
    frames: 0,
  };
  /** The FNO's error at each unit since the restart (one array, emptied in place). */
  readonly history: ErrorPoint[] = [];
  /** Units of solver history in the FNO's window; it predicts once this reaches tIn. */
  recorded = 0;
  private stepsInUnit = 0;
  private solverMs = 0;

  constructor(
    readonly tIn: number,
    private readonly substeps: number,
    private readonly stepsPerUnit: number,
  ) {}

  get fnoLive(): boolean {
    return this.recorded === this.tIn;
  }

  /**
   * A new start at t = `time` with `recorded` units already in the FNO's window (the caller sets
   * the solver's field and the window). Every readout of the previous run is cleared: a restart
   * may be on another grid, where the old timings mean nothing.
   */
  restart(time = 0, recorded = 0): void {
    this.recorded = Math.min(recorded, this.tIn);
    this.stepsInUnit = 0;
    this.solverMs = 0;
    Object.assign(this.stats, { time, solverMsPerUnit: NaN, fnoMsPerUnit: NaN, relL2: NaN });
    this.history.length = 0;
  }

  /** One frame of solver steps, timed on its own; true when the frame ends a time unit. */
  async advance(sim: Simulation, queue: GPUQueue): Promise<boolean> {
    const t0 = performance.now();
    sim.ns.advance();
    await queue.onSubmittedWorkDone();
    this.solverMs += performance.now() - t0;
    this.stepsInUnit += this.substeps;
    if (this.stepsInUnit !== this.stepsPerUnit) return false;
    this.stepsInUnit = 0;
    return true;
  }

  /**
   * End of a solver time unit: feeds the FNO's window, or lets the FNO predict and scores it.
   * Resolves to the new error point, or null during the warm-up.
   */
  async endOfUnit(sim: Simulation): Promise<ErrorPoint | null> {
    this.stats.solverMsPerUnit = this.solverMs;
    this.solverMs = 0;
    this.stats.time += 1;
    if (!this.fnoLive) {
      sim.record();
      this.recorded++;
      return null;
    }
    const t0 = performance.now();
    this.stats.relL2 = await sim.predict();
    this.stats.fnoMsPerUnit = performance.now() - t0;
    const point = { t: this.stats.time, relL2: this.stats.relL2 };
    this.history.push(point);
    return point;
  }
}
