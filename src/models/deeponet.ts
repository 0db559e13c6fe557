/**
 * DeepONet (Lu et al., Nat. Mach. Intell. 2021) as DeepXDE's PyTorch modules DeepONet and
 * DeepONetCartesianProd (deepxde/nn/pytorch/deeponet.py, DeepXDE 1.11+):
 *
 *   y_k = <branch(v), activation_trunk(trunk(x))> + b_k
 *
 * the branch FNN reads the input function at m sensors, the trunk FNN the query coordinates,
 * and the trunk's activation is applied to its output as well (DeepXDE does; the branch's last
 * layer stays linear). state_dict names are DeepXDE's: `branch.linears.{i}.weight` / `.bias`,
 * `trunk.linears.{i}...`, one scalar bias per output `b.{k}` (`branch.{k}.linears...` and
 * `trunk.{k}...` with the 'independent' strategy). A file from DeepXDE before 1.11 has a single
 * scalar `b`; loadStateDict accepts it for one output.
 */
import { WgnoError } from '../errors';
import type { Runtime } from '../runtime/runtime';
import type { Tensor } from '../graph/tensor';
import type { HostTensor } from '../io/host_tensor';
import { add, mul } from '../ops/binary';
import { concat } from '../ops/concat';
import { reshape, unsqueeze } from '../ops/layout';
import { matmul } from '../ops/matmul';
import { slice } from '../ops/pad';
import { sum } from '../ops/reduce';
import { Rng } from '../random';
import { FNN, checkActivation } from '../nn/fnn';
import { Module, type LoadStateDictOptions } from '../nn/module';
import { resolveDeepONet, type DeepONetConfig, type ResolvedDeepONet } from './deeponet_config';

export type { DeepONetConfig, MultiOutputStrategy } from './deeponet_config';

/** torch.nn.ParameterList of scalars: parameters '0', '1', ... of shape []. */
class ScalarList extends Module {
  readonly items: Tensor[];
  constructor(rt: Runtime, n: number) {
    super(rt);
    this.items = Array.from({ length: n }, (_, k) => this.param(`${k}`, new Float32Array(1), []));
  }
}

/** What the two layouts share: the nets, the strategies, the bias. */
abstract class DeepONetBase extends Module {
  /** The config as given. */
  readonly config: DeepONetConfig;
  /** The config checked, with defaults. */
  protected readonly r: ResolvedDeepONet;
  private readonly branches: FNN[];
  private readonly trunks: FNN[];
  private readonly b: ScalarList;
  private readonly trunkAct: (x: Tensor) => Tensor;

  constructor(rt: Runtime, cfg: DeepONetConfig, op: string) {
    super(rt);
    this.r = resolveDeepONet(op, cfg);
    this.config = cfg;
    const rng = new Rng(cfg.seed ?? 0);
    const nets = this.r.strategy === 'independent' ? this.r.numOutputs : 1;
    const make = (sizes: number[], activation: ResolvedDeepONet['branchAct'], name: string) =>
      Array.from({ length: nets }, (_, k) =>
        this.child(
          nets > 1 ? `${name}.${k}` : name,
          new FNN(
            rt,
            { layerSizes: sizes, activation, kernelInitializer: cfg.kernelInitializer },
            rng,
          ),
        ),
      );
    this.branches = make(this.r.branch, this.r.branchAct, 'branch');
    this.trunks = make(this.r.trunk, this.r.trunkAct, 'trunk');
    this.b = this.child('b', new ScalarList(rt, this.r.numOutputs));
    this.trunkAct = checkActivation(op, this.r.trunkAct);
  }

  /** Bias-added product of one output's p-vectors: [B, N] (Cartesian) or [B, 1] (aligned). */
  protected abstract product(xf: Tensor, xl: Tensor): Tensor;
  /** Stack the per-output results along the output axis. */
  protected abstract stack(ys: Tensor[]): Tensor;

  /** The strategies of deepxde/nn/deeponet_strategy.py, each output k with its bias b.k. */
  protected merge(
    xFunc: Tensor,
    xLoc: Tensor,
    product: (xf: Tensor, xl: Tensor) => Tensor = (xf, xl) => this.product(xf, xl),
  ): Tensor {
    const { numOutputs: n, strategy } = this.r;
    const out = (xf: Tensor, xl: Tensor, k: number) => add(product(xf, xl), this.b.items[k]);
    const branch = (k: number) => this.branches[k].forward(xFunc);
    const trunk = (k: number) => this.trunkAct(this.trunks[k].forward(xLoc));
    if (strategy === null) return out(branch(0), trunk(0), 0);
    if (strategy === 'independent')
      return this.stack(Array.from({ length: n }, (_, k) => out(branch(k), trunk(k), k)));
    const [xf, xl] = [branch(0), trunk(0)];
    const cut = (x: Tensor, k: number, size: number) => slice(x, 1, k * size, (k + 1) * size);
    const ys = Array.from({ length: n }, (_, k) => {
      if (strategy === 'split_branch') return out(cut(xf, k, xl.shape[1]), xl, k);
      if (strategy === 'split_trunk') return out(xf, cut(xl, k, xf.shape[1]), k);
      const size = xf.shape[1] / n; // split_both
      return out(cut(xf, k, size), cut(xl, k, size), k);
    });
    return this.stack(ys);
  }

  /** Throws a WgnoError naming `op` and `name` unless x is [rows, width]. */
  protected checkRank2(op: string, name: string, x: Tensor, width: number, what: string): void {
    if (x.shape.length !== 2 || x.shape[1] !== width)
      throw new WgnoError(
        op,
        `${name} ${x} must be ${what} with ${width} = the ${name === 'xFunc' ? 'branch' : 'trunk'} input width`,
      );
  }

