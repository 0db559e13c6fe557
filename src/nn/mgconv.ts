/**
 * MgConv: one multigrid V-cycle as a learned linear operator f -> u (He et al., "MgNO: Efficient
 * Parameterization of Linear Operators via Multigrid", arXiv 2310.19809), with the module tree
 * and so the state_dict names of the authors' MgConv / MgConv_DC:
 *
 *   level 0:     u = S f, then u += S (f - A u) (pre - 1) times     layer0.{i}.S / .A
 *   level l > 0: u = Pi u, f = R f (or R (f - A u) with useRes),     layer{l}.0.Pi / .R / .A
 *                then u += S (f - A u) pre times                     layer{l}.{i}.S / .A
 *   upward, l = L-2 .. 0:
 *                u_l += RT_l(u_{l+1})  (ConvTranspose2d k 4, s 2, p 1)  RTlayers.{l}
 *                u_l = LayerNorm(u_l) over [C, H_l, W_l] (NS only)      norm_layer_list.{l}
 *                u_l += S (f_l - A u_l) post times                      post_smooth_layer{l}.{i}
 *
 * A (C_u -> C_f) and S (C_f -> C_u) are 3x3 convolutions, Pi and R 3x3 with stride 2; all read
 * beyond the edge through the padding mode, which is how the operator carries a boundary
 * condition (zeros: Dirichlet, circular: periodic, reflect).
 */
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import { add, sub } from '../ops/binary';
import { conv2d, convTranspose2d } from '../ops/conv';
import type { PadMode } from '../ops/conv_reference';
import { reshape } from '../ops/layout';
import { layerNorm } from '../ops/norm';
import type { Rng } from '../random';
import { Module, uniformInit } from './module';

/** How a convolution reads beyond the edge: PyTorch's padding_mode (conv2d's `padding`). */
export type MgPaddingMode = PadMode;

/** Kinds of the V-cycle's convolutions. */
type ConvKind = 'same' | 'restrict' | 'prolong';

/**
 * One bias-optional convolution with PyTorch's Conv2d / ConvTranspose2d parameter names and
 * default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias.
 */
export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    rt: Runtime,
    rng: Rng,
    readonly opts: {
      cin: number;
      cout: number;
      k: number;
      kind: ConvKind;
      bias: boolean;
      padding: MgPaddingMode;
    },
  ) {
    super(rt);
    const { cin, cout, k, kind } = opts;
    // torch computes fan_in from weight dim 1: Cin for Conv2d, Cout for ConvTranspose2d.
    const fanIn = (kind === 'prolong' ? cout : cin) * k * k;
    const shape = kind === 'prolong' ? [cin, cout, k, k] : [cout, cin, k, k];
    this.weight = this.param('weight', uniformInit(rng, cin * cout * k * k, fanIn), shape);
    this.bias = opts.bias ? this.param('bias', uniformInit(rng, cout, fanIn), [cout]) : null;
  }

  /** x [B, cin, H, W] -> [B, cout, H', W'] (H' = H, H / 2 or 2H by kind). */
  forward(x: Tensor): Tensor {
    const { kind, padding, cout } = this.opts;
    const y =
      kind === 'prolong'
        ? convTranspose2d(x, this.weight, { stride: 2, padding: 1 })
        : conv2d(x, this.weight, { stride: kind === 'restrict' ? 2 : 1, padding });
    return this.bias ? add(y, reshape(this.bias, [1, cout, 1, 1])) : y;
  }
}

/** One LayerNorm over [C, H, W] (torch.nn.LayerNorm; `weight` / `bias` when affine). */
class LevelNorm extends Module {
  private readonly w: Tensor | null;
  private readonly b: Tensor | null;

  /** `shape` [C, H, W] of the weight and bias, or null for a LayerNorm without affine. */
  constructor(rt: Runtime, shape: readonly number[] | null) {
    super(rt);
    const n = shape ? shape.reduce((a, b) => a * b, 1) : 0;
    this.w = shape ? this.param('weight', new Float32Array(n).fill(1), shape) : null;
    this.b = shape ? this.param('bias', new Float32Array(n), shape) : null;
  }

  forward(u: Tensor): Tensor {
    return layerNorm(u, 3, { weight: this.w ?? undefined, bias: this.b ?? undefined, eps: 1e-5 });
  }
}

/** Options of MgConv. */
export interface MgConvOptions {
  /** [pre, post] smoothing steps per level, finest first (pre >= 1 on level 0). */
  numIteration: readonly (readonly [number, number])[];
  /** Channels of u. */
  uChannels: number;
  /** Channels of f (the input). */
  fChannels: number;
  /** Padding mode of every 3x3 convolution. */
  padding: MgPaddingMode;
  /** Biases on A and S. */
  bias: boolean;
  /** Biases on Pi, R and the prolongations too (MgConv_DC's `bias` covers them). */
  transferBias: boolean;
  /** Restrict the residual f - A u instead of f. */
  useRes: boolean;
  /** NS's LayerNorm after each prolongation: null for none; grid null for no affine. */
  levelNorm: {
    /** [H, W] of the finest level: LayerNorm weights per point; null: no weight or bias. */
    grid: readonly [number, number] | null;
  } | null;
}

