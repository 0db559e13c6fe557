/**
 * The pieces of SpaceTimeFNO around its spectral layers (torch-cfd fno/base.py and fno/sfno.py,
 * written from their description): a 1x1x1 convolution, the pointwise FFN, the one-group channel
 * norm, the space-time positional channels and the output layer.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { add, div, mul, sub } from '../ops/binary';
import { channelLinear } from '../ops/channel_linear';
import { concat } from '../ops/concat';
import { reshape, unsqueeze, squeeze } from '../ops/layout';
import { slice } from '../ops/pad';
import { mean } from '../ops/reduce';
import { addScalar, gelu, relu, sqrt, square } from '../ops/unary';
import type { Rng } from '../random';
import { Module, uniformInit } from '../nn/module';
import { SpaceTimeSpectralConv } from '../nn/spectral_conv_st';
import type { Norm } from '../ops/fft';

/** The activations torch-cfd's SFNO is used with. */
export type SpaceTimeActivation = 'ReLU' | 'GELU';

export function activate(x: Tensor, act: SpaceTimeActivation): Tensor {
  return act === 'ReLU' ? relu(x) : gelu(x);
}

/** nn.Conv3d(cin, cout, 1): `weight` [cout, cin, 1, 1, 1], `bias` [cout], PyTorch's default init. */
export class Conv1x1 extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(
    rt: Runtime,
    rng: Rng,
    readonly cin: number,
    readonly cout: number,
  ) {
    super(rt);
    this.weight = this.param('weight', uniformInit(rng, cout * cin, cin), [cout, cin, 1, 1, 1]);
    this.bias = this.param('bias', uniformInit(rng, cout, cin), [cout]);
  }

  forward(x: Tensor): Tensor {
    return channelLinear(x, reshape(this.weight, [this.cout, this.cin]), this.bias);
  }
}

/** torch-cfd PointwiseFFN: linear1 (c -> mid), activation, linear2 (mid -> c), all 1x1x1 convs. */
export class PointwiseFFN extends Module {
  private readonly linear1: Conv1x1;
  private readonly linear2: Conv1x1;

  constructor(
    rt: Runtime,
    rng: Rng,
    channels: [number, number, number],
    private readonly act: SpaceTimeActivation,
  ) {
    super(rt);
    this.linear1 = this.child('linear1', new Conv1x1(rt, rng, channels[0], channels[1]));
    this.linear2 = this.child('linear2', new Conv1x1(rt, rng, channels[1], channels[2]));
  }

  forward(x: Tensor): Tensor {
    return this.linear2.forward(activate(this.linear1.forward(x), this.act));
  }
}

/**
 * GroupNorm with one group (torch-cfd LayerNormnd, eps 1e-7): each sample normalised over all of
 * (C, X, Y, T) with the biased variance, then a per-channel `weight` and `bias`.
 */
export class ChannelNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(
    rt: Runtime,
    readonly channels: number,
    readonly eps = 1e-7,
  ) {
    super(rt);
    this.weight = this.param('weight', new Float32Array(channels).fill(1), [channels]);
    this.bias = this.param('bias', new Float32Array(channels), [channels]);
  }

  forward(x: Tensor): Tensor {
    const axes = x.shape.map((_, i) => i).slice(1);
    const centred = sub(x, mean(x, axes, true));
    const std = sqrt(addScalar(mean(square(centred), axes, true), this.eps));
    const perChannel = [this.channels, ...new Array<number>(x.shape.length - 2).fill(1)];
    return add(
      mul(div(centred, std), reshape(this.weight, perChannel)),
      reshape(this.bias, perChannel),
    );
  }
}

/**
 * torch-cfd SpaceTimePositionalEncoding without random features, [1, C, X, Y, T]: x and y on
 * linspace(0, 1, n), t_k = (k + 1) / 100, then C - 3 time bases exp(beta t) sin or cos
 * ((j + 1) pi t) (sin for even j). The model adds its one input channel to all C of them.
 */
export function spaceTimeEncoding(c: number, nx: number, ny: number, nt: number, beta: number) {
  const data = new Float32Array(c * nx * ny * nt);
  const lin = (n: number, i: number) => (n > 1 ? i / (n - 1) : 0);
  const t = (k: number) => (k + 1) / 100;
  const at = (ch: number, i: number, j: number, k: number) => ((ch * nx + i) * ny + j) * nt + k;
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++)
      for (let k = 0; k < nt; k++) {
        data[at(0, i, j, k)] = lin(nx, i);
        data[at(1, i, j, k)] = lin(ny, j);
        data[at(2, i, j, k)] = t(k);
        for (let b = 0; b < c - 3; b++) {
          const basis = b % 2 === 0 ? Math.sin : Math.cos;
          data[at(3 + b, i, j, k)] = Math.exp(beta * t(k)) * basis(Math.PI * (b + 1) * t(k));
        }
      }
  return { data, shape: [1, c, nx, ny, nt] };
}

/** The output layer's settings (torch-cfd OutConv with out_dim 1, no spatial padding). */
export interface OutConvOptions {
  /** [mx, my, mt] of its 1 -> 1 space-time spectral conv. */
  modes: readonly [number, number, number];
  /** Scale of the complex bias. */
  delta: number;
  /** Zero-pad time in front before the transform. */
  temporalPadding: boolean;
  /** FFT normalisation. */
  norm: Norm;
}

/**
 * torch-cfd OutConv (out_dim 1): the last input frame is put ahead of the reduced latent, the
 * 1 -> 1 space-time spectral conv with complex bias maps it to outSteps + 1 frames, and the last
 * outSteps of them plus the last input frame are the prediction. Parameters under `conv.`.
 */
export class OutConv extends Module {
  readonly conv: SpaceTimeSpectralConv;

  constructor(
    rt: Runtime,
    rng: Rng,
    readonly opts: OutConvOptions,
  ) {
    super(rt);
    const conv = new SpaceTimeSpectralConv(rt, rng, {
      inChannels: 1,
      outChannels: 1,
      bias: true,
      ...opts,
    });
    this.conv = this.child('conv', conv);
  }

  /** latent [B, 1, X, Y, L], input [B, X, Y, T_in] -> [B, X, Y, outSteps]. */
  forward(latent: Tensor, input: Tensor, outSteps: number): Tensor {
    const t = input.shape[3];
    if (latent.shape.length !== 5 || latent.shape[1] !== 1)
      throw new WgnoError('OutConv', `latent [${latent.shape.join(', ')}] must be [B, 1, X, Y, L]`);
    const last = unsqueeze(slice(input, 3, t - 1, t), 1); // [B, 1, X, Y, 1]
    const v = this.conv.forward(concat([last, latent], 4), outSteps + 1);
    return squeeze(add(last, slice(v, 4, 1, outSteps + 1)), 1);
  }
}
