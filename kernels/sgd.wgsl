// One SGD step with momentum and weight decay, in place, as torch.optim.SGD (dampening 0):
// d = g + wd * p; buf = momentum * buf + d; p -= lr * (nesterov ? d + momentum * buf : buf).
// Entry `plain` (momentum 0) binds no buffer: p -= lr * d.
// p, buf: [n] f32 (read_write); g: [n] f32.

// #include lib/thread_index.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: SgdParams;  // struct generated from sgdParams (src/train/optim.ts)
@group(0) @binding(1) var<storage, read_write> p: array<f32>;    // parameter [n]
@group(0) @binding(2) var<storage, read> g: array<f32>;          // gradient [n]
@group(0) @binding(3) var<storage, read_write> buf: array<f32>;  // momentum buffer [n] (main only)

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  let d = g[i] + P.weight_decay * p[i];
  let b = P.momentum * buf[i] + d;
  buf[i] = b;
  let dir = select(b, d + P.momentum * b, P.nesterov == 1u);
  p[i] = p[i] - P.lr * dir;
}

@compute @workgroup_size(WG)
fn plain(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  p[i] = p[i] - P.lr * (g[i] + P.weight_decay * p[i]);
}
