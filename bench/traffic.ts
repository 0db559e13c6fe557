/**
 * Dispatch and bound-byte counts of one run of each library's step, side by side (issue 18): the
 * WebGPU counter (bench/webgpu_counter.ts) is installed in the page before any library makes a
 * bind group, and one warmed-up run of each row is counted. wgno rows also carry the step's own
 * declared counts (step.cost): the counter's figures for wgno cross-check them (same dispatches,
 * same bound bytes), and its declared bytes and ideal say how far the step is from the least
 * traffic the graph needs. scripts/bench.mjs prints the table from the sidecar's `traffic`.
 */
import type { Step } from '../src/index';
import { globalPrototypes, installCounter, type Counter } from './webgpu_counter';

export interface TrafficRow {
  group: string;
  lib: string;
  /** Seen by the counter in one run. */
  dispatches: number;
  boundBytes: number;
  /** wgno only: the Step's declared cost (src/graph/step_cost.ts). */
  declared?: {
    dispatches: number;
    bound: number;
    bytes: number;
    flops: number;
    ideal: number;
    ratio: number;
  };
}

export class TrafficCounter {
  readonly rows: TrafficRow[] = [];
  private constructor(private counter: Counter | null) {}

  /** Patch WebGPU now, before init() and the peers' setup; a page without WebGPU counts nothing. */
  static install(): TrafficCounter {
    const protos = globalPrototypes();
    return new TrafficCounter(protos ? installCounter(protos) : null);
  }

  /** Count one run of `fn` (warm: pipelines and jit caches made); `step` for wgno's rows. */
  async count(group: string, lib: string, fn: () => Promise<void>, step?: Step): Promise<void> {
    if (!this.counter) return;
    this.counter.reset();
    await fn();
    const { dispatches, boundBytes } = this.counter.read();
    const c = step?.cost;
    this.rows.push({
      group,
      lib,
      dispatches,
      boundBytes,
      declared: c && {
        dispatches: c.dispatches,
        bound: c.bound,
        bytes: c.bytes,
        flops: c.flops,
        ideal: c.ideal,
        ratio: c.ratio,
      },
    });
  }

  /** Restore WebGPU's methods before timing, so no row pays for the wrappers. */
  uninstall(): void {
    this.counter?.uninstall();
    this.counter = null;
  }
}
