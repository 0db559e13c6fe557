import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { add } from '../ops/binary';
import { concat } from '../ops/concat';
import { fft, irfft, rfft, type Norm } from '../ops/fft';
import { reshape } from '../ops/layout';
import { pad, slice } from '../ops/pad';
import { spectralMul } from '../ops/spectral';
import type { Rng } from '../random';
import { Module } from './module';

/** SpaceTimeSpectralConv's options (torch-cfd SpectralConvT's arguments in camelCase). */
export interface SpaceTimeSpectralConvOptions {
  /** Input channels. */
  inChannels: number;
  /** Output channels. */
  outChannels: number;
  /** [mx, my, mt]: mx, my modes on each side of 0 along x and y, 0..mt-1 along t. */
  modes: readonly [number, number, number];
  /** A complex bias on the kept modes, `bias.{0..3}` [mx, my, mt] (torch-cfd's out layer). Default false. */
  bias?: boolean;
  /** The bias's scale (torch-cfd's delta). Default 0.1. */
  delta?: number;
  /** Zero-pad the time axis in front by its own length before the transform (anti-aliasing). Default false. */
  temporalPadding?: boolean;
  /** FFT normalisation of the 3-D transform pair. Default 'backward'. */
  norm?: Norm;
}

/**
 * The space-time Fourier layer of Spectral-Refiner (Cao et al. 2024, torch-cfd `SpectralConvT`):
 * rfftn over (x, y, t), contraction of the kept modes with four complex weight groups
 * `weight.{ix + 2 iy}` [in, out, mx, my, mt] (ix, iy = 0: frequencies 0..m-1, 1: -m..-1), an
 * optional complex bias `bias.{k}` [mx, my, mt] added (times delta) on the same modes, and irfftn
 * at a new time length: the inverse transform is taken at `outSteps` (+ the padding), so the
 * layer resamples time (10 input frames to a latent length, or the latent to the output steps).
 *
 * The four groups form one centred window of 2 mx x 2 my x mt modes for spectral_mul (frequency
 * j - m at index j along x and y), so the contraction is one kernel, not four.
 * Complex weights load from torch-cfd's real [..., 2] tensors (Module.loadStateDict).
 *
 * @example
 * const conv = new SpaceTimeSpectralConv(rt, new Rng(0), { inChannels: 8, outChannels: 8, modes: [12, 12, 5] });
 * const y = conv.forward(x, 10); // x [B, 8, 64, 64, 10] -> [B, 8, 64, 64, 10]
 */
export class SpaceTimeSpectralConv extends Module {
  /** The four weight groups, complex64 [in, out, mx, my, mt], in state_dict order. */
  readonly weights: Tensor[];
  /** The four bias groups, complex64 [mx, my, mt], or none. */
  readonly biases: Tensor[];
  readonly options: Required<SpaceTimeSpectralConvOptions>;
  private readonly ones = new Map<string, Tensor>();

  constructor(rt: Runtime, rng: Rng, opts: SpaceTimeSpectralConvOptions) {
    super(rt);
    this.options = { bias: false, delta: 0.1, temporalPadding: false, norm: 'backward', ...opts };
    const { inChannels: ci, outChannels: co, modes } = this.options;
    [ci, co, ...modes].forEach((v) => {
      if (!Number.isInteger(v) || v < 1)
        throw new WgnoError(
          'SpaceTimeSpectralConv',
          `channels and modes must be integers >= 1, got in ${ci}, out ${co}, modes [${modes.join(', ')}]`,
        );
    });
    const shape = [ci, co, ...modes];
    const n = shape.reduce((a, b) => a * b, 1);
    // torch-cfd: weight = 0.5 / (in * out) * U[0, 1) for the real and imaginary parts; bias 0.
    const gain = 0.5 / (ci * co);
    this.weights = [0, 1, 2, 3].map((k) =>
      this.param(`weight.${k}`, rng.uniforms(2 * n, 0, gain), shape, 'complex64'),
    );
    const nb = modes[0] * modes[1] * modes[2];
    this.biases = this.options.bias
      ? [0, 1, 2, 3].map((k) =>
          this.param(`bias.${k}`, new Float32Array(2 * nb), [...modes], 'complex64'),
        )
      : [];
  }

