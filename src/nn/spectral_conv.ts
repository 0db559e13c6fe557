import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import { numel } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { add } from '../ops/binary';
import { fft, irfft, rfft } from '../ops/fft';
import { spectralMul } from '../ops/spectral';
import type { Rng } from '../random';
import { Module } from './module';
import { TuckerSpectralWeight, gatherWindow, scatterWindow } from './tucker_weight';

/** SpectralConv's options: neuraloperator's `factorization` and `rank` arguments. */
export interface SpectralConvOptions {
  /**
   * 'dense' (the default, neuraloperator's None): one complex weight `weight.tensor`;
   * 'tucker': tltorch's TuckerTensor, `weight.core` and `weight.factors.factor_{k}` (TFNO).
   */
  factorization?: 'dense' | 'tucker';
  /** Tucker rank as tuckerRank reads it (default 1, neuraloperator's 1.0); only with 'tucker'. */
  rank?: number | readonly number[];
}

/**
 * A spectral weight (in, out, k_1, ..., k_d): how it is stored, under its state_dict names below
 * `weight.`, and how it contracts a spectrum's kept modes. The layer around it is the same for all.
 */
export interface SpectralWeight {
  /** 'dense': one complex tensor; 'tucker': a core and one factor per mode. */
  readonly factorization: 'dense' | 'tucker';
  /**
   * true: `contract` takes the kept window gathered, [B, in, k_1, ..., k_d] (frequency -(k//2)
   * first along non-last axes); false: the spectrum [B, in, n_1, ..., n_{d-1}, k_d], with the
   * window implicit.
   */
  readonly windowed: boolean;
  /** The contraction over in-channels: [B, in, ...] -> [B, out, ...] on the same positions. */
  contract(z: Tensor): Tensor;
  /** The dense (in, out, k_1, ..., k_d) weight it stands for (differentiable; not used by forward). */
  dense(): Tensor;
}

/** Registers a complex64 parameter under a state_dict name relative to the layer. */
export type ComplexParam = (name: string, data: Float32Array, shape: readonly number[]) => Tensor;

/** The unfactorized weight `weight.tensor`, contracted by the spectral_mul kernel. */
export class DenseSpectralWeight implements SpectralWeight {
  readonly factorization = 'dense';
  readonly windowed = false;
  /** complex64 (in, out, k_1, ..., k_d), state_dict name `weight.tensor`. */
  readonly tensor: Tensor;

  /** neuraloperator: entries ~ std * N(0, 1), real and imaginary parts drawn independently. */
  constructor(param: ComplexParam, rng: Rng, shape: readonly number[], std: number) {
    this.tensor = param('weight.tensor', rng.normals(2 * numel(shape), std), shape);
  }

  contract(z: Tensor): Tensor {
    return spectralMul(z, this.tensor);
  }

  dense(): Tensor {
    return this.tensor;
  }
}

/**
 * neuraloperator 2.x SpectralConv (REFERENCE.md): rfftn with norm 'forward' over the d spatial
 * axes, contraction of the kept modes with a complex weight (in, out, m1, ..., m_{d-1}, md//2+1)
 * (centred window along non-last axes, frequencies 0..md//2 along the last), inverse transform,
 * bias.
 * The forward real transform is pruned to the kept bins; the inverse treats the rest as zeros.
 * The weight is dense (`weight.tensor`) or Tucker-factorized (`weight.core`,
 * `weight.factors.factor_{k}`, contracted without forming the dense weight); only the contraction
 * differs between them.
 *
 * @example
 * const conv = new SpectralConv(rt, new Rng(0), 8, 8, [12, 12]); // weight.tensor [8, 8, 12, 7]
 * const opts = { factorization: 'tucker', rank: 0.5 } as const;
 * const tucker = new SpectralConv(rt, new Rng(0), 8, 8, [12, 12], opts); // weight.core, .factors
 * const y = conv.forward(x); // x [batch, 8, 64, 64] -> [batch, 8, 64, 64]
 */
export class SpectralConv extends Module {
  /** The spectral weight, dense or factorized (parameters under `weight.`). */
  readonly weight: SpectralWeight;
  /** Per output channel, (out, 1, ..., 1), added after the inverse transform. */
  readonly bias: Tensor;
  /** Kept modes per spatial axis: nModes, with md // 2 + 1 half-spectrum bins along the last. */
  readonly kept: number[];
  /** The weight's shape (in, out, k_1, ..., k_d). */
  readonly weightShape: number[];

