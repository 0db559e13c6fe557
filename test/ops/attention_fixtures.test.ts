// Fused attention against PyTorch (test/fixtures/attention/make_attention_fixtures.py): per head
// softmax(scale q k^T) v with heads from consecutive channels, forward and the gradients of
// sum(y * cot) with respect to q, k and v, through Node's WebGPU with the adapter's lowering
// ('lane' on a CPU adapter, 'workgroup' on a GPU: test/ops/attention.browser.test.ts checks both
// against the float64 reference), and the float64 reference evaluator on the same graph.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { mul } from '../../src/ops/binary';
import { sum } from '../../src/ops/reduce';
import { attention } from '../../src/ops/attention';
import { evaluateReference } from '../../src/graph/reference';
import type { Tensor } from '../../src/graph/tensor';
import type { HostTensor } from '../../src/io/host_tensor';
import { parseSafetensors } from '../../src/io/safetensors';
import { loadFixture } from '../util/fixtures';
import { relL2 } from '../util/compare';

// The first case compiles the pipelines: minutes for the 'workgroup' kernels on a loaded CPU.
vi.setConfig({ testTimeout: 300_000 });

const { tensors, metadata } = parseSafetensors(
  await loadFixture('attention/attention.safetensors'),
);
const cases = Object.entries(
  JSON.parse(metadata.cases) as Record<string, { heads: number; scale: number | null }>,
);
const get = (name: string, key: string): HostTensor => {
  const t = tensors.get(`${name}.${key}`);
  if (!t) throw new Error(`attention fixture has no ${name}.${key}`);
  return t;
};

describe("attention vs PyTorch (node, the adapter's lowering)", () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  for (const [name, { heads, scale }] of cases)
    it(`${name}: forward and q, k, v gradients`, async () => {
      const feeds = new Map<Tensor, Float64Array>();
      const leaf = (key: string, requiresGrad: boolean) => {
        const h = get(name, key);
        const t = rt.tensor(h.data as Float32Array, h.shape, { requiresGrad });
        feeds.set(t, Float64Array.from(h.data));
        return t;
      };
      const [q, k, v] = ['q', 'k', 'v'].map((key) => leaf(key, true));
      const y = attention(q, k, v, { heads, scale: scale ?? undefined });
      sum(mul(y, leaf('cot', false))).backward();
      const got = [y, q.grad!, k.grad!, v.grad!];
      const ref = evaluateReference(got, feeds);
      const want = ['y', 'gq', 'gk', 'gv'].map((key) => get(name, key).data);
      for (let i = 0; i < got.length; i++) {
        const what = `${name} ${['y', 'gq', 'gk', 'gv'][i]}`;
        expect(relL2(await got[i].read(), want[i]), `${what} (GPU)`).toBeLessThan(i ? 1e-5 : 3e-6);
        // The fixture is float32-rounded float64: the reference matches it to that rounding.
        expect(relL2(ref[i], want[i]), `${what} (reference)`).toBeLessThan(1e-6);
      }
    });
});
