/**
 * The non-FFT steps of the FNO paper's Navier-Stokes solver (kernels/ns.wgsl; the solver is
 * navier_stokes.ts): spectral derivatives, the advection product and the Crank-Nicolson update.
 * Data-generation ops: they have float64 references but no gradient. Domain ops, so they live
 * here rather than in src/ops/, and register when this module loads (navier_stokes.ts imports it).
 */
import { WgnoError, fmtShape } from '../errors';
import { registerOp, type NoAttrs } from '../graph/registry';
import { numel, type TensorSpec } from '../graph/shape';
import { apply } from '../graph/apply';
import type { Tensor } from '../graph/tensor';
import { defineKernel, grid1d } from '../gpu/kernel';
import { UniformLayout } from '../gpu/uniforms';
import source from '../../kernels/ns.wgsl?raw';
import type { OpDef } from '../graph/op';

/**
 * Where the 2/3 rule is applied: 'nonlinear' masks the nonlinear term only (the FNO paper's 2020
 * data-generation script, ns_2d.py); 'state' also masks the new state after every step, so modes
 * beyond (2/3)(n/2) are zero from the first step on (instead of decaying viscously).
 */
export type NsDealiasing = 'nonlinear' | 'state';
export const NS_DEALIASING: readonly NsDealiasing[] = ['nonlinear', 'state'];

export interface NsCnAttrs {
  readonly dt: number;
  readonly nu: number;
  /** Default 'nonlinear'. */
  readonly dealias?: NsDealiasing;
}

const nsParams = new UniformLayout('NsParams', {
  batch: 'u32',
  n: 'u32',
  m: 'u32',
  dt: 'f32',
  nu: 'f32',
  /** 1: dealias the new state too (NsDealiasing 'state'). */
  mask_state: 'u32',
});
const entry = (name: string, storage: ('read' | 'read_write')[]) =>
  defineKernel({ name: 'ns', entry: name, source, params: nsParams, storage });
const K = {
  derivs: entry('derivs', ['read', 'read_write']),
  advect: entry('advect', ['read', 'read_write']),
  cn: entry('cn', ['read', 'read_write', 'read', 'read']),
};

/** [B, n, n/2 + 1] complex64 with n even: a batch of half spectra of n x n fields. */
function halfSpectrum(op: string, x: TensorSpec, what: string): { batch: number; n: number } {
  const [batch, n, m] = x.shape;
  if (x.dtype !== 'complex64' || x.shape.length !== 3 || n % 2 !== 0 || m !== n / 2 + 1)
    throw new WgnoError(
      op,
      `${what} is ${x.dtype} ${fmtShape(x.shape)}; expected complex64 [batch, n, n/2 + 1] with n even`,
    );
  return { batch, n };
}

const noGrad = (op: string) => (): never => {
  throw new WgnoError(op, 'has no gradient (a solver step, not a model op)');
};

/**
 * The per-bin rules of kernels/ns.wgsl, the one TypeScript statement of them (the references here
 * and the reference solver's tables, src/pde/ns_reference.ts, use these).
 * k_x, k_y of half-spectrum bin (i, j), as the paper's code (Nyquist bins are -n/2).
 */
export function nsWavenumber(n: number, i: number, j: number): [number, number] {
  return [2 * i >= n ? i - n : i, 2 * j === n ? -n / 2 : j];
}
/** 4 pi^2 (k_x^2 + k_y^2), and 1 at k = 0 so that psi_h = w_h / lap is finite. */
export const nsLaplacian = (kx: number, ky: number): number =>
  kx === 0 && ky === 0 ? 1 : 4 * Math.PI * Math.PI * (kx * kx + ky * ky);
/** 2/3-rule dealiasing: 1 where |k_x|, |k_y| <= (2/3)(n/2), compared exactly in integers. */
export const nsDealias = (n: number, kx: number, ky: number): number =>
  3 * Math.abs(kx) <= n && 3 * Math.abs(ky) <= n ? 1 : 0;

