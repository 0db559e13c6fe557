/**
 * MgNO configuration and its checks (He et al., arXiv 2310.19809; the authors' MgNO_DC and
 * MgNO_NS): widths, the V-cycle's levels and smoothing counts, the padding mode that sets the
 * boundary condition, and the options only one of the two variants has.
 */
import { WgnoError } from '../errors';
import type { MgPaddingMode } from '../nn/mgconv';
import { requireConfig } from './checks';

/**
 * 'dc': the official MgNO_DC (Darcy): each layer `gelu(V-cycle(u) + 1x1 conv(u))`, then a 3x3
 * (or 1x1) output convolution. 'ns': the official MgNO_NS (Navier-Stokes): each layer
 * `gelu(V-cycle(u))` with a LayerNorm after every prolongation, a 1x1 head (or a small GELU MLP),
 * and the input added to the output.
 */
export type MgNOVariant = 'dc' | 'ns';

/** MgNO's settings (the official constructor arguments in camelCase). */
export interface MgNOConfig {
  /** 'dc' (default) or 'ns'; see MgNOVariant. */
  variant?: MgNOVariant;
  /** Input channels (num_channel_f): the right-hand side f of the first V-cycle. */
  inChannels: number;
  /** Channels of u in every V-cycle (num_channel_u). */
  hiddenChannels: number;
  /** MgConv layers (num_layer). */
  numLayers: number;
  /**
   * [pre, post] smoothing steps per level, finest first (num_iteration); its length is the number
   * of levels. The paper's Darcy recipe: [[1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [2, 0]].
   */
  numIteration: readonly (readonly [number, number])[];
  /** Boundary condition: 'zeros' (Dirichlet; default for 'dc'), 'circular' (periodic; default
   * for 'ns') or 'reflect'. */
  paddingMode?: MgPaddingMode;
  /** Biases on the smoothers A and S ('dc': also on Pi, R and the prolongations). Default false. */
  bias?: boolean;
  /** Restrict the residual R(f - A u) instead of R f (use_res). Default false. */
  useRes?: boolean;
  /** 'dc' only: 'conv' (3x3 with bias, default) or 'linear' (1x1 without bias) output layer. */
  lastLayer?: 'conv' | 'linear';
  /** 'dc' only: the pointwise 1x1 path beside each V-cycle (linear_layer). Default true. */
  pointwise?: boolean;
  /** 'ns' only: the grid [H, W] of the per-level LayerNorm weights (needed when they are affine). */
  gridSize?: readonly [number, number];
  /** 'ns' only: LayerNorm with weight and bias (default true; they fix the resolution). */
  elementwiseAffine?: boolean;
  /** 'ns' only: hidden width of a GELU MLP head; 0 (default) is a single 1x1 conv to 1 channel. */
  mlpHiddenDim?: number;
  /** 'ns' only, with mlpHiddenDim: output channels (default 1). */
  outputDim?: number;
  /** Seed of the initial weights (PyTorch's default initialisation; default 0). */
  seed?: number;
}

/** An MgNOConfig checked, with every default filled in. */
export interface ResolvedMgNO {
  variant: MgNOVariant;
  inChannels: number;
  hiddenChannels: number;
  numLayers: number;
  numIteration: [number, number][];
  paddingMode: MgPaddingMode;
  bias: boolean;
  useRes: boolean;
  lastLayer: 'conv' | 'linear';
  pointwise: boolean;
  gridSize: [number, number] | null;
  elementwiseAffine: boolean;
  mlpHiddenDim: number;
  outChannels: number;
  seed: number;
}

const COMMON = ['variant', 'inChannels', 'hiddenChannels', 'numLayers', 'numIteration'];
const SHARED = ['paddingMode', 'bias', 'useRes', 'seed'];
const ONLY: Record<MgNOVariant, string[]> = {
  dc: ['lastLayer', 'pointwise'],
  ns: ['gridSize', 'elementwiseAffine', 'mlpHiddenDim', 'outputDim'],
};
const PADDING: readonly MgPaddingMode[] = ['zeros', 'circular', 'reflect'];

