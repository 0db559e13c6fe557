/**
 * Checks the models run before building or recording anything, so that a wrong call is a
 * WgnoError in the model's own terms rather than a TypeError or an op's error deep inside.
 */
import { WgnoError } from '../errors';

/**
 * `cfg` itself must be an object: `new FNO(rt)` would otherwise fail on reading a key of
 * undefined. `keys` lists the required options for the message.
 */
export function requireConfig<T>(op: string, cfg: T, keys: readonly string[]): T {
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg))
    throw new WgnoError(
      op,
      `needs a config object with ${keys.join(', ')} (see ${op}Config), got ${cfg === null ? 'null' : Array.isArray(cfg) ? 'an array' : typeof cfg}`,
    );
  return cfg;
}

/** Grid points an axis needs for `m` kept modes (the last axis is a real FFT: n // 2 >= m // 2). */
export function pointsNeeded(m: number, lastAxis: boolean): number {
  return lastAxis ? Math.max(1, 2 * Math.floor(m / 2)) : m;
}

/**
 * Every spatial axis of an FNO input must have enough grid points for the modes its spectral
 * convolutions keep. `spatial` are the input's sizes, `padded` what the convolutions see (after
 * domainPadding).
 */
export function checkResolution(
  op: string,
  nModes: readonly number[],
  spatial: readonly number[],
  padded: readonly number[],
): void {
  const d = nModes.length;
  nModes.forEach((m, a) => {
    const need = pointsNeeded(m, a === d - 1);
    if (padded[a] >= need) return;
    const pad = padded[a] !== spatial[a] ? ` (${padded[a]} with domainPadding)` : '';
    const kept = a === d - 1 ? `${Math.floor(m / 2) + 1} half-spectrum bins` : `${m} modes`;
    throw new WgnoError(
      op,
      `spatial axis ${a} (input axis ${a + 2}) has ${spatial[a]} points${pad}, but nModes[${a}] = ${m} keeps ${kept}, which need at least ${need} points; use a finer grid or fewer modes`,
    );
  });
}