/** The solver state: [B, 2, n, n/2 + 1] complex64, planes hi and lo with w_h = hi + lo. */
function compensatedState(op: string, x: TensorSpec): { batch: number; n: number } {
  const [batch, two, n, m] = x.shape;
  if (
    x.dtype !== 'complex64' ||
    x.shape.length !== 4 ||
    two !== 2 ||
    n % 2 !== 0 ||
    m !== n / 2 + 1
  )
    throw new WgnoError(
      op,
      `state is ${x.dtype} ${fmtShape(x.shape)}; expected complex64 [batch, 2, n, n/2 + 1] (planes hi, lo) with n even`,
    );
  return { batch, n };
}

export const nsDerivsDef: OpDef<NoAttrs> = {
  name: 'ns_derivs',
  infer([w]) {
    const { batch, n } = compensatedState('ns_derivs', w);
    return { shape: [batch, 4, n, n / 2 + 1], dtype: 'complex64' };
  },
  lower({ inputs: [w] }) {
    const [batch, , n, m] = w.shape;
    return {
      dispatches: [
        {
          kernel: K.derivs,
          params: { batch, n, m, dt: 0, nu: 0, mask_state: 0 },
          bindings: [{ input: 0 }, { output: true }],
          grid: grid1d(batch * n * m),
        },
      ],
    };
  },
  vjp: noGrad('ns_derivs'),
  // From hi alone, as the kernel: lo would change the result by about 2^-24 of itself.
  reference([w], [s]) {
    const [batch, , n, m] = s.shape;
    const plane = n * m;
    const out = new Float64Array(2 * batch * 4 * plane);
    for (let t = 0; t < batch * plane; t++) {
      const bin = t % plane;
      const [kx, ky] = nsWavenumber(n, Math.floor(bin / m), bin % m);
      const hi = 2 * ((t - bin) * 2 + bin);
      const [re, im] = [w[hi], w[hi + 1]];
      const lap = nsLaplacian(kx, ky);
      const base = Math.floor(t / plane) * 4 * plane + bin;
      // i s (re + i im) = (-s im, s re)
      const put = (q: number, sc: number, r: number, i: number) => {
        out[2 * (base + q * plane)] = -sc * i;
        out[2 * (base + q * plane) + 1] = sc * r;
      };
      put(0, (2 * Math.PI * ky) / lap, re, im);
      put(1, (-2 * Math.PI * kx) / lap, re, im);
      put(2, 2 * Math.PI * kx, re, im);
      put(3, 2 * Math.PI * ky, re, im);
    }
    return out;
  },
};

export const nsAdvectDef: OpDef<NoAttrs> = {
  name: 'ns_advect',
  infer([f]) {
    const [batch, four, n, n2] = f.shape;
    if (f.dtype !== 'f32' || f.shape.length !== 4 || four !== 4 || n !== n2)
      throw new WgnoError(
        'ns_advect',
        `fields are ${f.dtype} ${fmtShape(f.shape)}; expected f32 [batch, 4, n, n] (q, v, w_x, w_y)`,
      );
    return { shape: [batch, n, n], dtype: 'f32' };
  },
  lower({ inputs: [f], out }) {
    const [batch, , n] = f.shape;
    return {
      dispatches: [
        {
          kernel: K.advect,
          params: { batch, n, m: n / 2 + 1, dt: 0, nu: 0, mask_state: 0 },
          bindings: [{ input: 0 }, { output: true }],
          grid: grid1d(numel(out.shape)),
        },
      ],
    };
  },
  vjp: noGrad('ns_advect'),
  reference([f], [s]) {
    const [batch, , n] = s.shape;
    const plane = n * n;
    const out = new Float64Array(batch * plane);
    for (let t = 0; t < out.length; t++) {
      const base = Math.floor(t / plane) * 4 * plane + (t % plane);
      out[t] = f[base] * f[base + 2 * plane] + f[base + plane] * f[base + 3 * plane];
    }
    return out;
  },
};

