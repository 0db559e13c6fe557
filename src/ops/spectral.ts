/**
 * The spectral multiply of a Fourier layer (REFERENCE.md "SpectralConv") and its weight gradient.
 *
 * Conventions (neuraloperator 2.x): the spectrum x is complex64 [B, C, n_1, ..., n_{d-1}, M], full
 * and unshifted along the non-last axes, M half-spectrum bins along the last (M may be pruned below
 * n_d / 2 + 1). The weight is complex64 [Cin, Cout, k_1, ..., k_d]; along a non-last axis its index j
 * holds frequency j - floor(k/2) (a centred window: -6..5 for k = 12), found in the spectrum at
 * (freq mod n); along the last axis j holds frequency j. Outside that window the product is 0.
 * Complex gradients follow PyTorch (the gradient of a real loss with respect to z is
 * dL/d re z + i dL/d im z, what a descent step subtracts), so:
 *   y = spectral_mul(x, w):          dx = spectral_mul(g, w, adjoint),  dw = spectral_wgrad(x, g)
 *   y = spectral_mul(x, w, adjoint): dx = spectral_mul(g, w),           dw = spectral_wgrad(g, x)
 *   W = spectral_wgrad(a, b):        da = spectral_mul(b, G, adjoint),  db = spectral_mul(a, G)
 */
import { apply } from '../graph/apply';
import { numel } from '../graph/shape';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import mulSource from '../../kernels/spectral_mul.wgsl?raw';
import wgradSource from '../../kernels/spectral_wgrad.wgsl?raw';
import type { OpDef } from '../graph/op';
import { registerOp, type OpAttrs } from '../graph/registry';
import { axisFields, last, mulGeometry, wgradGeometry, windowRows } from './spectral_window';

type MulAttrs = OpAttrs['spectral_mul'];
type WgradAttrs = OpAttrs['spectral_wgrad'];

/** Threads per workgroup of both kernels: window mode counts are small (12 x 7 = 84 in 2-D). */
const SPECTRAL_WG = 64;
/** Register tiles: the WGSL constants TB, TO of spectral_mul.wgsl and TI, TJ of spectral_wgrad.wgsl. */
const SPECTRAL_TB = 2;
const SPECTRAL_TO = 4;
const SPECTRAL_WGRAD_TILE = 4;

/** At most 2 non-last spatial axes (d <= 3); one vec4 slot each for n and k. */
export const spectralParams = new UniformLayout('SpectralParams', {
  batch: 'u32',
  c_red: 'u32',
  c_out: 'u32',
  kept: 'u32',
  rank: 'u32',
  m_in: 'u32',
  m_out: 'u32',
  k_last: 'u32',
  w_red: 'u32',
  w_out: 'u32',
  w_im_sign: 'f32',
  o_tiles: 'u32',
  rows: 'u32',
  compute_groups: 'u32',
  fill_total: 'u32',
  member_batch: 'u32',
  b_tiles: 'u32',
  w_member: 'u32',
  n: { vec4: 'u32', length: 4 },
  k: { vec4: 'u32', length: 4 },
});
export const spectralWgradParams = new UniformLayout('SpectralWgradParams', {
  batch: 'u32',
  c_a: 'u32',
  c_g: 'u32',
  kept: 'u32',
  rank: 'u32',
  m_a: 'u32',
  m_g: 'u32',
  k_last: 'u32',
  rows: 'u32',
  j_tiles: 'u32',
  i_tiles: 'u32',
  member_batch: 'u32',
  n: { vec4: 'u32', length: 4 },
  k: { vec4: 'u32', length: 4 },
});
const storage = ['read', 'read', 'read_write'] as const;
const mulKernel = defineKernel({
  name: 'spectral_mul',
  source: mulSource,
  params: spectralParams,
  constants: { TB: SPECTRAL_TB, TO: SPECTRAL_TO },
  storage,
});
const wgradKernel = defineKernel({
  name: 'spectral_wgrad',
  source: wgradSource,
  params: spectralWgradParams,
  constants: { TI: SPECTRAL_WGRAD_TILE, TJ: SPECTRAL_WGRAD_TILE },
  storage,
});

