/**
 * MgNO, the multigrid neural operator (He et al., arXiv 2310.19809), as the authors' MgNO_DC
 * (Darcy) and MgNO_NS (Navier-Stokes) with their state_dict names:
 *
 *   'dc':  u <- gelu(conv_list[i](u) + linear_list[i](u))   (V-cycle + 1x1 conv with bias)
 *          out = linear(u)                                  (3x3 conv with bias, or 1x1)
 *   'ns':  u <- gelu(conv_list[i](u));  out = last_layer(u) + x
 *
 * Each conv_list[i] is one V-cycle (src/nn/mgconv.ts); the first reads the inChannels input as
 * its right-hand side f, the others the hiddenChannels state. No lifting or projection beyond
 * the output layer: the V-cycles themselves map f to u.
 */
import { WgnoError, fmtShape } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import type { HostTensor } from '../io/host_tensor';
import { add } from '../ops/binary';
import { gelu } from '../ops/unary';
import { Rng } from '../random';
import { Conv2d, MgConv } from '../nn/mgconv';
import { Module, type LoadStateDictOptions } from '../nn/module';
import { checkGridLevels, resolveMgNO, type MgNOConfig, type ResolvedMgNO } from './mgno_config';

export type { MgNOConfig, MgNOVariant } from './mgno_config';
export type { MgPaddingMode } from '../nn/mgconv';

/** A list of layers registered as `name.{i}` (torch.nn.ModuleList / Sequential). */
class Layers<M extends Module> extends Module {
  constructor(
    rt: Runtime,
    readonly items: M[],
    indices: number[] = items.map((_, i) => i),
  ) {
    super(rt);
    items.forEach((m, i) => this.child(`${indices[i]}`, m));
  }
}

/**
 * The multigrid neural operator: x [B, inChannels, H, W] -> [B, out, H, W] (out = 1, or outputDim
 * for 'ns' with an MLP head), H and W divisible by 2^(levels - 1). Without a grid-sized LayerNorm
 * ('dc', or 'ns' with elementwiseAffine false) the same weights run at any such resolution.
 *
 * @example
 * const model = new MgNO(rt, {
 *   inChannels: 1, hiddenChannels: 24, numLayers: 4,
 *   numIteration: [[1, 0], [1, 0], [1, 0], [1, 0], [2, 0]], paddingMode: 'zeros',
 * });
 * model.loadStateDict(readSafetensors(bytes)); // the official MgNO_DC's state_dict
 * const u = model.forward(rt.tensor(a, [8, 1, 64, 64])); // -> [8, 1, 64, 64]
 */
export class MgNO extends Module {
  /** The config as given. */
  readonly config: MgNOConfig;
  /** The config checked, with every default filled in. */
  private readonly resolved: ResolvedMgNO;
  private readonly convs: Layers<MgConv>;
  private readonly pointwise: Layers<Conv2d> | null;
  private readonly head: Layers<Conv2d> | Conv2d;

  constructor(rt: Runtime, cfg: MgNOConfig) {
    super(rt);
    const r = resolveMgNO('MgNO', cfg);
    this.config = cfg;
    this.resolved = r;
    const rng = new Rng(r.seed);
    const ns = r.variant === 'ns';
    const { hiddenChannels: cu, inChannels: cf } = r;
    const width = (i: number) => (i === 0 ? cf : cu);
    const mgconvs = Array.from(
      { length: r.numLayers },
      (_, i) =>
        new MgConv(rt, rng, {
          numIteration: r.numIteration,
          uChannels: cu,
          fChannels: width(i),
          padding: r.paddingMode,
          bias: r.bias,
          transferBias: !ns && r.bias,
          useRes: r.useRes,
          levelNorm: ns ? { grid: r.gridSize } : null,
        }),
    );
    this.convs = this.child('conv_list', new Layers(rt, mgconvs));
    const conv = (cin: number, cout: number, k: number, bias: boolean) =>
      new Conv2d(rt, rng, { cin, cout, k, kind: 'same', bias, padding: r.paddingMode });
    this.pointwise =
      !ns && r.pointwise
        ? this.child(
            'linear_list',
            new Layers(
              rt,
              mgconvs.map((_, i) => conv(width(i), cu, 1, true)),
            ),
          )
        : null;
    if (!ns)
      this.head = this.child(
        'linear',
        r.lastLayer === 'conv' ? conv(cu, 1, 3, true) : conv(cu, 1, 1, false),
      );
    else if (r.mlpHiddenDim > 0) {
      const mlp = [
        conv(cu, r.mlpHiddenDim, 1, true),
        conv(r.mlpHiddenDim, r.outChannels, 1, false),
      ];
      this.head = this.child('last_layer', new Layers(rt, mlp, [0, 2])); // 1 is the GELU
    } else this.head = this.child('last_layer', conv(cu, 1, 1, false));
  }

  /** x [B, inChannels, H, W] -> [B, out, H, W]. */
  forward(x: Tensor): Tensor {
    this.checkInput(x);
    const r = this.resolved;
    let u = x;
    this.convs.items.forEach((mg, i) => {
      const v = mg.forward(u);
      u = gelu(this.pointwise ? add(v, this.pointwise.items[i].forward(u)) : v);
    });
    if (this.head instanceof Conv2d) u = this.head.forward(u);
    else u = this.head.items[1].forward(gelu(this.head.items[0].forward(u)));
    return r.variant === 'ns' ? add(u, x) : u;
  }

  /** Throws a WgnoError in MgNO's terms unless x fits the config. */
  private checkInput(x: Tensor): void {
    const r = this.resolved;
    if (x.shape.length !== 4 || x.shape[1] !== r.inChannels)
      throw new WgnoError(
        'MgNO',
        `x ${fmtShape(x.shape)} must be [B, inChannels = ${r.inChannels}, H, W]`,
      );
    const [h, w] = [x.shape[2], x.shape[3]];
    checkGridLevels('MgNO', `x's grid`, [h, w], r.numIteration.length, r.paddingMode);
    const g = r.gridSize;
    if (g && (g[0] !== h || g[1] !== w))
      throw new WgnoError(
        'MgNO',
        `x's grid ${h} x ${w} differs from gridSize ${g[0]} x ${g[1]}: the per-level LayerNorm weights are per grid point; build the model with gridSize [${h}, ${w}] or elementwiseAffine false`,
      );
  }

  /**
   * The official names. MgNO_DC also registers a GroupNorm per layer (`norm_list.{i}.weight` /
   * `.bias`) that its forward never uses; an official checkpoint's copies are accepted and
   * ignored.
   */
  loadStateDict(
    sd: ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>,
    opts: LoadStateDictOptions = {},
  ): void {
    const map = new Map(sd instanceof Map ? sd : Object.entries(sd));
    if (this.resolved.variant === 'dc')
      for (const k of [...map.keys()]) if (/^norm_list\.\d+\.(weight|bias)$/.test(k)) map.delete(k);
    super.loadStateDict(map, opts);
  }
}
