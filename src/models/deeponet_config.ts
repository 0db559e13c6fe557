/**
 * DeepONet configuration and its checks, DeepXDE's (deepxde/nn/pytorch/deeponet.py and
 * deepxde/nn/deeponet_strategy.py, DeepXDE 1.11+): the branch and trunk widths, activations,
 * initializer, and how several outputs share the p-vectors.
 */
import { WgnoError } from '../errors';
import { checkActivation, checkLayerSizes, type Activation, type Initializer } from '../nn/fnn';

/**
 * How `numOutputs` > 1 outputs are made (DeepXDE's `multi_output_strategy`; Lu et al. 2022,
 * section 3.1.6):
 * - 'independent': one branch and one trunk per output (`branch.{k}`, `trunk.{k}`);
 * - 'split_both': both p-vectors cut into numOutputs equal groups, output k from group k;
 * - 'split_branch': the branch's p = numOutputs x (trunk width), one shared trunk;
 * - 'split_trunk': the trunk's p = numOutputs x (branch width), one shared branch.
 */
export type MultiOutputStrategy = 'independent' | 'split_both' | 'split_branch' | 'split_trunk';

/** DeepONet's settings (DeepXDE's `layer_sizes_branch`, `layer_sizes_trunk`, ...). */
export interface DeepONetConfig {
  /** Branch widths [m, ..., p]: m sensors of the input function. */
  branch: readonly number[];
  /** Trunk widths [d, ..., p]: d coordinates per query point. */
  trunk: readonly number[];
  /** One activation for both nets, or one each. The trunk's applies to its output too (DeepXDE). */
  activation:
    | Activation
    | {
        /** The branch net's activation. */
        readonly branch: Activation;
        /** The trunk net's activation. */
        readonly trunk: Activation;
      };
  /** Default 'Glorot normal'; biases start at zero. */
  kernelInitializer?: Initializer;
  /** Outputs per query point (default 1). */
  numOutputs?: number;
  /** Required meaning only for numOutputs > 1; default 'independent' there (DeepXDE's default). */
  multiOutputStrategy?: MultiOutputStrategy | null;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

const STRATEGIES = ['independent', 'split_both', 'split_branch', 'split_trunk'];

/** A DeepONetConfig checked, with the defaults filled in and one activation per net. */
export interface ResolvedDeepONet {
  branch: number[];
  trunk: number[];
  branchAct: Activation;
  trunkAct: Activation;
  numOutputs: number;
  strategy: MultiOutputStrategy | null;
}

/** The checked configuration; every error names the field and what would be valid. */
export function resolveDeepONet(op: string, cfg: DeepONetConfig): ResolvedDeepONet {
  if (typeof cfg !== 'object' || cfg === null)
    throw new WgnoError(op, `needs a config object ({ branch, trunk, activation }), got ${cfg}`);
  const branch = checkLayerSizes(op, 'branch', cfg.branch);
  const trunk = checkLayerSizes(op, 'trunk', cfg.trunk);
  const a = cfg.activation;
  const [branchAct, trunkAct] = typeof a === 'object' && a ? [a.branch, a.trunk] : [a, a];
  checkActivation(op, branchAct);
  checkActivation(op, trunkAct);
  const numOutputs = cfg.numOutputs ?? 1;
  if (!Number.isInteger(numOutputs) || numOutputs < 1)
    throw new WgnoError(op, `numOutputs is ${numOutputs}; it must be an integer >= 1`);
  let strategy = cfg.multiOutputStrategy ?? null;
  if (strategy !== null && !STRATEGIES.includes(strategy))
    throw new WgnoError(
      op,
      `unknown multiOutputStrategy ${JSON.stringify(strategy)}; valid: ${STRATEGIES.join(', ')}`,
    );
  if (numOutputs === 1 && strategy !== null)
    throw new WgnoError(op, `multiOutputStrategy '${strategy}' needs numOutputs > 1, got 1`);
  if (numOutputs > 1) strategy ??= 'independent';
  checkWidths(op, branch.at(-1)!, trunk.at(-1)!, numOutputs, strategy);
  return { branch, trunk, branchAct, trunkAct, numOutputs, strategy };
}

/** The last widths p of branch and trunk must fit the strategy (DeepXDE's build checks). */
function checkWidths(
  op: string,
  pb: number,
  pt: number,
  n: number,
  strategy: MultiOutputStrategy | null,
): void {
  const fail = (want: string) => {
    throw new WgnoError(op, `branch width ${pb}, trunk width ${pt}: ${want}`);
  };
  if (strategy === 'split_branch') {
    if (pb !== n * pt) fail(`'split_branch' needs branch = numOutputs x trunk = ${n * pt}`);
  } else if (strategy === 'split_trunk') {
    if (pt !== n * pb) fail(`'split_trunk' needs trunk = numOutputs x branch = ${n * pb}`);
  } else if (pb !== pt) fail('the last widths of branch and trunk must be equal');
  else if (strategy === 'split_both' && pb % n !== 0)
    fail(`'split_both' needs the width divisible by numOutputs = ${n}`);
}