export const spectralMulDef: OpDef<MulAttrs> = {
  name: 'spectral_mul',
  infer(inputs, attrs) {
    const { batch, cOut } = mulGeometry(inputs, attrs);
    return {
      shape: [batch, cOut, ...inputs[0].shape.slice(2, -1), attrs.outLast],
      dtype: 'complex64',
    };
  },
  lower({ inputs, attrs }) {
    const g = mulGeometry(inputs, attrs);
    const { win, batch, cRed, cOut, mIn, wRed, wOut } = g;
    const oTiles = Math.ceil(cOut / SPECTRAL_TO);
    // Batch tiles never straddle two members, so a tile reads one member's weight.
    const bTiles = Math.ceil(g.memberBatch / SPECTRAL_TB);
    const tiles = oTiles * bTiles * g.members;
    const computeGroups = Math.ceil((win.kept * tiles) / SPECTRAL_WG);
    const fillTotal = batch * cOut * win.rows * attrs.outLast;
    const groups = computeGroups + Math.ceil(fillTotal / SPECTRAL_WG);
    const params = {
      ...axisFields(win),
      batch,
      c_red: cRed,
      c_out: cOut,
      m_in: mIn,
      m_out: attrs.outLast,
      w_red: wRed,
      w_out: wOut,
      w_im_sign: attrs.adjoint ? -1 : 1,
      o_tiles: oTiles,
      compute_groups: computeGroups,
      fill_total: fillTotal,
      member_batch: g.memberBatch,
      b_tiles: bTiles,
      w_member: g.wMember,
    };
    const bindings = [{ input: 0 }, { input: 1 }, { output: true as const }];
    const grid = grid1d(groups * SPECTRAL_WG, SPECTRAL_WG);
    // Only kept modes are read: per mode and TB x TO tile, TB values of x and TO of w for each
    // reduced channel; the whole output is written once (products, then zeros outside).
    const cost = {
      read: 8 * win.kept * tiles * cRed * (SPECTRAL_TB + SPECTRAL_TO),
      write: 8 * fillTotal,
      flops: 8 * win.kept * batch * cOut * cRed,
    };
    return {
      dispatches: [
        { kernel: mulKernel, overrides: { WG: SPECTRAL_WG }, params, bindings, grid, cost },
      ],
    };
  },
  vjp({ g, inputs: [x, w], attrs: { adjoint }, needs }) {
    const pop = w.shape.length === x.shape.length + 1;
    const modes = w.shape.slice(pop ? 3 : 2);
    const population = pop ? w.shape[0] : undefined;
    const outLast = last(x.shape);
    return [
      needs[0] ? spectralMul(g, w, { adjoint: !adjoint, outLast }) : null,
      needs[1]
        ? adjoint
          ? spectralWgrad(g, x, modes, population)
          : spectralWgrad(x, g, modes, population)
        : null,
    ];
  },
  reference([x, w], specs, attrs, out) {
    const { win, batch, cRed, cOut, mIn, wRed, wOut, memberBatch, wMember } = mulGeometry(
      specs,
      attrs,
    );
    const rows = windowRows(win);
    const kLast = last(win.k);
    const mOut = attrs.outLast;
    const sign = attrs.adjoint ? -1 : 1;
    const y = new Float64Array(2 * numel(out.shape));
    for (let b = 0; b < batch; b++)
      for (let o = 0; o < cOut; o++)
        rows.forEach((row, m) => {
          let [re, im] = [0, 0];
          for (let r = 0; r < cRed; r++) {
            const xi = 2 * ((b * cRed + r) * win.rows * mIn + row * mIn + (m % kLast));
            const wi = 2 * (Math.floor(b / memberBatch) * wMember + r * wRed + o * wOut + m);
            const [wr, wm] = [w[wi], sign * w[wi + 1]];
            re += x[xi] * wr - x[xi + 1] * wm;
            im += x[xi] * wm + x[xi + 1] * wr;
          }
          const yi = 2 * ((b * cOut + o) * win.rows * mOut + row * mOut + (m % kLast));
          [y[yi], y[yi + 1]] = [re, im];
        });
    return y;
  },
};

