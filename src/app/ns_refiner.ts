/**
 * The demo's refine switch (Spectral-Refiner, src/train/refine.ts): from the last 10 solver time
 * units, a space-time FNO predicts the next 10 at once; that prediction is then refined for K
 * iterations by the Navier-Stokes residual (no data), while the solver runs on. As the solver
 * reaches each predicted unit, the plain and the refined prediction are scored against it (the
 * refined one as soon as its refinement ends, earlier units filled in then); when the window is
 * past, the next one starts from the latest 10 units. Refinement yields to the page between
 * iterations (each awaits its residual norm), so the page stays responsive, and it stops at the
 * next iteration when the switch goes off or the demo restarts.
 */
import { WgnoError } from '../errors';
import type { Tensor } from '../graph/tensor';
import { loadModel } from '../models/load';
import type { SpaceTimeFNO } from '../models/spacetime_fno';
import type { Runtime } from '../runtime/runtime';
import { refine } from '../train/refine';
import type { ErrorSeries } from './error_plot';

/** The refine switch's model and settings (`NavierStokesDemoOptions.refiner`). */
export interface RefinerSettings {
  /** URL of the space-time FNO's weights (safetensors), e.g. models/ns2d-refiner's. */
  weightsUrl: string;
  /** URL of its config.json. */
  configUrl: string;
  /** Refinement iterations per window. Default 20 (the paper's 50 takes long on small GPUs). */
  iterations?: number;
  /** Adam rate of the refined layer's spectral weights (refine()'s default when absent). */
  lrWeight?: number;
  /** Adam rate of its complex bias (refine()'s default when absent). */
  lrBias?: number;
}

/** Where the refiner's results go: plotted points and a one-line status. */
export interface RefinerSink {
  point(series: Exclude<ErrorSeries, 'fno'>, t: number, relL2: number): void;
  status(text: string): void;
}

/** A window being scored: its first predicted time, the predictions, the solver's states so far. */
interface Window {
  t0: number;
  plain: Float32Array;
  refined: Float32Array | null;
  truth: Map<number, Float32Array>;
}

class Cancelled extends Error {}

const FRAMES = 10;

/** Relative L2 over the grid of frame k of a channels-last [n * n, FRAMES] prediction. */
function frameError(pred: Float32Array, k: number, truth: Float32Array): number {
  let [num, den] = [0, 0];
  for (let p = 0; p < truth.length; p++) {
    num += (pred[p * FRAMES + k] - truth[p]) ** 2;
    den += truth[p] ** 2;
  }
  return Math.sqrt(num / den);
}

export class DemoRefiner {
  /** Whether the switch is on: off, nothing is read back, predicted or refined. */
  private on = false;
  /** A refinement is running: the next window waits for it. */
  private refining = false;
  /** The solver's last FRAMES states (host), oldest first. */
  private readonly frames: Float32Array[] = [];
  private window: Window | null = null;
  /** Bumped by reset(): a refinement of an older generation drops its result. */
  private generation = 0;
  /** The errors plotted since the last reset, by series (a refined point may come late). */
  readonly history = {
    plain: [] as { t: number; relL2: number }[],
    refined: [] as { t: number; relL2: number }[],
  };
  /** The last status line. */
  status = 'off';

  private constructor(
    private readonly model: SpaceTimeFNO,
    private readonly settings: RefinerSettings,
    private readonly sink: RefinerSink,
  ) {}

  /** Loads the space-time FNO of `settings`; a model of another kind is an error. */
  static async load(
    rt: Runtime,
    settings: RefinerSettings,
    sink: RefinerSink,
  ): Promise<DemoRefiner> {
    const m = await loadModel(rt, settings.weightsUrl, settings.configUrl);
    if (m.kind !== 'spacetime_fno')
      throw new WgnoError(
        'mountNavierStokes',
        `refiner: ${settings.configUrl} holds a '${m.kind}' model; the refine switch needs a space-time FNO`,
      );
    return new DemoRefiner(m.model, settings, sink);
  }

  get enabled(): boolean {
    return this.on;
  }