  constructor(
    rt: Runtime,
    rng: Rng,
    /** Input channels. */
    readonly inChannels: number,
    /** Output channels. */
    readonly outChannels: number,
    /** Fourier modes kept per spatial axis (neuraloperator's n_modes). */
    readonly nModes: readonly number[],
    options: SpectralConvOptions = {},
  ) {
    super(rt);
    const d = nModes.length;
    nModes.forEach((m, a) => {
      if (!Number.isInteger(m) || m < 1)
        throw new WgnoError('SpectralConv', `nModes[${a}] = ${m}; modes must be integers >= 1`);
    });
    this.kept = nModes.map((m, a) => (a === d - 1 ? Math.floor(m / 2) + 1 : m));
    this.weightShape = [inChannels, outChannels, ...this.kept];
    // neuraloperator: std = sqrt(2 / (in + out)) for the weight and the bias.
    const std = Math.sqrt(2 / (inChannels + outChannels));
    this.weight = this.makeWeight(rng, std, options);
    this.bias = this.param('bias', rng.normals(outChannels, std), [
      outChannels,
      ...new Array<number>(d).fill(1),
    ]);
  }

  private makeWeight(rng: Rng, std: number, options: SpectralConvOptions): SpectralWeight {
    const { factorization = 'dense', rank } = options;
    const param: ComplexParam = (name, data, shape) => this.param(name, data, shape, 'complex64');
    if (factorization === 'tucker')
      return new TuckerSpectralWeight(param, rng, this.weightShape, std, rank ?? 1);
    if (factorization !== 'dense')
      throw new WgnoError(
        'SpectralConv',
        `factorization '${String(factorization)}' is not supported; use 'dense' or 'tucker'`,
      );
    if (rank !== undefined)
      throw new WgnoError('SpectralConv', `rank applies to factorization 'tucker', not 'dense'`);
    return new DenseSpectralWeight(param, rng, this.weightShape, std);
  }

  /** The dense (in, out, k_1, ..., k_d) weight (differentiable; Tucker: rebuilt from its factors). */
  denseWeight(): Tensor {
    return this.weight.dense();
  }

  /** x [batch, in, n_1, ..., n_d] -> [batch, out, n_1, ..., n_d]. */
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const d = this.nModes.length;
    const spatial = x.shape.slice(2);
    const { windowed } = this.weight;
    let z = rfft(x, { norm: 'forward', nOut: this.kept[d - 1] });
    for (let a = 0; a < d - 1; a++) {
      z = fft(z, 2 + a, { norm: 'forward' });
      if (windowed) z = gatherWindow(z, 2 + a, this.kept[a]);
    }
    let y = this.weight.contract(z);
    for (let a = 0; a < d - 1; a++) {
      if (windowed) y = scatterWindow(y, 2 + a, spatial[a]);
      y = fft(y, 2 + a, { inverse: true, norm: 'forward' });
    }
    const out = irfft(y, { n: spatial[d - 1], norm: 'forward' });
    return add(out, this.bias);
  }

  private checkInput(x: Tensor): void {
    const d = this.nModes.length;
    if (x.shape.length !== d + 2 || x.shape[1] !== this.inChannels) {
      throw new WgnoError(
        'SpectralConv',
        `input [${x.shape.join(', ')}] must be [batch, ${this.inChannels}, ${this.nModes.map((_, i) => `n${i + 1}`).join(', ')}]`,
      );
    }
    this.kept.forEach((k, a) => {
      const n = x.shape[a + 2];
      const have = a === d - 1 ? Math.floor(n / 2) + 1 : n;
      if (k > have)
        throw new WgnoError(
          'SpectralConv',
          `${k} modes along axis ${a + 2} need at least ${k} frequencies; input [${x.shape.join(', ')}] has ${have}`,
        );
    });
  }
}

/**
 * SpectralConv with factorization 'tucker' (TFNO's layer), taking the rank positionally:
 * `new TuckerSpectralConv(rt, rng, in, out, nModes, rank)` is
 * `new SpectralConv(rt, rng, in, out, nModes, { factorization: 'tucker', rank })`.
 *
 * @example
 * const conv = new TuckerSpectralConv(rt, new Rng(0), 8, 8, [12, 12], 0.5);
 * conv.weight.core; // weight.core, shape conv.weight.rank
 */
export class TuckerSpectralConv extends SpectralConv {
  declare readonly weight: TuckerSpectralWeight;

  constructor(
    rt: Runtime,
    rng: Rng,
    inChannels: number,
    outChannels: number,
    nModes: readonly number[],
    rank: number | readonly number[] = 1,
  ) {
    super(rt, rng, inChannels, outChannels, nModes, { factorization: 'tucker', rank });
  }
}
