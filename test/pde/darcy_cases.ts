/** Shared cases of the Darcy tests (CPU and GPU). */

/**
 * A manufactured solution on the s x s node grid: u = sin(pi x) sin(pi y) (zero on the boundary),
 * a = 2 + x + y^2, and f = -div(a grad u) = -(a_x u_x + a_y u_y) + 2 pi^2 a u.
 */
export function manufactured(s: number): { a: Float64Array; f: Float64Array; u: Float64Array } {
  const [a, f, u] = [0, 0, 0].map(() => new Float64Array(s * s));
  const pi = Math.PI;
  for (let i = 0; i < s; i++)
    for (let j = 0; j < s; j++) {
      const [x, y, n] = [i / (s - 1), j / (s - 1), i * s + j];
      const boundary = i === 0 || j === 0 || i === s - 1 || j === s - 1;
      a[n] = 2 + x + y * y;
      u[n] = boundary ? 0 : Math.sin(pi * x) * Math.sin(pi * y);
      const ux = pi * Math.cos(pi * x) * Math.sin(pi * y);
      const uy = pi * Math.sin(pi * x) * Math.cos(pi * y);
      f[n] = -(ux + 2 * y * uy) + 2 * pi * pi * a[n] * Math.sin(pi * x) * Math.sin(pi * y);
    }
  return { a, f, u };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/** Every s x s field of v transposed. */
export function transpose<T extends Float32Array | Float64Array>(v: T, s: number): T {
  const out = v.slice() as T;
  for (let k = 0; k < v.length; k++) {
    const [b, i, j] = [Math.floor(k / (s * s)), Math.floor((k % (s * s)) / s), k % s];
    out[(b * s + j) * s + i] = v[k];
  }
  return out;
}
