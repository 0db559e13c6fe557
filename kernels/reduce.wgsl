// Sum over a set of axes, deterministic (no atomics: every output is summed in a fixed order).
// The host merges adjacent axes of the same kind and drops size-1 axes, so the input is seen as
// alternating kept and reduced groups: at most 4 of each for rank <= 8.
// Output element o (row-major over the kept groups) reads base(o) + offset(j), j < P.r, where
// base uses the kept groups' shape and input strides and offset the reduced groups'.
// Two entry points (the host picks one by the shape and the adapter):
//   per_thread: thread t sums chunk s = t / n_out of output o = t % n_out: j in
//               [s * chunk, (s + 1) * chunk), ascending, into y[s * n_out + o]. With one chunk that
//               is the sum itself; with several, a second per_thread pass adds the chunks in order
//               (long reductions with few outputs: column sums, bias gradients). Neighbouring
//               threads take neighbouring outputs, so their reads are neighbouring when the kept
//               axis is contiguous.
//   per_group:  one workgroup per output, strided partial sums, then a shared-memory tree (rows of
//               contiguous elements on GPUs).

// #include lib/thread_index.wgsl

// Threads per workgroup; per_group's tree needs a power of two.
override WG: u32 = 256;

@group(0) @binding(0) var<uniform> P: ReduceParams;  // struct generated from reduceParams (src/ops/reduce.ts)
@group(0) @binding(1) var<storage, read> x: array<f32>;        // input, row-major, any shape
@group(0) @binding(2) var<storage, read_write> y: array<f32>;  // [n_out], kept axes row-major

var<workgroup> partial: array<f32, WG>;

// Input offset of output element o: its kept multi-index times the kept strides.
fn base_offset(o: u32) -> u32 {
  var rem = o;
  var off = 0u;
  for (var k = i32(P.kept_rank) - 1; k >= 0; k--) {
    let d = P.kept_shape[0][k];
    off += (rem % d) * P.kept_strides[0][k];
    rem /= d;
  }
  return off;
}

// Input offset of reduced element j (row-major over the reduced groups).
fn red_offset(j: u32) -> u32 {
  var rem = j;
  var off = 0u;
  for (var k = i32(P.red_rank) - 1; k >= 0; k--) {
    let d = P.red_shape[0][k];
    off += (rem % d) * P.red_strides[0][k];
    rem /= d;
  }
  return off;
}

@compute @workgroup_size(WG)
fn per_thread(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = thread_index(gid, nwg);
  if (t >= P.n_out * P.chunks) { return; }
  let base = base_offset(t % P.n_out);
  let j_end = min(P.r, (t / P.n_out + 1u) * P.chunk);
  // Walk the innermost reduced axis by its stride; only each run's start needs red_offset's
  // divisions (the host always passes at least one reduced group).
  let inner = P.red_shape[0][P.red_rank - 1u];
  let step = P.red_strides[0][P.red_rank - 1u];
  var s = 0.0;
  var j = (t / P.n_out) * P.chunk;
  while (j < j_end) {
    let run = min(inner - j % inner, j_end - j);
    var off = base + red_offset(j);
    for (var q = 0u; q < run; q++) {
      s += x[off];
      off += step;
    }
    j += run;
  }
  y[t] = s;
}

@compute @workgroup_size(WG)
fn per_group(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) t: u32,
) {
  let o = wid.x + wid.y * nwg.x;  // uniform across the workgroup, so the early return is too
  if (o >= P.n_out) { return; }
  let base = base_offset(o);
  // Adjacent threads read adjacent j: coalesced when the innermost reduced axis is contiguous.
  var s = 0.0;
  for (var j = t; j < P.r; j += WG) {
    s += x[base + red_offset(j)];
  }
  partial[t] = s;
  workgroupBarrier();
  for (var h = WG / 2u; h > 0u; h /= 2u) {
    if (t < h) {
      partial[t] += partial[t + h];
    }
    workgroupBarrier();
  }
  if (t == 0u) {
    y[o] = partial[0];
  }
}
