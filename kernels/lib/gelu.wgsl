// Exact GELU, x Phi(x) (erf form, as torch.nn.GELU()): the op of unary.wgsl and the epilogue
// the planner fuses into matmul.wgsl are this one function.
// #include lib/erfc.wgsl

fn gelu(v: f32) -> f32 {
  return v * phi_cdf(v);
}