export const nsCnDef: OpDef<NsCnAttrs> = {
  name: 'ns_cn',
  infer([w, f, force], { dt, nu, dealias = 'nonlinear' }) {
    const { batch, n } = compensatedState('ns_cn', w);
    const fs = halfSpectrum('ns_cn', f, 'F_h');
    const want = [n, n / 2 + 1];
    if (fs.batch !== batch || fs.n !== n)
      throw new WgnoError(
        'ns_cn',
        `F_h ${fmtShape(f.shape)} must be [batch, n, n/2 + 1] of the state ${fmtShape(w.shape)}`,
      );
    if (force.dtype !== 'complex64' || force.shape.join() !== want.join())
      throw new WgnoError(
        'ns_cn',
        `forcing f_h is ${force.dtype} ${fmtShape(force.shape)}; expected complex64 ${fmtShape(want)}`,
      );
    if (!(dt > 0 && Number.isFinite(dt)) || !(nu >= 0 && Number.isFinite(nu)))
      throw new WgnoError('ns_cn', `dt = ${dt}, nu = ${nu}; need dt > 0 and nu >= 0, finite`);
    if (!NS_DEALIASING.includes(dealias))
      throw new WgnoError(
        'ns_cn',
        `dealias = ${String(dealias)}; valid: ${NS_DEALIASING.join(', ')}`,
      );
    return { shape: w.shape, dtype: 'complex64' };
  },
  lower({ inputs: [, f], attrs: { dt, nu, dealias } }) {
    const [batch, n, m] = f.shape;
    const mask_state = dealias === 'state' ? 1 : 0;
    return {
      dispatches: [
        {
          kernel: K.cn,
          params: { batch, n, m, dt, nu, mask_state },
          bindings: [{ input: 0 }, { output: true }, { input: 1 }, { input: 2 }],
          grid: grid1d(numel(f.shape)),
        },
      ],
    };
  },
  vjp: noGrad('ns_cn'),
  // In float64: w_h' from w_h = hi + lo, returned as the f32 pair nearest it (hi' = f32(w_h')).
  reference([w, f, force], [, s], { dt, nu, dealias = 'nonlinear' }) {
    const [batch, n, m] = s.shape;
    const plane = n * m;
    const out = new Float64Array(4 * batch * plane);
    for (let t = 0; t < batch * plane; t++) {
      const bin = t % plane;
      const [kx, ky] = nsWavenumber(n, Math.floor(bin / m), bin % m);
      const keep = nsDealias(n, kx, ky);
      const h = 0.5 * dt * nu * nsLaplacian(kx, ky);
      const after = dealias === 'state' ? keep : 1;
      const hi = 2 * ((t - bin) * 2 + bin);
      for (let c = 0; c < 2; c++) {
        const wh = w[hi + c] + w[hi + 2 * plane + c];
        const next =
          after * ((-dt * keep * f[2 * t + c] + dt * force[2 * bin + c] + (1 - h) * wh) / (1 + h));
        out[hi + c] = Math.fround(next);
        out[hi + 2 * plane + c] = next - Math.fround(next);
      }
    }
    return out;
  },
};

/**
 * Spectral derivatives [B, 4, n, m] (psi_y, -psi_x, w_x, w_y) of the solver state [B, 2, n, m]
 * (from its hi plane).
 */
export const nsDerivs = (state: Tensor): Tensor => apply('ns_derivs', [state], {});
/** u . grad w from the 4 physical fields [B, 4, n, n]. */
export const nsAdvect = (fields: Tensor): Tensor => apply('ns_advect', [fields], {});
/**
 * One Crank-Nicolson step of the compensated state [B, 2, n, m] (w_h = hi + lo) given the
 * nonlinear term F_h [B, n, m] (dealiased here) and the forcing f_h [n, m]; returns the next
 * state. `dealias: 'state'` also dealiases the result.
 */
export const nsCn = (state: Tensor, fh: Tensor, forcing: Tensor, attrs: NsCnAttrs): Tensor =>
  apply('ns_cn', [state, fh, forcing], attrs);

declare module '../graph/registry' {
  interface OpAttrs {
    /** Navier-Stokes solver steps (ns_ops.ts): spectral derivatives, advection, Crank-Nicolson. */
    ns_derivs: NoAttrs;
    ns_advect: NoAttrs;
    ns_cn: NsCnAttrs;
  }
}

registerOp('ns_derivs', nsDerivsDef);
registerOp('ns_advect', nsAdvectDef);
registerOp('ns_cn', nsCnDef);
