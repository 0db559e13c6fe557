/**
 * Where the demo starts: an initial vorticity and the solver states that follow it, one per time
 * unit. A fresh random field has no states yet, so the FNO waits for tIn time units of solving; the
 * shipped history (models/ns2d-fno-32/history.safetensors, made by tools/make_demo_history.mjs with
 * wgno's own solver) carries states t = 1..10, so the FNO predicts from the first time unit.
 *
 * The history is solved at the model's grid (32 x 32); on another grid its fields are the same
 * trigonometric polynomials sampled there (spectral interpolation, exact for band-limited fields:
 * the solver's 2/3-rule dealiasing leaves no energy near the 32-grid's Nyquist frequency).
 */
import { WgnoError } from '../errors';
import { parseSafetensors } from '../io/safetensors';

/** An initial field and the solver's states at t = 1, 2, ..., records.length, each n x n. */
export interface Start {
  n: number;
  w0: Float32Array;
  records: Float32Array[];
}

/** A shipped history: its start at its own grid and the options it was solved with. */
export interface History extends Start {
  seed: number;
  dt: number;
}

/**
 * Fetches a history in `wgno ns-generate`'s layout (a [1, s, s] initial vorticity, u [1, s, s, T]
 * record k at time k + 1, `seed` and `dt` in the metadata).
 */
export async function loadHistory(url: string): Promise<History> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new WgnoError('mountNavierStokes', `could not fetch the history ${url}: ${String(e)}`);
  }
  if (!res.ok)
    throw new WgnoError('mountNavierStokes', `the history ${url} gave HTTP ${res.status}`);
  return parseHistory(new Uint8Array(await res.arrayBuffer()), url);
}

/** The History in a safetensors file's bytes; `name` is what errors call it. */
export function parseHistory(bytes: Uint8Array, name: string): History {
  const { tensors, metadata } = parseSafetensors(bytes);
  const a = tensors.get('a');
  const u = tensors.get('u');
  const [count, n, n1, T] = u?.shape ?? [];
  const seed = Number(metadata.seed);
  const dt = Number(metadata.dt);
  if (!a || !u || u.shape.length !== 4 || count !== 1 || n !== n1 || a.data.length !== n * n)
    throw new WgnoError(
      'mountNavierStokes',
      `history ${name}: need a [1, s, s] and u [1, s, s, T] (wgno ns-generate with --n 1), got ${describe(tensors)}`,
    );
  if (!Number.isInteger(seed) || !(dt > 0))
    throw new WgnoError(
      'mountNavierStokes',
      `history ${name}: metadata seed = ${metadata.seed}, dt = ${metadata.dt}; need an integer seed and dt > 0`,
    );
  const records = Array.from({ length: T }, (_, t) => {
    const f = new Float32Array(n * n);
    for (let p = 0; p < n * n; p++) f[p] = u.data[p * T + t];
    return f;
  });
  return { n, w0: a.data.slice(), records, seed, dt };
}

function describe(tensors: Map<string, { shape: number[] }>): string {
  const parts = [...tensors].map(([k, t]) => `${k} [${t.shape.join(', ')}]`);
  return parts.join(', ') || 'no tensors';
}

/** The start on an m x m grid (itself when m is its grid). */
export function resampleStart(start: Start, m: number): Start {
  if (start.n === m) return start;
  const f = (w: Float32Array) => resample2d(w, start.n, m);
  return { n: m, w0: f(start.w0), records: start.records.map(f) };
}

/**
 * A periodic n x n field sampled on an m x m grid through its trigonometric interpolant, keeping
 * the wavenumbers |k| < min(n, m) / 2 (the Nyquist mode is dropped: it has no unique real
 * interpolant). Separable, so rows then columns, O(n m (n + m)).
 */
export function resample2d(w: Float32Array, n: number, m: number): Float32Array {
  const rows = new Float64Array(n * m); // every row of w resampled: [n, m]
  const line = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    resample1d(w.subarray(i * n, (i + 1) * n), n, m, line);
    rows.set(line, i * m);
  }
  const out = new Float32Array(m * m);
  const column = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) column[i] = rows[i * m + j];
    resample1d(column, n, m, line);
    for (let i = 0; i < m; i++) out[i * m + j] = line[i];
  }
  return out;
}

/** One periodic line of n samples evaluated at m points: a direct DFT, then its real series. */
function resample1d(x: ArrayLike<number>, n: number, m: number, out: Float64Array): void {
  const kMax = Math.ceil(Math.min(n, m) / 2) - 1;
  const re = new Float64Array(kMax + 1);
  const im = new Float64Array(kMax + 1);
  for (let k = 0; k <= kMax; k++)
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * k * j) / n;
      re[k] += x[j] * Math.cos(a);
      im[k] += x[j] * Math.sin(a);
    }
  for (let p = 0; p < m; p++) {
    let v = re[0];
    for (let k = 1; k <= kMax; k++) {
      const a = (2 * Math.PI * k * p) / m;
      v += 2 * (re[k] * Math.cos(a) - im[k] * Math.sin(a));
    }
    out[p] = v / n;
  }
}
