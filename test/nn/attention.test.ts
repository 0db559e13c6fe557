// MultiHeadAttention: GAOT's GroupQueryFlashAttention transcribed in PyTorch
// (test/fixtures/attention/make_attention_fixtures.py, case 'mha'): its weights load under GAOT's
// state_dict names, the output and the gradients of x and of every weight match, through Node's
// WebGPU (the default lowering: the op's two lowerings are checked against the same fixture in
// test/ops/attention_fixtures.test.ts); shapes, the bias option and errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/runtime/runtime';
import { mul } from '../../src/ops/binary';
import { sum } from '../../src/ops/reduce';
import { MultiHeadAttention } from '../../src/nn/attention';
import type { HostTensor } from '../../src/io/host_tensor';
import { parseSafetensors } from '../../src/io/safetensors';
import { Rng } from '../../src/random';
import { loadFixture } from '../util/fixtures';
import { relL2 } from '../util/compare';

const { tensors, metadata } = parseSafetensors(
  await loadFixture('attention/attention.safetensors'),
);
const cfg = JSON.parse(metadata.mha) as Record<string, number>;
const get = (key: string): HostTensor => {
  const t = tensors.get(`mha.${key}`);
  if (!t) throw new Error(`attention fixture has no mha.${key}`);
  return t;
};
const NAMES = ['q_proj.weight', 'k_proj.weight', 'v_proj.weight', 'o_proj.weight'];

describe('MultiHeadAttention', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  it('loads GAOT state_dict names; output and every gradient match PyTorch', async () => {
    const attn = new MultiHeadAttention(rt, {
      inputSize: cfg.input_size,
      hiddenSize: cfg.hidden_size,
      heads: cfg.heads,
    });
    expect(attn.namedParameters().map(([n]) => n)).toEqual(NAMES);
    attn.loadStateDict(new Map(NAMES.map((n) => [n, get(n)])));
    const hx = get('x');
    const x = rt.tensor(hx.data as Float32Array, hx.shape, { requiresGrad: true });
    const y = attn.forward(x);
    const hc = get('cot');
    sum(mul(y, rt.tensor(hc.data as Float32Array, hc.shape))).backward();
    expect(relL2(await y.read(), get('y').data), 'y').toBeLessThan(1e-5);
    expect(relL2(await x.grad!.read(), get('gx').data), 'gx').toBeLessThan(1e-5);
    for (const [name, t] of attn.namedParameters())
      expect(relL2(await t.grad!.read(), get(`grad.${name}`).data), name).toBeLessThan(1e-5);
  });

  it('maps [B, N, input] to [B, N, input]; with bias every parameter gets a gradient', async () => {
    const attn = new MultiHeadAttention(rt, { inputSize: 6, hiddenSize: 8, heads: 2, bias: true });
    expect(attn.namedParameters().map(([n, t]) => `${n} ${t.shape.join('x')}`)).toEqual([
      'q_proj.weight 8x6',
      'q_proj.bias 8',
      'k_proj.weight 8x6',
      'k_proj.bias 8',
      'v_proj.weight 8x6',
      'v_proj.bias 8',
      'o_proj.weight 6x8',
      'o_proj.bias 6',
    ]);
    const x = rt.tensor(new Rng(3).normals(2 * 5 * 6), [2, 5, 6]);
    const y = attn.forward(x);
    expect(y.shape).toEqual([2, 5, 6]);
    sum(mul(y, y)).backward();
    for (const [name, t] of attn.namedParameters()) {
      const g = await t.grad!.read();
      expect(Math.max(...g.map(Math.abs)), name).toBeGreaterThan(0);
    }
    // The same weights at another number of tokens.
    expect(attn.forward(rt.tensor(new Rng(4).normals(13 * 6), [1, 13, 6])).shape).toEqual([
      1, 13, 6,
    ]);
  });

  it('names a wrong configuration or input', () => {
    expect(() => new MultiHeadAttention(rt, { inputSize: 8, heads: 3 })).toThrow(
      /hiddenSize = 8 must be a multiple of heads = 3/,
    );
    expect(() => new MultiHeadAttention(rt, { inputSize: 0 })).toThrow(
      /inputSize = 0 must be a positive integer/,
    );
    const attn = new MultiHeadAttention(rt, { inputSize: 8, heads: 2 });
    expect(() => attn.forward(rt.zeros([2, 5, 7]))).toThrow(/must be \[B, N, 8\]/);
  });
});
