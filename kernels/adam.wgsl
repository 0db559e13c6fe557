// One Adam / AdamW step on one parameter tensor, in place (Kingma & Ba 2015; AdamW: Loshchilov &
// Hutter 2019). Matches torch.optim.Adam / AdamW: bias corrections bc1 = 1 - beta1^t and
// bc2 = 1 - beta2^t are computed on the CPU per step and passed as uniforms.
// p, m, v: [n] f32 (read_write); g: [n] f32.

// #include lib/thread_index.wgsl

override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: AdamParams;  // struct generated from adamParams (src/train/optim.ts)
@group(0) @binding(1) var<storage, read_write> p: array<f32>;  // parameter [n]
@group(0) @binding(2) var<storage, read> g: array<f32>;        // gradient [n]
@group(0) @binding(3) var<storage, read_write> m: array<f32>;  // first moment [n]
@group(0) @binding(4) var<storage, read_write> v: array<f32>;  // second moment [n]

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = thread_index(gid, nwg);
  if (i >= P.n) { return; }
  var w = p[i];
  var grad = g[i];
  if (P.decoupled == 1u) {
    w = w * (1.0 - P.lr * P.weight_decay);   // AdamW: decay the weight itself
  } else {
    grad = grad + P.weight_decay * w;        // Adam: L2 penalty folded into the gradient
  }
  let mi = P.beta1 * m[i] + (1.0 - P.beta1) * grad;
  let vi = P.beta2 * v[i] + (1.0 - P.beta2) * grad * grad;
  m[i] = mi;
  v[i] = vi;
  let denom = sqrt(vi) / sqrt(P.bc2) + P.eps;
  p[i] = w - (P.lr / P.bc1) * mi / denom;
}
