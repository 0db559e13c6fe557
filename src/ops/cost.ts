/**
 * Helpers for the costs the lowerings declare (src/graph/op.ts `Cost`: bytes each kernel reads and
 * writes, every access counted, and its FLOPs).
 */
import type { Cost } from '../graph/op';

/** A kernel that does the same work for each of `n` elements: per-element bytes and FLOPs. */
export function perElement(n: number, each: Cost): Cost {
  return { read: n * each.read, write: n * each.write, flops: n * each.flops };
}
