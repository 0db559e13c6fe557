/**
 * The typed op registry. OpAttrs names every primitive op and its attributes; `registry` must hold
 * an OpDef for each, with shape rule, lowering, VJP and float64 reference: leaving any of them out
 * is a compile error, not a runtime surprise.
 */
import type { Shape } from '../graph/shape';
import { addDef, divDef, mulDef, powDef, subDef } from './binary';
import { concatDef } from './concat';
import * as cx from './complex';
import { fftDef, irfftDef, rfftDef, type FftAttrs, type IrfftAttrs, type RfftAttrs } from './fft';
import { fillDef, type FillAttrs } from './fill';
import { gatherRowsDef } from './gather_rows';
import { broadcastToDef, permuteDef, reshapeDef } from './layout';
import { matmulDef } from './matmul';
import { nsAdvectDef, nsCnDef, nsDerivsDef, type NsCnAttrs } from './ns';
import type { OpDef } from './op';
import { padDef, sliceDef } from './pad';
import { sumDef } from './reduce';
import { segmentSumDef } from './segment_sum';
import { spectralMulDef, spectralWgradDef } from './spectral';
import * as u from './unary';

type NoAttrs = Record<string, never>;

export interface OpAttrs {
  fill: FillAttrs;
  neg: NoAttrs;
  exp: NoAttrs;
  log: NoAttrs;
  sqrt: NoAttrs;
  square: NoAttrs;
  sin: NoAttrs;
  cos: NoAttrs;
  gelu: NoAttrs;
  tanh: NoAttrs;
  relu: NoAttrs;
  reciprocal: NoAttrs;
  step: NoAttrs;
  gelu_grad: NoAttrs;
  affine: u.AffineAttrs;
  pow_scalar: u.PowAttrs;
  add: NoAttrs;
  sub: NoAttrs;
  mul: NoAttrs;
  div: NoAttrs;
  pow: NoAttrs;
  /** Sum over `axes` (sorted, non-negative, unique); keepdim keeps them as size 1. */
  sum: { readonly axes: readonly number[]; readonly keepdim: boolean };
  /** Batched matmul [..., M, K] x [..., K, N]; trans flags read an operand transposed. */
  matmul: { readonly transA: boolean; readonly transB: boolean };
  /** Same elements, new shape (a view: no kernel). */
  reshape: { readonly shape: Shape };
  permute: { readonly perm: readonly number[] };
  broadcast_to: { readonly shape: Shape };
  /** Elements start..end-1 along one axis. */
  slice: { readonly axis: number; readonly start: number; readonly end: number };
  /** Zero padding of `before[i]`/`after[i]` entries on axis i. */
  pad: { readonly before: readonly number[]; readonly after: readonly number[] };
  concat: { readonly axis: number };
  /** Fourier-layer contraction on the kept modes (adjoint: with conj(w), channels swapped). */
  spectral_mul: { readonly adjoint: boolean; readonly outLast: number };
  /** Its weight gradient over a window of `modes` (the weight's trailing shape). */
  spectral_wgrad: { readonly modes: readonly number[] };
  /** Complex helpers (complex.ts): complex64 is interleaved (re, im) f32 pairs. */
  complex: NoAttrs;
  real: NoAttrs;
  imag: NoAttrs;
  conj: NoAttrs;
  cmul: NoAttrs;
  view_as_real: NoAttrs;
  view_as_complex: NoAttrs;
  /** FFTs (fft.ts): complex along any axis; real <-> half spectrum along the last axis. */
  fft: FftAttrs;
  rfft: RfftAttrs;
  irfft: IrfftAttrs;
  /** Navier-Stokes solver steps (ns.ts): spectral derivatives, advection, Crank-Nicolson. */
  ns_derivs: NoAttrs;
  ns_advect: NoAttrs;
  ns_cn: NsCnAttrs;
  /**
   * Message passing over a CSR relation (csr.ts; inputs 1..3 are i32 index, perm, splits):
   * gather_rows reads one row per edge, segment_sum adds each row's edges; each is the other's
   * transpose. mean: divide by the segment size (gather_rows: of the row it reads).
   */
  gather_rows: { readonly mean: boolean };
  segment_sum: { readonly mean: boolean };
}

export type OpName = keyof OpAttrs;

export type Registry = { readonly [K in OpName]: OpDef<OpAttrs[K]> };

let built: Registry | null = null;

/**
 * The definition of op `name`. Built on first use, not at module load: op modules import each
 * other (a VJP uses other ops), so the table may only be read once every module has run.
 */
export function opDef<K extends OpName>(name: K): OpDef<OpAttrs[K]> {
  built ??= build();
  return built[name];
}

const build = (): Registry => ({
  fill: fillDef,
  neg: u.negDef,
  exp: u.expDef,
  log: u.logDef,
  sqrt: u.sqrtDef,
  square: u.squareDef,
  sin: u.sinDef,
  cos: u.cosDef,
  gelu: u.geluDef,
  tanh: u.tanhDef,
  relu: u.reluDef,
  reciprocal: u.reciprocalDef,
  step: u.stepDef,
  gelu_grad: u.geluGradDef,
  affine: u.affineDef,
  pow_scalar: u.powScalarDef,
  add: addDef,
  sub: subDef,
  mul: mulDef,
  div: divDef,
  pow: powDef,
  sum: sumDef,
  matmul: matmulDef,
  reshape: reshapeDef,
  permute: permuteDef,
  broadcast_to: broadcastToDef,
  slice: sliceDef,
  pad: padDef,
  concat: concatDef,
  spectral_mul: spectralMulDef,
  spectral_wgrad: spectralWgradDef,
  complex: cx.complexDef,
  real: cx.realDef,
  imag: cx.imagDef,
  conj: cx.conjDef,
  cmul: cx.cmulDef,
  view_as_real: cx.viewAsRealDef,
  view_as_complex: cx.viewAsComplexDef,
  fft: fftDef,
  rfft: rfftDef,
  irfft: irfftDef,
  ns_derivs: nsDerivsDef,
  ns_advect: nsAdvectDef,
  ns_cn: nsCnDef,
  gather_rows: gatherRowsDef,
  segment_sum: segmentSumDef,
});
