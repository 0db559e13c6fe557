/**
 * The demo's GPU work at one grid size: the Navier-Stokes solver, the FNO's input window of the
 * last tIn time units, its one-step prediction, and the error against the solver. History, rollout
 * and error all stay on the GPU; only two numbers (the error's squared norms) come back per unit.
 */
import type { Runtime } from '../runtime/runtime';
import type { Step } from '../graph/executor';
import type { Tensor } from '../graph/tensor';
import type { FNO } from '../models/fno';
import { sub } from '../ops/binary';
import { concat } from '../ops/concat';
import { reshape } from '../ops/layout';
import { sum } from '../ops/reduce';
import { square } from '../ops/unary';
import { NavierStokes2d } from '../pde/navier_stokes';
import { assignUpdate } from '../graph/in_place';
import { shiftWindow } from '../train/rollout';

export class Simulation {
  private constructor(
    readonly ns: NavierStokes2d,
    /**
     * The FNO's input [1, tIn, n, n]: the last tIn states, oldest first (solver states, then its
     * own outputs); its last plane is the FNO's current state, which the FNO panel shows.
     */
    readonly window: Tensor,
    /** Appends the solver's current state to the window (the warm-up). */
    private readonly recordStep: Step,
    /** One FNO step: predicts, shifts the prediction into the window, and scores it. */
    private readonly predictStep: Step,
    /** The FNO's latest prediction's difference from the solver [n, n]. */
    readonly diff: Tensor,
    /** [sum (fno - solver)^2, sum solver^2]. */
    private readonly norms: Tensor,
    readonly n: number,
    private readonly tIn: number,
  ) {}

  static async create(
    rt: Runtime,
    fno: FNO,
    tIn: number,
    opts: { n: number; dt: number; substeps: number },
  ): Promise<Simulation> {
    const { n } = opts;
    const ns = await NavierStokes2d.create(rt, opts);
    const window = rt.zeros([1, tIn, n, n], { label: 'demo.fno_window' });
    const diff = rt.zeros([n, n], { label: 'demo.fno_error' });
    const w = reshape(ns.vorticity(), [n, n]);
    const record = await rt.compile({
      outputs: [],
      updates: [assignUpdate(window, shiftWindow(window, reshape(w, [1, 1, n, n])))],
      label: 'demo.record',
    });
    const y = fno.forward(window);
    const d = sub(reshape(y, [n, n]), w);
    const norms = concat([reshape(sum(square(d)), [1]), reshape(sum(square(w)), [1])], 0);
    const predictStep = await rt.compile({
      outputs: [norms],
      updates: [assignUpdate(window, shiftWindow(window, y)), assignUpdate(diff, d)],
      label: 'demo.fno',
    });
    return new Simulation(ns, window, record, predictStep, diff, norms, n, tIn);
  }

  /** Puts the solver's current state at the end of the FNO's window. */
  record(): void {
    this.recordStep.run();
  }

  /**
   * Fills the window's last planes with `records` (n x n each, oldest first; at most tIn) and
   * zeroes the rest, as if they had been recorded one by one.
   */
  setWindow(records: readonly Float32Array[]): void {
    const plane = this.n * this.n;
    const data = new Float32Array(this.tIn * plane);
    const kept = records.slice(-this.tIn);
    kept.forEach((r, k) => data.set(r, (this.tIn - kept.length + k) * plane));
    this.window.write(data);
  }

  /**
   * Applies `edit` (in place, to an n x n field) to the solver's state and to the last `frames`
   * planes of the window, so the FNO continues from the edited state; with `frames` = tIn the
   * error panel is brought up to date too.
   */
  async edit(edit: (w: Float32Array) => void, frames: number): Promise<void> {
    const w = await this.ns.readVorticity();
    edit(w);
    this.ns.setVorticity(w);
    if (frames === 0) return;
    const plane = this.n * this.n;
    const win = await this.window.read();
    for (let k = this.tIn - frames; k < this.tIn; k++)
      edit(win.subarray(k * plane, (k + 1) * plane));
    this.window.write(win);
    if (frames < this.tIn) return;
    const last = win.subarray((this.tIn - 1) * plane);
    this.diff.write(last.map((v, p) => v - w[p]));
  }

  /** One FNO step against the solver's current state; resolves to the relative L2 error. */
  async predict(): Promise<number> {
    this.predictStep.run();
    const [num, den] = await this.norms.read();
    return Math.sqrt(num / den);
  }

  destroy(): void {
    this.ns.destroy();
    this.recordStep.destroy();
    this.predictStep.destroy();
    this.window.destroy();
    this.diff.destroy();
  }
}
