// The FNO paper's pseudo-spectral vorticity solver (REFERENCE.md "Navier-Stokes"), the parts that
// are not FFTs. Spectra are half spectra of real n x n fields: complex64 [.., n, m], m = n/2 + 1,
// rows (axis x) full and unshifted, columns (axis y) bins 0..n/2. Wavenumbers as the paper's code:
// k_x(i) = i for i < n/2 else i - n; k_y(j) = j for j < n/2, and -n/2 for the Nyquist bin j = n/2.
// lap = 4 pi^2 (k_x^2 + k_y^2), lap(0, 0) = 1; dealias keeps |k_x|, |k_y| <= (2/3)(n/2).
//
//  derivs  w_h [B, n, m] -> [B, 4, n, m]: psi_y, -psi_x, w_x, w_y in Fourier space (psi_h = w_h / lap),
//          i.e. 2 pi i k_y psi_h, -2 pi i k_x psi_h, 2 pi i k_x w_h, 2 pi i k_y w_h.
//  advect  [B, 4, n, n] real (q, v, w_x, w_y) -> [B, n, n]: u . grad w = q w_x + v w_y.
//  cn      w_h, F_h [B, n, m], f_h [n, m] -> w_h' = (-dt D F_h + dt f_h + (1 - dt nu lap / 2) w_h)
//          / (1 + dt nu lap / 2), D the dealias mask (Crank-Nicolson viscous term, explicit
//          nonlinear and forcing terms).

// #include lib/thread_index.wgsl

override WG: u32 = 256;

const TWO_PI: f32 = 6.283185307179586;

@group(0) @binding(0) var<uniform> P: NsParams;  // struct generated from nsParams (src/pde/ns_ops.ts)
@group(0) @binding(1) var<storage, read> a: array<f32>;         // derivs, cn: w_h; advect: the 4 fields
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
  let w = cload(t);
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

@compute @workgroup_size(WG)
fn cn(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  let plane = P.n * P.m;
  if (t >= P.batch * plane) { return; }
  let bin = t % plane;
  let k = wavenumber(bin / P.m, bin % P.m);
  let keep = 3.0 * abs(k) <= vec2f(f32(P.n));  // |k| <= (2/3)(n/2)
  let dealias = select(0.0, 1.0, keep.x && keep.y);
  let half_visc = 0.5 * P.dt * P.nu * laplacian(k);
  let f = vec2f(b[2u * t], b[2u * t + 1u]);
  let w = cload(t);
  let next = (-P.dt * dealias * f + P.dt * c[bin] + (1.0 - half_visc) * w) / (1.0 + half_visc);
  cstore(t, next);
}
