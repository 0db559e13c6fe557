// The FNO paper's pseudo-spectral vorticity solver (REFERENCE.md "Navier-Stokes"), the parts that
// are not FFTs. Spectra are half spectra of real n x n fields: complex64 [.., n, m], m = n/2 + 1,
// rows (axis x) full and unshifted, columns (axis y) bins 0..n/2. Wavenumbers as the paper's code:
// k_x(i) = i for i < n/2 else i - n; k_y(j) = j for j < n/2, and -n/2 for the Nyquist bin j = n/2.
// lap = 4 pi^2 (k_x^2 + k_y^2), lap(0, 0) = 1; dealias keeps |k_x|, |k_y| <= (2/3)(n/2).
//
//  derivs  state [B, 2, n, m] -> [B, 4, n, m]: psi_y, -psi_x, w_x, w_y in Fourier space
//          (psi_h = w_h / lap), i.e. 2 pi i k_y psi_h, -2 pi i k_x psi_h, 2 pi i k_x w_h,
//          2 pi i k_y w_h, with w_h = hi (lo would change them by about 2^-24 of themselves).
//  advect  [B, 4, n, n] real (q, v, w_x, w_y) -> [B, n, n]: u . grad w = q w_x + v w_y.
//  cn      state [B, 2, n, m] (planes hi, lo: w_h = hi + lo), F_h [B, n, m], f_h [n, m] -> the next
//          state. Crank-Nicolson on the viscous term, explicit nonlinear and forcing terms:
//          w_h' = (-dt D F_h + dt f_h + (1 - h) w_h) / (1 + h), h = dt nu lap / 2, D the dealias mask,
//          computed as an increment d = (dt (f_h - D F_h) - 2 h w_h) / (1 + h) added to the state
//          with an exact two-sum that keeps the f32 rounding of hi + d in lo. Why both
//          (docs/navier-stokes.md): in f32 the factors 1 - h and 1 + h lose the low bits of h
//          (h ~ 1e-6 at dt = 1e-4), and a state rounded to f32 every step loses the part of each
//          increment below half an ulp, the same part step after step; both errors grow linearly
//          with the number of steps. With P.mask_state = 1 the new state is dealiased too (D w_h').

// #include lib/thread_index.wgsl

override WG: u32 = 256;

const TWO_PI: f32 = 6.283185307179586;

@group(0) @binding(0) var<uniform> P: NsParams;  // struct generated from nsParams (src/pde/ns_ops.ts)
@group(0) @binding(1) var<storage, read> a: array<f32>;         // derivs, cn: state; advect: fields
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // see each entry point
@group(0) @binding(3) var<storage, read> b: array<f32>;         // cn: F_h [B, n, m] complex64
@group(0) @binding(4) var<storage, read> c: array<vec2f>;       // cn: f_h [n, m] complex64

// (k_x, k_y) of half-spectrum bin (i, j).
fn wavenumber(i: u32, j: u32) -> vec2f {
  let kx = select(i32(i), i32(i) - i32(P.n), 2u * i >= P.n);
  let ky = select(i32(j), -i32(P.n / 2u), 2u * j == P.n);
  return vec2f(f32(kx), f32(ky));
}

fn laplacian(k: vec2f) -> f32 {
  let l = 4.0 * 9.869604401089358 * dot(k, k);
  return select(l, 1.0, k.x == 0.0 && k.y == 0.0);
}

// i s z for real s.
fn times_i(z: vec2f, s: f32) -> vec2f {
  return vec2f(-z.y * s, z.x * s);
}

fn cload(i: u32) -> vec2f {
  return vec2f(a[2u * i], a[2u * i + 1u]);
}

fn cstore(i: u32, z: vec2f) {
  out[2u * i] = z.x;
  out[2u * i + 1u] = z.y;
}

@compute @workgroup_size(WG)
fn derivs(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let plane = P.n * P.m;
  if (t >= P.batch * plane) { return; }
  let bin = t % plane;
  let k = wavenumber(bin / P.m, bin % P.m);
  let w = cload((t / plane) * 2u * plane + bin);
  let psi = w / laplacian(k);
  let base = (t / plane) * 4u * plane + bin;
  cstore(base, times_i(psi, TWO_PI * k.y));
  cstore(base + plane, times_i(psi, -TWO_PI * k.x));
  cstore(base + 2u * plane, times_i(w, TWO_PI * k.x));
  cstore(base + 3u * plane, times_i(w, TWO_PI * k.y));
}

@compute @workgroup_size(WG)
fn advect(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let plane = P.n * P.n;
  if (t >= P.batch * plane) { return; }
  let base = (t / plane) * 4u * plane + t % plane;
  out[t] = a[base] * a[base + 2u * plane] + a[base + plane] * a[base + 3u * plane];
}

// a + b as hi + lo exactly (Knuth's two-sum; no ordering of |a|, |b| needed).
fn two_sum(a: vec2f, b: vec2f) -> array<vec2f, 2> {
  let s = a + b;
  let bb = s - a;
  return array<vec2f, 2>(s, (a - (s - bb)) + (b - bb));
}

@compute @workgroup_size(WG)
fn cn(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let plane = P.n * P.m;
  if (t >= P.batch * plane) { return; }
  let bin = t % plane;
  let k = wavenumber(bin / P.m, bin % P.m);
  let keep = 3.0 * abs(k) <= vec2f(f32(P.n));  // |k| <= (2/3)(n/2)
  let dealias = select(0.0, 1.0, keep.x && keep.y);
  let h = 0.5 * P.dt * P.nu * laplacian(k);
  let f = vec2f(b[2u * t], b[2u * t + 1u]);
  let hi_at = (t / plane) * 2u * plane + bin;
  let hi = cload(hi_at);
  let lo = cload(hi_at + plane);
  let d = (P.dt * (c[bin] - dealias * f) - 2.0 * h * hi - 2.0 * h * lo) / (1.0 + h);
  let sum = two_sum(hi, d + lo);
  let mask = select(1.0, dealias, P.mask_state == 1u);
  cstore(hi_at, mask * sum[0]);
  cstore(hi_at + plane, mask * sum[1]);
}
