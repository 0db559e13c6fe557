import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gelu, init, matmul, type Runtime } from '../../src/index';

// Step.profile({ timestamps: true }): GPU timestamp queries around each dispatch's own pass, one
// submit, with the same effects as run(); wall time per submit where the feature is missing.
describe('Step.profile with timestamps', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  it('times every dispatch once, labelled, and computes what run() computes', async () => {
    const a = rt.tensor(
      Float32Array.from({ length: 64 * 32 }, (_, i) => ((i * 7) % 13) / 13 - 0.5),
      [64, 32],
    );
    const b = rt.tensor(
      Float32Array.from({ length: 32 * 16 }, (_, i) => ((i * 5) % 11) / 11 - 0.5),
      [32, 16],
    );
    const y = gelu(matmul(matmul(a, b), rt.tensor(new Float32Array(16 * 8).fill(0.25), [16, 8])));
    const step = await rt.compile({ outputs: [y], label: 'profile-ts' });
    step.run();
    const expected = await y.read();
    const has = rt.hasFeature('timestamp-query');
    if (!has) console.log('[profile test] no timestamp-query on this adapter: wall-time path');
    const before = rt.stats.submits;
    const rows = await step.profile({ timestamps: true });
    expect(rows).toHaveLength(step.dispatchCount);
    for (const r of rows) {
      expect(r.timer).toBe(has ? 'timestamp' : 'wall');
      expect(r.ms).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(r.ms)).toBe(true);
      expect(r.label).toMatch(/matmul/);
    }
    // One submit for the whole run with timestamps; one per dispatch without.
    expect(rt.stats.submits - before).toBe(has ? 1 : step.dispatchCount);
    expect(await y.read()).toEqual(expected);
    // The default stays wall time per dispatch.
    expect((await step.profile()).every((r) => r.timer === 'wall')).toBe(true);
    step.destroy();
  });
});