  /**
   * Turns the switch on or off. On, it starts afresh from `records` (the solver's states since
   * the restart, when nothing has run since: the shipped history), else it waits for 10 units.
   */
  setEnabled(on: boolean, records: readonly Float32Array[] = []): void {
    this.on = on;
    this.reset(records);
    if (!on) this.say('off');
  }

  /**
   * Forgets the frames and the window (a running refinement stops at its next iteration); a
   * restart passes the solver's states it starts after (the shipped history), oldest first.
   */
  reset(records: readonly Float32Array[] = []): void {
    this.generation++;
    this.frames.splice(0, this.frames.length, ...records.slice(-FRAMES));
    this.window = null;
    this.history.plain.length = 0;
    this.history.refined.length = 0;
    if (this.on) this.say(`waiting for ${FRAMES} time units of solver states`);
  }

  private say(text: string): void {
    this.status = text;
    this.sink.status(text);
  }

  private point(series: 'plain' | 'refined', t: number, relL2: number): void {
    const h = this.history[series];
    const i = h.findIndex((p) => p.t === t);
    if (i >= 0) h[i].relL2 = relL2;
    else h.push({ t, relL2 });
    this.sink.point(series, t, relL2);
  }

  /**
   * The end of solver time unit t with the solver's state w (n x n): scores the window's
   * predictions of t, and starts the next window when the current one is past.
   */
  async unit(t: number, read: () => Promise<Float32Array>, n: number): Promise<void> {
    if (!this.on) return;
    const w = await read();
    this.frames.push(w);
    if (this.frames.length > FRAMES) this.frames.shift();
    const win = this.window;
    if (win && t >= win.t0 && t < win.t0 + FRAMES) {
      win.truth.set(t, w);
      this.score(win, t);
    }
    const past = !win || t >= win.t0 + FRAMES - 1;
    if (past && !this.refining && this.frames.length === FRAMES) await this.start(t, n);
    else if (this.frames.length < FRAMES)
      this.say(`solver states: ${this.frames.length}/${FRAMES}`);
  }

  private score(win: Window, t: number): void {
    const truth = win.truth.get(t)!;
    this.point('plain', t, frameError(win.plain, t - win.t0, truth));
    if (win.refined) this.point('refined', t, frameError(win.refined, t - win.t0, truth));
  }

  /** Predicts units t+1..t+FRAMES from the last FRAMES states; refines in the background. */
  private async start(t: number, n: number): Promise<void> {
    const x = new Float32Array(n * n * FRAMES);
    this.frames.forEach((f, k) => f.forEach((v, p) => (x[p * FRAMES + k] = v)));
    const input = this.model.rt.tensor(x, [1, n, n, FRAMES], { label: 'demo.refine_window' });
    const generation = this.generation;
    const plain = await this.model.forward(input, FRAMES).read();
    if (generation !== this.generation) return input.destroy(); // switched off or restarted
    const win: Window = { t0: t + 1, plain, refined: null, truth: new Map() };
    this.window = win;
    void this.refine(win, input);
  }

  private async refine(win: Window, input: Tensor): Promise<void> {
    const generation = this.generation;
    const K = this.settings.iterations ?? 20;
    this.refining = true;
    const span = `t = ${win.t0}..${win.t0 + FRAMES - 1}`;
    try {
      const r = await refine(this.model, input, {
        dt: 1,
        outSteps: FRAMES,
        iterations: K,
        lrWeight: this.settings.lrWeight,
        lrBias: this.settings.lrBias,
        progressEvery: 1,
        onProgress: (i) => {
          if (generation !== this.generation) throw new Cancelled();
          this.say(`refining ${span}: iteration ${Math.min(i, K)}/${K}`);
        },
      });
      const refined = await r.prediction.read();
      r.destroy(); // one window after another: free each refinement's step and layer
      if (generation !== this.generation) return;
      win.refined = refined;
      for (const t of win.truth.keys()) this.score(win, t);
      this.say(`refined ${span} (${K} iterations)`);
    } catch (e) {
      if (!(e instanceof Cancelled) && generation === this.generation)
        this.say(`refinement failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      input.destroy();
      this.refining = false;
    }
  }
}