function int(op: string, name: string, v: unknown, min: number): number {
  if (!Number.isInteger(v) || (v as number) < min)
    throw new WgnoError(op, `${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v as number;
}

function oneOf<T>(op: string, name: string, v: unknown, valid: readonly T[]): T {
  if (!valid.includes(v as T))
    throw new WgnoError(
      op,
      `${name} ${JSON.stringify(v)} is not valid; use ${valid.map((x) => JSON.stringify(x)).join(', ')}`,
    );
  return v as T;
}

function checkKeys(op: string, cfg: MgNOConfig, variant: MgNOVariant): void {
  const other: MgNOVariant = variant === 'dc' ? 'ns' : 'dc';
  for (const k of Object.keys(cfg)) {
    if (ONLY[other].includes(k))
      throw new WgnoError(op, `'${k}' is an option of variant '${other}', not '${variant}'`);
    if (![...COMMON, ...SHARED, ...ONLY[variant]].includes(k))
      throw new WgnoError(
        op,
        `unknown config key '${k}'; valid keys: ${[...COMMON, ...SHARED, ...ONLY.dc, ...ONLY.ns].join(', ')}`,
      );
  }
}

function checkIterations(op: string, its: unknown): [number, number][] {
  if (!Array.isArray(its) || its.length === 0)
    throw new WgnoError(
      op,
      `numIteration must list [pre, post] per level, got ${JSON.stringify(its)}`,
    );
  return its.map((p: unknown, l) => {
    if (!Array.isArray(p) || p.length !== 2)
      throw new WgnoError(op, `numIteration[${l}] must be [pre, post], got ${JSON.stringify(p)}`);
    const pre = int(op, `numIteration[${l}][0] (pre-smoothing)`, p[0], l === 0 ? 1 : 0);
    return [pre, int(op, `numIteration[${l}][1] (post-smoothing)`, p[1], 0)];
  });
}

function checkGrid(op: string, grid: unknown, levels: number): [number, number] {
  if (!Array.isArray(grid) || grid.length !== 2)
    throw new WgnoError(op, `gridSize must be [H, W], got ${JSON.stringify(grid)}`);
  const g = grid.map((n, a) => int(op, `gridSize[${a}]`, n, 1)) as [number, number];
  checkGridLevels(op, 'gridSize', g, levels, 'zeros');
  return g;
}

/**
 * Every level halves H and W, so they must be divisible by 2^(levels - 1); reflect padding also
 * needs 2 points on the coarsest level (it mirrors without the edge).
 */
export function checkGridLevels(
  op: string,
  what: string,
  [h, w]: readonly number[],
  levels: number,
  mode: MgPaddingMode,
): void {
  const f = 2 ** (levels - 1);
  if (h % f !== 0 || w % f !== 0)
    throw new WgnoError(
      op,
      `${what} ${h} x ${w} is not divisible by 2^(levels - 1) = ${f}: ${levels} levels halve it ${levels - 1} times; use fewer levels (numIteration) or a grid divisible by ${f}`,
    );
  if (mode === 'reflect' && (h / f < 2 || w / f < 2))
    throw new WgnoError(
      op,
      `${what} ${h} x ${w} has a ${h / f} x ${w / f} coarsest level with ${levels} levels; reflect padding needs at least 2 x 2 there: use fewer levels`,
    );
}

/** The checked configuration; every error names the field and what would be valid. */
export function resolveMgNO(op: string, cfg: MgNOConfig): ResolvedMgNO {
  requireConfig(op, cfg, ['inChannels', 'hiddenChannels', 'numLayers', 'numIteration']);
  const variant = oneOf<MgNOVariant>(op, 'variant', cfg.variant ?? 'dc', ['dc', 'ns']);
  checkKeys(op, cfg, variant);
  const numIteration = checkIterations(op, cfg.numIteration);
  const ns = variant === 'ns';
  const affine = cfg.elementwiseAffine ?? true;
  const mlp = int(op, 'mlpHiddenDim', cfg.mlpHiddenDim ?? 0, 0);
  if (cfg.outputDim !== undefined && mlp === 0)
    throw new WgnoError(
      op,
      'outputDim needs mlpHiddenDim > 0 (the 1x1 head has one output channel)',
    );
  const r: ResolvedMgNO = {
    variant,
    inChannels: int(op, 'inChannels', cfg.inChannels, 1),
    hiddenChannels: int(op, 'hiddenChannels', cfg.hiddenChannels, 1),
    numLayers: int(op, 'numLayers', cfg.numLayers, 1),
    numIteration,
    paddingMode: oneOf(op, 'paddingMode', cfg.paddingMode ?? (ns ? 'circular' : 'zeros'), PADDING),
    bias: oneOf(op, 'bias', cfg.bias ?? false, [true, false]),
    useRes: oneOf(op, 'useRes', cfg.useRes ?? false, [true, false]),
    lastLayer: oneOf(op, 'lastLayer', cfg.lastLayer ?? 'conv', ['conv', 'linear'] as const),
    pointwise: oneOf(op, 'pointwise', cfg.pointwise ?? true, [true, false]),
    gridSize: ns && affine ? checkGrid(op, cfg.gridSize, numIteration.length) : null,
    elementwiseAffine: oneOf(op, 'elementwiseAffine', affine, [true, false]),
    mlpHiddenDim: mlp,
    outChannels: ns && mlp > 0 ? int(op, 'outputDim', cfg.outputDim ?? 1, 1) : 1,
    seed: cfg.seed ?? 0,
  };
  if (ns && r.outChannels !== r.inChannels && r.outChannels !== 1 && r.inChannels !== 1)
    throw new WgnoError(
      op,
      `the 'ns' variant adds its input to its output: ${r.outChannels} output channels and inChannels ${r.inChannels} must be equal (or one of them 1)`,
    );
  return r;
}
