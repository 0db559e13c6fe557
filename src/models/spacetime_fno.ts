import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { add } from '../ops/binary';
import { unsqueeze } from '../ops/layout';
import { slice } from '../ops/pad';
import { Rng } from '../random';
import { Module } from '../nn/module';
import { SpaceTimeSpectralConv } from '../nn/spectral_conv_st';
import {
  ChannelNorm,
  Conv1x1,
  OutConv,
  PointwiseFFN,
  activate,
  spaceTimeEncoding,
  type SpaceTimeActivation,
} from './spacetime_fno_layers';
import {
  resolveSpaceTimeFNOConfig,
  type SpaceTimeFNOConfig,
  type SpaceTimeFNOResolved,
} from './spacetime_fno_config';

export type { SpaceTimeFNOConfig } from './spacetime_fno_config';

/**
 * torch-cfd LiftingOperator: positional channels (the input added to each), channel norm,
 * pointwise conv `proj`, then a space-time spectral conv `sconv` to the latent length and a
 * pointwise FFN `mlp`, added to the last frame of `proj`'s output and activated.
 */
class LiftingOperator extends Module {
  private readonly norm: ChannelNorm;
  private readonly proj: Conv1x1;
  private readonly sconv: SpaceTimeSpectralConv;
  private readonly mlp: PointwiseFFN;
  private readonly pe = new Map<string, Tensor>();

  constructor(
    rt: Runtime,
    rng: Rng,
    private readonly c: SpaceTimeFNOResolved,
  ) {
    super(rt);
    const w = c.width;
    this.norm = this.child('norm', new ChannelNorm(rt, w));
    this.proj = this.child('proj', new Conv1x1(rt, rng, w, w));
    const modes = [c.modesX, c.modesY, c.modesT] as const;
    const sconv = new SpaceTimeSpectralConv(rt, rng, {
      inChannels: w,
      outChannels: w,
      modes,
      norm: c.fftNorm,
    });
    this.sconv = this.child('sconv', sconv);
    const mid = c.channelExpansion * w;
    this.mlp = this.child('mlp', new PointwiseFFN(rt, rng, [w, mid, w], c.activation));
  }

  /** x [B, 1, X, Y, T] -> [B, width, X, Y, latentSteps]. */
  forward(x: Tensor): Tensor {
    const [, , nx, ny, nt] = x.shape;
    const v = this.proj.forward(this.norm.forward(add(x, this.encoding(nx, ny, nt))));
    const w = this.mlp.forward(this.sconv.forward(v, this.c.latentSteps));
    return activate(add(slice(v, 4, nt - 1, nt), w), this.c.activation);
  }

  private encoding(nx: number, ny: number, nt: number): Tensor {
    const key = `${nx},${ny},${nt}`;
    let t = this.pe.get(key);
    if (!t) {
      const { data, shape } = spaceTimeEncoding(this.c.width, nx, ny, nt, this.c.beta);
      t = this.rt.tensor(data, shape, { label: 'positional channels' });
      this.pe.set(key, t);
    }
    return t;
  }
}

/**
 * The space-time FNO of Spectral-Refiner (Cao et al. 2024, arXiv 2405.17211; torch-cfd `SFNO`,
 * the "spatiotemporal FNO", not the spherical one): a window of vorticity frames
 * [B, X, Y, T_in] in, the next frames [B, X, Y, T_out] out at once, at any resolution.
 * lifting_operator (positional channels, norm, 1x1 conv, space-time spectral conv resampling time
 * to latentSteps, FFN) -> numSpectralLayers - 1 blocks v = act(mlp(conv(v)) + w(v)) ->
 * `reduction` (width -> 1) -> `output_operator` (1 -> 1 space-time spectral conv with complex
 * bias, time padding, last input frame added). Parameters carry torch-cfd's state_dict names.
 *
 * @example
 * const model = new SpaceTimeFNO(rt, { modesX: 12, modesY: 12, modesT: 5, width: 10 });
 * const y = model.forward(rt.tensor(w, [4, 64, 64, 10]), 10); // [4, 64, 64, 10]
 */
export class SpaceTimeFNO extends Module {
  /** The config with every default filled in. */
  readonly config: SpaceTimeFNOResolved;
  private readonly lifting: LiftingOperator;
  private readonly blocks: {
    conv: SpaceTimeSpectralConv;
    mlp: PointwiseFFN;
    w: Conv1x1;
    act: SpaceTimeActivation;
  }[] = [];
  private readonly reduction: Conv1x1;
  /** The output layer (`output_operator`); refinement swaps in another. */
  outputOperator: OutConv;

  constructor(rt: Runtime, cfg: SpaceTimeFNOConfig) {
    super(rt);
    const c = (this.config = resolveSpaceTimeFNOConfig(cfg));
    const rng = new Rng(c.seed);
    const w = c.width;
    const modes = [c.modesX, c.modesY, c.modesT] as const;
    for (let i = 0; i < c.numSpectralLayers - 1; i++) {
      // torch-cfd builds these with SpectralConvS's own default norm, 'backward'.
      const opts = { inChannels: w, outChannels: w, modes };
      const conv = this.child(`spectral_conv.${i}`, new SpaceTimeSpectralConv(rt, rng, opts));
      const mid = c.channelExpansion * w;
      const mlp = this.child(`mlp.${i}`, new PointwiseFFN(rt, rng, [w, mid, w], c.activation));
      this.blocks.push({ conv, mlp, w: new Conv1x1(rt, rng, w, w), act: c.activation });
    }
    this.blocks.forEach((b, i) => this.child(`w.${i}`, b.w));
    this.lifting = this.child('lifting_operator', new LiftingOperator(rt, rng, c));
    this.outputOperator = this.child(
      'output_operator',
      new OutConv(rt, rng, {
        modes,
        delta: c.delta,
        temporalPadding: c.temporalPadding,
        norm: c.fftNorm,
      }),
    );
    this.reduction = this.child('reduction', new Conv1x1(rt, rng, w, 1));
  }

  /** x [B, X, Y, T_in] -> [B, X, Y, outSteps] (default: config.outputSteps, else T_in). */
  forward(x: Tensor, outSteps?: number): Tensor {
    const steps = outSteps ?? this.config.outputSteps ?? x.shape[3];
    return this.outputOperator.forward(this.latent(x), x, steps);
  }

  /** The reduced latent before the output layer, [B, 1, X, Y, latentSteps] (torch-cfd's hook on `reduction`). */
  latent(x: Tensor): Tensor {
    this.checkInput(x);
    let v = this.lifting.forward(unsqueeze(x, 1));
    for (const b of this.blocks)
      v = activate(add(b.mlp.forward(b.conv.forward(v, v.shape[4])), b.w.forward(v)), b.act);
    return this.reduction.forward(v);
  }

  private checkInput(x: Tensor): void {
    const c = this.config;
    const fail = (why: string) => {
      throw new WgnoError('SpaceTimeFNO', `input ${fmtShape(x.shape)}: ${why}`);
    };
    if (x.shape.length !== 4) fail('must be [batch, X, Y, T_in]');
    const [, nx, ny, nt] = x.shape;
    if (nx < 2 * c.modesX || ny < 2 * c.modesY)
      fail(
        `modesX ${c.modesX}, modesY ${c.modesY} need X >= ${2 * c.modesX}, Y >= ${2 * c.modesY}`,
      );
    if (nt < c.latentSteps) fail(`T_in must be >= latentSteps = ${c.latentSteps}`);
  }
}