export const spectralWgradDef: OpDef<WgradAttrs> = {
  name: 'spectral_wgrad',
  infer([a, b], attrs) {
    wgradGeometry([a, b], attrs);
    const shape = [a.shape[1], b.shape[1], ...attrs.modes];
    const P = attrs.population;
    return { shape: P === undefined ? shape : [P, ...shape], dtype: 'complex64' };
  },
  lower({ inputs: [a, b], attrs }) {
    const win = wgradGeometry([a, b], attrs);
    const P = attrs.population ?? 1;
    const jTiles = Math.ceil(b.shape[1] / SPECTRAL_WGRAD_TILE);
    const iTiles = Math.ceil(a.shape[1] / SPECTRAL_WGRAD_TILE);
    const threads = win.kept * jTiles * iTiles * P;
    const params = {
      ...axisFields(win),
      batch: a.shape[0],
      c_a: a.shape[1],
      c_g: b.shape[1],
      m_a: last(a.shape),
      m_g: last(b.shape),
      j_tiles: jTiles,
      i_tiles: iTiles,
      member_batch: a.shape[0] / P,
    };
    const bindings = [{ input: 0 }, { input: 1 }, { output: true as const }];
    const grid = grid1d(threads, SPECTRAL_WG);
    // Only kept modes are read: per mode and TI x TJ channel tile, TI values of a and TJ of b
    // for each batch entry.
    const [batch, cA, cB] = [a.shape[0], a.shape[1], b.shape[1]];
    const cost = {
      read: 8 * threads * (batch / P) * 2 * SPECTRAL_WGRAD_TILE,
      write: 8 * win.kept * cA * cB * P,
      flops: 8 * win.kept * batch * cA * cB,
    };
    return {
      dispatches: [
        { kernel: wgradKernel, overrides: { WG: SPECTRAL_WG }, params, bindings, grid, cost },
      ],
    };
  },
  vjp({ g, inputs: [a, b], needs }) {
    // With a population, g is [P, Cin, Cout, ...]: spectral_mul reads it as P weights.
    return [
      needs[0] ? spectralMul(b, g, { adjoint: true, outLast: last(a.shape) }) : null,
      needs[1] ? spectralMul(a, g, { outLast: last(b.shape) }) : null,
    ];
  },
  reference([a, b], specs, attrs, out) {
    const win = wgradGeometry(specs, attrs);
    const [batch, cA] = specs[0].shape;
    const cB = specs[1].shape[1];
    const [mA, mB] = [last(specs[0].shape), last(specs[1].shape)];
    const memberBatch = batch / (attrs.population ?? 1);
    const kLast = last(win.k);
    const y = new Float64Array(2 * numel(out.shape));
    windowRows(win).forEach((row, m) => {
      const jl = m % kLast;
      for (let i = 0; i < cA; i++)
        for (let o = 0; o < cB; o++) {
          for (let p = 0; p < batch / memberBatch; p++) {
            let [re, im] = [0, 0];
            for (let s = p * memberBatch; s < (p + 1) * memberBatch; s++) {
              const ai = 2 * ((s * cA + i) * win.rows * mA + row * mA + jl);
              const bi = 2 * ((s * cB + o) * win.rows * mB + row * mB + jl);
              re += a[ai] * b[bi] + a[ai + 1] * b[bi + 1];
              im += a[ai] * b[bi + 1] - a[ai + 1] * b[bi];
            }
            const yi = 2 * (((p * cA + i) * cB + o) * win.kept + m);
            [y[yi], y[yi + 1]] = [re, im];
          }
        }
    });
    return y;
  },
};

/**
 * The contraction of a Fourier layer on the kept modes, zero elsewhere:
 * out[b, o, f] = sum_i x[b, i, f] * w[i, o, window(f)], out [B, Cout, n_1, ..., n_{d-1}, outLast].
 * With `adjoint`, out[b, i, f] = sum_o x[b, o, f] * conj(w[i, o, window(f)]) (the x-gradient).
 * A population weight [P, Cin, Cout, k_1, ..., k_d] splits x's batch into P equal groups, group
 * p contracted with w[p] (P FNO members' spectra stacked along the batch, in one dispatch).
 *
 * @example
 * // x = rfft spectrum [B, Cin, 64, 33], w [Cin, Cout, 12, 7]: modes -6..5 along axis 2, 0..6 along 3
 * const y = spectralMul(x, w); // [B, Cout, 64, 33]
 * const yPruned = spectralMul(x, w, { outLast: 7 }); // [B, Cout, 64, 7] for a pruned inverse
 */
export function spectralMul(
  x: Tensor,
  w: Tensor,
  { adjoint = false, outLast = last(x.shape) }: { adjoint?: boolean; outLast?: number } = {},
): Tensor {
  return apply('spectral_mul', [x, w], { adjoint, outLast });
}

/**
 * Weight gradient of spectral_mul: dw[i, o, j] = sum_b conj(a[b, i, f(j)]) * b[b, o, f(j)] over the
 * window `modes` (the weight's trailing shape), in PyTorch's convention for complex gradients.
 * With `population` P (a population weight's gradient) the batch is P groups of B / P entries and
 * the result [P, Cin, Cout, ...modes] holds one sum per group.
 *
 * @example
 * const dw = spectralWgrad(x, g, [12, 7]); // x [B, Cin, 64, 33], g [B, Cout, 64, 33] -> [Cin, Cout, 12, 7]
 */
export function spectralWgrad(
  a: Tensor,
  b: Tensor,
  modes: readonly number[],
  population?: number,
): Tensor {
  return apply('spectral_wgrad', [a, b], { modes: [...modes], population });
}

declare module '../graph/registry' {
  interface OpAttrs {
    /** Fourier-layer contraction on the kept modes (adjoint: with conj(w), channels swapped). */
    spectral_mul: { readonly adjoint: boolean; readonly outLast: number };
    /** Its weight gradient over a window of `modes` (the weight's trailing shape). */
    spectral_wgrad: { readonly modes: readonly number[]; readonly population?: number };
  }
}

registerOp('spectral_mul', spectralMulDef);
registerOp('spectral_wgrad', spectralWgradDef);
