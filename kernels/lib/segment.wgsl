// A segment of the CSR-grouped edges (src/ops/segment_sum.ts). Needs the kernel's `P: SegmentParams`
// uniform and its `splits` binding ([rows + 1] segment bounds into perm).

// Output element i's first value in e (channel offset included) and its segment of perm.
struct Segment {
  base: u32,
  start: u32,
  end: u32,
}

fn segment_of(i: u32) -> Segment {
  let per_batch = P.rows * P.c;
  let b = i / per_batch;
  let r = (i % per_batch) / P.c;
  return Segment(b * P.nnz * P.c + i % P.c, u32(splits[r]), u32(splits[r + 1u]));
}
