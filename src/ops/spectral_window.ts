/**
 * The window geometry of spectral_mul and spectral_wgrad (see spectral.ts for the conventions):
 * which modes of a spectrum a weight's centred window covers, and the channel and stride layout
 * both kernels' uniforms are filled from. Shape checks throw WgnoErrors naming the op.
 */
import { WgnoError, fmtShape } from '../errors';
import { numel, type Shape, type TensorSpec } from '../graph/shape';
import type { OpAttrs } from '../graph/registry';

type MulAttrs = OpAttrs['spectral_mul'];
type WgradAttrs = OpAttrs['spectral_wgrad'];

/** The kept window over a spectrum's spatial axes. */
export interface Window {
  /** Full sizes of the non-last spatial axes. */
  n: number[];
  /** Window sizes of all d spatial axes (the weight's trailing shape). */
  k: number[];
  /** Number of window modes, prod(k). */
  kept: number;
  /** prod(n): rows of the spectrum, one per non-last position. */
  rows: number;
}

export function requireComplex(op: string, named: [string, TensorSpec][]): void {
  for (const [name, s] of named) {
    if (s.dtype !== 'complex64')
      throw new WgnoError(
        op,
        `${name} ${fmtShape(s.shape)} has dtype ${s.dtype}; ${op} takes complex64 (interleaved re, im)`,
      );
  }
}

/** Check spectrum `x` can hold window `k` (k_a <= n_a, k_d <= M) and return the window. */
export function windowOf(op: string, x: Shape, k: readonly number[], show: string): Window {
  const d = x.length - 2;
  if (d < 1 || d > 3)
    throw new WgnoError(op, `${show}: expected [B, C, n_1, ..., n_d] with d = 1, 2 or 3`);
  if (k.length !== d || !k.every((v) => Number.isInteger(v) && v >= 1))
    throw new WgnoError(
      op,
      `${show}: need ${d} window sizes (integers >= 1), got [${k.join(', ')}]`,
    );
  k.forEach((ka, a) => {
    const have = x[a + 2];
    const what = a === d - 1 ? 'half-spectrum bins' : 'frequencies';
    if (ka > have)
      throw new WgnoError(
        op,
        `${ka} modes along axis ${a + 2} need at least ${ka} ${what}; the input has ${have} (${show})`,
      );
  });
  const n = x.slice(2, -1);
  return { n, k: [...k], kept: numel(k), rows: numel(n) };
}

/**
 * Geometry of spectral_mul: channels reduced (c_red) and produced (c_out), weight strides. A
 * weight one rank above x, [P, Cin, Cout, k_1, ..., k_d], is a population of P weights: x's batch
 * is P groups of B / P entries, group p contracted with weight p.
 */
export function mulGeometry([x, w]: readonly TensorSpec[], { adjoint, outLast }: MulAttrs) {
  const show = `x ${fmtShape(x.shape)}, w ${fmtShape(w.shape)}${adjoint ? ' (adjoint)' : ''}`;
  requireComplex('spectral_mul', [
    ['x', x],
    ['w', w],
  ]);
  const off = w.shape.length === x.shape.length + 1 ? 1 : 0; // the population axis
  const members = off ? w.shape[0] : 1;
  const ws = w.shape.slice(off);
  if (ws.length !== x.shape.length)
    throw new WgnoError(
      'spectral_mul',
      `${show}: w must be [Cin, Cout, k_1, ..., k_d], x's rank (or [P, Cin, Cout, ...] for a population)`,
    );
  if (x.shape[0] % members !== 0)
    throw new WgnoError(
      'spectral_mul',
      `${show}: a population of ${members} weights needs x's batch ${x.shape[0]} to be a multiple of ${members}`,
    );
  const win = windowOf('spectral_mul', x.shape, ws.slice(2), show);
  const [cIn, cOut] = ws;
  const [cRed, cRes] = adjoint ? [cOut, cIn] : [cIn, cOut];
  if (x.shape[1] !== cRed)
    throw new WgnoError(
      'spectral_mul',
      `${show}: x has ${x.shape[1]} channels but w expects ${cRed} (w's ${adjoint ? 'Cout' : 'Cin'}, dim ${(adjoint ? 1 : 0) + off})`,
    );
  const kLast = win.k[win.k.length - 1];
  if (!Number.isInteger(outLast) || outLast < kLast)
    throw new WgnoError(
      'spectral_mul',
      `${show}: outLast ${outLast} cannot hold the ${kLast} kept last-axis modes; it must be an integer >= ${kLast}`,
    );
  const wRed = adjoint ? win.kept : cOut * win.kept;
  const wOut = adjoint ? cOut * win.kept : win.kept;
  const batch = x.shape[0];
  return {
    win,
    batch,
    cRed,
    cOut: cRes,
    mIn: x.shape[x.shape.length - 1],
    wRed,
    wOut,
    members,
    memberBatch: batch / members,
    wMember: cIn * cOut * win.kept,
  };
}

/**
 * Geometry of spectral_wgrad(a, b): both spectra share batch and the full non-last axes. With
 * `population` P > 1 the batch is P groups, each summed into its own weight gradient.
 */
export function wgradGeometry([a, b]: readonly TensorSpec[], { modes, population }: WgradAttrs) {
  const P = population ?? 1;
  const show = `a ${fmtShape(a.shape)}, b ${fmtShape(b.shape)}, modes [${modes.join(', ')}]${P > 1 ? `, population ${P}` : ''}`;
  if (!Number.isInteger(P) || P < 1 || a.shape[0] % P !== 0)
    throw new WgnoError(
      'spectral_wgrad',
      `${show}: population must be an integer >= 1 that divides the batch ${a.shape[0]}`,
    );
  requireComplex('spectral_wgrad', [
    ['a', a],
    ['b', b],
  ]);
  const same = a.shape.length === b.shape.length && a.shape[0] === b.shape[0];
  if (!same || a.shape.slice(2, -1).some((v, i) => v !== b.shape[i + 2]))
    throw new WgnoError(
      'spectral_wgrad',
      `${show}: a and b must agree in rank, batch and every spatial axis but the last`,
    );
  windowOf('spectral_wgrad', b.shape, modes, show);
  return windowOf('spectral_wgrad', a.shape, modes, show);
}

/** The row (offset over the non-last axes) of each window mode, modes row-major over k. */
export function windowRows(win: Window): number[] {
  const kLast = win.k[win.k.length - 1];
  const rows: number[] = [];
  for (let m = 0; m < win.kept; m++) {
    let rem = Math.floor(m / kLast);
    let row = 0;
    let scale = 1;
    for (let a = win.n.length - 1; a >= 0; a--) {
      const [n, k] = [win.n[a], win.k[a]];
      const j = rem % k;
      rem = Math.floor(rem / k);
      row += ((j - Math.floor(k / 2) + n) % n) * scale;
      scale *= n;
    }
    rows.push(row);
  }
  return rows;
}

export const last = (s: Shape): number => s[s.length - 1];
/** n (vec4 slots) and k of the non-last axes, and the common uniform fields of both kernels. */
export const axisFields = (win: Window) => ({
  rank: win.n.length,
  n: win.n,
  k: win.k.slice(0, -1),
  kept: win.kept,
  k_last: last(win.k),
  rows: win.rows,
});
