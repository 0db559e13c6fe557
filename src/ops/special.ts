/** Float64 special functions for the reference implementations. */

/** erf(x) to ~1e-15: Taylor series near 0, continued fraction for erfc in the tails. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * sum * (2 / Math.sqrt(Math.PI));
  }
  return Math.sign(x) * (1 - erfcTail(a));
}

/** erfc(x) for x >= 2.5 by the Lentz continued fraction. */
function erfcTail(x: number): number {
  if (x > 27) return 0;
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

/** Standard normal CDF, accurate in both tails. */
export function normalCdf(x: number): number {
  return x < -2.5 * Math.SQRT2 ? 0.5 * erfcTail(-x / Math.SQRT2) : 0.5 * (1 + erf(x / Math.SQRT2));
}

/** Logistic sigmoid in float64, stable for large |x|. */
export function sigmoid(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

export function gelu(x: number): number {
  return x * normalCdf(x);
}

export function geluGrad(x: number): number {
  return normalCdf(x) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
}

/** PyTorch's pow: negative bases only for integer exponents. */
export function powSigned(x: number, p: number): number {
  if (p === 0) return 1;
  if (x < 0 && !Number.isInteger(p)) return NaN;
  return Math.pow(x, p);
}