  /** DeepXDE's names; a pre-1.11 file's single `b` is read as `b.0` when there is one output. */
  loadStateDict(
    sd: ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>,
    opts: LoadStateDictOptions = {},
  ): void {
    const map = new Map(sd instanceof Map ? sd : Object.entries(sd));
    const old = map.get('b');
    if (this.r.numOutputs === 1 && old && !map.has('b.0')) {
      map.delete('b');
      map.set('b.0', old);
    }
    super.loadStateDict(map, opts);
  }
}

/**
 * DeepXDE's DeepONetCartesianProd: every input function against every query point.
 * xFunc [B, m] (B functions at m sensors) and xLoc [N, d] (N points) -> [B, N], or
 * [B, N, numOutputs] with several outputs.
 *
 * @example
 * const net = new DeepONetCartesianProd(rt, {
 *   branch: [100, 40, 40], trunk: [1, 40, 40], activation: 'relu',
 * });
 * const u = net.forward(v, x); // v [B, 100], x [N, 1] -> u [B, N]
 */
export class DeepONetCartesianProd extends DeepONetBase {
  constructor(rt: Runtime, cfg: DeepONetConfig) {
    super(rt, cfg, 'DeepONetCartesianProd');
  }

  /** xFunc [B, m], xLoc [N, d] -> [B, N] ([B, N, numOutputs] for several outputs). */
  forward(xFunc: Tensor, xLoc: Tensor): Tensor {
    const op = 'DeepONetCartesianProd';
    this.checkRank2(op, 'xFunc', xFunc, this.r.branch[0], '[B, m]');
    this.checkRank2(op, 'xLoc', xLoc, this.r.trunk[0], '[N, d]');
    return this.merge(xFunc, xLoc);
  }

  /**
   * Every function at its own N points: xFunc [B, m], xLoc [B * N, d] (rows b N ... (b + 1) N - 1
   * are function b's points) -> [B, N] (or [B, N, numOutputs]). The branch runs once per
   * function and the trunk once per row, so the gradient of the summed output w.r.t. xLoc is
   * each output's own derivative: what physics-informed losses (u_t, u_xx by `grad`) need,
   * where DeepXDE loops over the functions. With the same points for every function it equals
   * `forward(xFunc, points)`.
   *
   * @example
   * const xt = rt.tensor(rows, [B * N, 2], { requiresGrad: true }); // (x, t) per function
   * const u = net.forwardPerFunction(v, xt); // [B, N]
   * const [du] = grad(sum(u), [xt]); // [B * N, 2]: (u_x, u_t) of each function at its points
   */
  forwardPerFunction(xFunc: Tensor, xLoc: Tensor): Tensor {
    const op = 'DeepONetCartesianProd.forwardPerFunction';
    this.checkRank2(op, 'xFunc', xFunc, this.r.branch[0], '[B, m]');
    this.checkRank2(op, 'xLoc', xLoc, this.r.trunk[0], '[B * N, d]');
    const [B, rows] = [xFunc.shape[0], xLoc.shape[0]];
    if (rows % B !== 0)
      throw new WgnoError(
        op,
        `xLoc ${xLoc} must have B * N rows (N points for each of the B = ${B} functions of xFunc)`,
      );
    const N = rows / B;
    return this.merge(xFunc, xLoc, (xf, xl) =>
      reshape(matmul(reshape(xl, [B, N, xl.shape[1]]), unsqueeze(xf, 2)), [B, N]),
    );
  }

  protected product(xf: Tensor, xl: Tensor): Tensor {
    return matmul(xf, xl, { transB: true }); // einsum('bi,ni->bn')
  }

  protected stack(ys: Tensor[]): Tensor {
    return concat(
      ys.map((y) => unsqueeze(y, 2)),
      2,
    ); // torch.stack(ys, dim=2)
  }
}

/**
 * DeepXDE's DeepONet: aligned pairs, input function i evaluated at its own point i.
 * xFunc [B, m] and xLoc [B, d] -> [B, numOutputs] (DeepXDE keeps the output axis for one output
 * too: [B, 1]).
 *
 * @example
 * const net = new DeepONet(rt, { branch: [100, 40, 40], trunk: [1, 40, 40], activation: 'tanh' });
 * const u = net.forward(v, x); // v [B, 100], x [B, 1] -> u [B, 1]
 */
export class DeepONet extends DeepONetBase {
  constructor(rt: Runtime, cfg: DeepONetConfig) {
    super(rt, cfg, 'DeepONet');
  }

  /** xFunc [B, m], xLoc [B, d] -> [B, numOutputs]: function i at its own point i. */
  forward(xFunc: Tensor, xLoc: Tensor): Tensor {
    this.checkRank2('DeepONet', 'xFunc', xFunc, this.r.branch[0], '[B, m]');
    this.checkRank2('DeepONet', 'xLoc', xLoc, this.r.trunk[0], '[B, d]');
    if (xLoc.shape[0] !== xFunc.shape[0])
      throw new WgnoError(
        'DeepONet',
        `xFunc ${xFunc} and xLoc ${xLoc} must have the same number of rows (aligned pairs); DeepONetCartesianProd pairs every function with every point`,
      );
    return this.merge(xFunc, xLoc);
  }

  protected product(xf: Tensor, xl: Tensor): Tensor {
    return sum(mul(xf, xl), 1, true); // einsum('bi,bi->b'), unsqueezed to [B, 1]
  }

  protected stack(ys: Tensor[]): Tensor {
    return concat(ys, 1);
  }
}