/** The smoothers of one step u += S(f - A u) (A absent for level 0's first step, u = S f). */
interface Smoother {
  A: Conv2d | null;
  S: Conv2d;
}

/**
 * One V-cycle f [B, fChannels, H, W] -> u [B, uChannels, H, W]; H and W divisible by
 * 2^(levels - 1) (MgNO checks that before it calls forward).
 *
 * @example
 * const mg = new MgConv(rt, rng, { numIteration: [[1, 0], [1, 0], [2, 0]], uChannels: 8,
 *   fChannels: 1, padding: 'zeros', bias: false, transferBias: false, useRes: false,
 *   levelNorm: null });
 * const u = mg.forward(f); // f [4, 1, 32, 32] -> u [4, 8, 32, 32]
 */
export class MgConv extends Module {
  private readonly pre: Smoother[][] = [];
  private readonly post: Smoother[][] = [];
  private readonly restrict: { Pi: Conv2d; R: Conv2d; A: Conv2d | null }[] = [];
  private readonly prolong: Conv2d[] = [];
  private readonly norms: LevelNorm[] = [];

  constructor(
    rt: Runtime,
    rng: Rng,
    /** The options it was built with. */
    readonly opts: MgConvOptions,
  ) {
    super(rt);
    const { numIteration, uChannels: cu, levelNorm } = opts;
    const levels = numIteration.length;
    const g = levelNorm?.grid ?? null;
    if (levelNorm)
      for (let j = 0; j + 1 < levels; j++) {
        const shape = g ? [cu, g[0] >> j, g[1] >> j] : null;
        this.norms.push(this.child(`norm_layer_list.${j}`, new LevelNorm(rt, shape)));
      }
    for (let j = 0; j + 1 < levels; j++)
      this.prolong.push(this.conv(rng, `RTlayers.${j}`, cu, cu, 4, 'prolong', opts.transferBias));
    numIteration.forEach(([pre, post], l) => this.buildLevel(rng, l, pre, post));
  }

  private conv(
    rng: Rng,
    name: string,
    cin: number,
    cout: number,
    k: number,
    kind: ConvKind,
    bias: boolean,
  ): Conv2d {
    const c = new Conv2d(this.rt, rng, { cin, cout, k, kind, bias, padding: this.opts.padding });
    return this.child(name, c);
  }

  private smoother(rng: Rng, at: string, withA: boolean): Smoother {
    const { uChannels: cu, fChannels: cf, bias } = this.opts;
    const S = this.conv(rng, `${at}.S`, cf, cu, 3, 'same', bias);
    const A = withA ? this.conv(rng, `${at}.A`, cu, cf, 3, 'same', bias) : null;
    return { A, S };
  }

  private buildLevel(rng: Rng, l: number, pre: number, post: number): void {
    const { uChannels: cu, fChannels: cf, useRes, transferBias } = this.opts;
    const first = l === 0 ? 0 : 1; // layer{l}.0 is the Restrict on coarser levels
    if (l > 0) {
      const at = `layer${l}.0`;
      const Pi = this.conv(rng, `${at}.Pi`, cu, cu, 3, 'restrict', transferBias);
      const R = this.conv(rng, `${at}.R`, cf, cf, 3, 'restrict', transferBias);
      const A = useRes ? this.conv(rng, `${at}.A`, cu, cf, 3, 'same', this.opts.bias) : null;
      this.restrict.push({ Pi, R, A });
    }
    this.pre.push(
      Array.from({ length: pre }, (_, i) =>
        this.smoother(rng, `layer${l}.${first + i}`, l > 0 || i > 0),
      ),
    );
    this.post.push(
      Array.from({ length: post }, (_, i) =>
        this.smoother(rng, `post_smooth_layer${l}.${i}`, true),
      ),
    );
  }

  /** u + S(f - A u), or S f for the very first step. */
  private static smooth(u: Tensor | null, f: Tensor, { A, S }: Smoother): Tensor {
    return A && u ? add(u, S.forward(sub(f, A.forward(u)))) : S.forward(f);
  }

  /** f [B, fChannels, H, W] -> u [B, uChannels, H, W]. */
  forward(f: Tensor): Tensor {
    const us: Tensor[] = [];
    const fs: Tensor[] = [];
    let u: Tensor | null = null;
    this.pre.forEach((steps, l) => {
      if (l > 0) {
        const { Pi, R, A } = this.restrict[l - 1];
        f = R.forward(A ? sub(f, A.forward(u!)) : f);
        u = Pi.forward(u!);
      }
      for (const s of steps) u = MgConv.smooth(u, f, s);
      us.push(u!);
      fs.push(f);
    });
    for (let j = us.length - 2; j >= 0; j--) {
      let v = add(us[j], this.prolong[j].forward(us[j + 1]));
      if (this.norms.length) v = this.norms[j].forward(v);
      for (const s of this.post[j]) v = MgConv.smooth(v, fs[j], s);
      us[j] = v;
    }
    return us[0];
  }
}