  /**
   * x [B, in, X, Y, T] -> [B, out, X, Y, outSteps]. Needs 2 mx <= X, 2 my <= Y and mt at most the
   * half-spectrum bins of the (padded) input and of the output time lengths.
   */
  forward(x: Tensor, outSteps: number): Tensor {
    const { modes, temporalPadding, norm } = this.options;
    this.checkInput(x, outSteps);
    const [, , nx, ny, nt] = x.shape;
    const tPad = temporalPadding ? nt : 0;
    if (tPad) x = pad(x, [0, 0, 0, 0, tPad], [0, 0, 0, 0, 0]);
    let z = rfft(x, { norm, nOut: modes[2] });
    z = fft(fft(z, 2, { norm }), 3, { norm });
    const n = outSteps + tPad;
    let out = this.inverse(spectralMul(z, windowOf(this.weights, 2, 3)), n);
    if (this.biases.length) {
      // The bias field is the same for every sample and channel: transformed once, added in
      // physical space (irfftn is linear), where broadcasting has a gradient.
      const b = reshape(windowOf(this.biases, 0, 1), [1, 1, 2 * modes[0], 2 * modes[1], modes[2]]);
      out = add(out, this.inverse(spectralMul(this.deltaSpectrum(nx, ny), b), n));
    }
    return tPad ? slice(out, 4, tPad, tPad + outSteps) : out;
  }

  private inverse(y: Tensor, n: number): Tensor {
    const { norm } = this.options;
    y = fft(fft(y, 3, { inverse: true, norm }), 2, { inverse: true, norm });
    return irfft(y, { n, norm });
  }

  /** The bias enters as spectral_mul(delta everywhere, bias window): bias * delta on the kept modes. */
  private deltaSpectrum(nx: number, ny: number): Tensor {
    const key = `${nx},${ny}`;
    let t = this.ones.get(key);
    if (!t) {
      const mt = this.options.modes[2];
      const data = new Float32Array(2 * nx * ny * mt);
      for (let i = 0; i < data.length; i += 2) data[i] = this.options.delta;
      t = this.rt.tensor(data, [1, 1, nx, ny, mt], { dtype: 'complex64', label: 'delta' });
      this.ones.set(key, t);
    }
    return t;
  }

  private checkInput(x: Tensor, outSteps: number): void {
    const { inChannels, modes, temporalPadding } = this.options;
    const fail = (why: string) => {
      throw new WgnoError('SpaceTimeSpectralConv', `input ${fmtShape(x.shape)}, ${why}`);
    };
    if (x.shape.length !== 5 || x.shape[1] !== inChannels)
      fail(`must be [batch, ${inChannels}, X, Y, T]`);
    const [, , nx, ny, nt] = x.shape;
    if (2 * modes[0] > nx || 2 * modes[1] > ny)
      fail(`modes [${modes.join(', ')}] need X >= ${2 * modes[0]} and Y >= ${2 * modes[1]}`);
    const tIn = temporalPadding ? 2 * nt : nt;
    const tOut = outSteps + (temporalPadding ? nt : 0);
    if (!Number.isInteger(outSteps) || outSteps < 1) fail(`outSteps = ${outSteps}; must be >= 1`);
    if (modes[2] > Math.floor(tIn / 2) + 1 || modes[2] > Math.floor(tOut / 2) + 1)
      fail(
        `mt = ${modes[2]} needs at least ${2 * modes[2] - 2} time samples in and out (transform lengths ${tIn}, ${tOut})`,
      );
  }
}

/**
 * The four groups g[ix + 2 iy] (ix, iy = 0: frequencies 0..m-1; 1: -m..-1) as one centred window
 * along axes (ax, ay): index j holds frequency j - m, negative frequencies first.
 */
export function windowOf(g: readonly Tensor[], ax: number, ay: number): Tensor {
  return concat([concat([g[3], g[2]], ax), concat([g[1], g[0]], ax)], ay);
}
