import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Rng,
  SpectralConv,
  convertCornerBlocks,
  fromCornerBlocks,
  init,
  parseSafetensors,
  type HostTensor,
  type Runtime,
} from '../../src/index';
import { relL2 } from '../util/compare';
import { expectWgnoError } from '../util/errors';
import { loadFixture } from '../util/fixtures';

/** A complex64 block whose element i is (tag + i, -(tag + i)), so every entry names its source. */
function tagged(tag: number, shape: number[]): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = tag + i;
    data[2 * i + 1] = -(tag + i);
  }
  return { dtype: 'complex64', shape, data };
}

describe('original-FNO corner blocks -> centred window', () => {
  it('2-D: negative block first, then positive, per (in, out) pair', () => {
    const [cin, cout, m1, m2] = [2, 3, 4, 3];
    const w1 = tagged(0, [cin, cout, m1, m2]);
    const w2 = tagged(1000, [cin, cout, m1, m2]);
    const { weight, nModes } = fromCornerBlocks([w1, w2]);
    expect(weight.shape).toEqual([cin, cout, 2 * m1, m2]);
    expect(nModes).toEqual([2 * m1, 2 * m2 - 1]);
    for (let p = 0; p < cin * cout; p++)
      for (let w = 0; w < 2 * m1; w++)
        for (let k = 0; k < m2; k++) {
          // window index w is frequency w - m1: weights2 row w (freq w - m1) or weights1 row w - m1.
          const want = w < m1 ? 1000 + (p * m1 + w) * m2 + k : (p * m1 + w - m1) * m2 + k;
          const o = 2 * ((p * 2 * m1 + w) * m2 + k);
          expect([weight.data[o], weight.data[o + 1]]).toEqual([want, -want]);
        }
  });

  it('3-D: block b is negative along axis a when bit a of b is set', () => {
    const m = [2, 3, 2];
    const blocks = [0, 1, 2, 3].map((b) => tagged(1000 * b, [1, 1, ...m]));
    const { weight } = fromCornerBlocks(blocks);
    expect(weight.shape).toEqual([1, 1, 4, 6, 2]);
    const at = (i: number, j: number, k: number) => weight.data[2 * ((i * 6 + j) * 2 + k)];
    // (freq -2, freq -3, 0) -> weights4[0, 0, 0]; (0, 0, 1) -> weights1[0, 0, 1];
    // (-1, 2, 1) -> weights2 (negative along axis 0 only) at [1, 2, 1].
    expect(at(0, 0, 0)).toBe(3000);
    expect(at(2, 3, 1)).toBe(1);
    expect(at(1, 5, 1)).toBe(1000 + (1 * 3 + 2) * 2 + 1);
    expect(at(3, 1, 0)).toBe(2000 + (1 * 3 + 1) * 2); // (+1, -2, 0) -> weights3 [1, 1, 0]
  });

  it('1-D: the single block is already the layout; f32 pairs are accepted', () => {
    const t = tagged(5, [2, 2, 4]);
    const pairs: HostTensor = { dtype: 'f32', shape: [2, 2, 4, 2], data: t.data };
    const { weight, nModes } = fromCornerBlocks([pairs]);
    expect(weight.shape).toEqual([2, 2, 4]);
    expect(weight.data).toEqual(t.data);
    expect(nModes).toEqual([7]);
  });

  it('rejects wrong block counts, mismatched shapes and bad ranks, naming them', () => {
    const b = tagged(0, [2, 2, 3, 3]);
    expectWgnoError(
      () => fromCornerBlocks([b]),
      'fromCornerBlocks',
      /2-D layer has 2 corner block/,
    );
    expectWgnoError(
      () => fromCornerBlocks([b, tagged(0, [2, 2, 3, 4])]),
      'fromCornerBlocks',
      /weights2 is \[2, 2, 3, 4\] but weights1 is \[2, 2, 3, 3\]/,
    );
    expectWgnoError(
      () => fromCornerBlocks([tagged(0, [2, 2])]),
      'fromCornerBlocks',
      /d = 1, 2 or 3/,
    );
    expectWgnoError(() => fromCornerBlocks([]), 'fromCornerBlocks', /no corner blocks/);
  });

  it('convertCornerBlocks renames groups, passes other keys through, names gaps', () => {
    const bias: HostTensor = { dtype: 'f32', shape: [2, 1, 1], data: new Float32Array(2) };
    const sd = new Map<string, HostTensor>([
      ['conv0.weights1', tagged(0, [2, 2, 3, 3])],
      ['conv0.weights2', tagged(9, [2, 2, 3, 3])],
      ['w0.bias', bias],
    ]);
    const out = convertCornerBlocks(sd, { rename: (p) => p.replace('conv', 'convs.') + '.w' });
    expect([...out.keys()].sort()).toEqual(['convs.0.w', 'w0.bias']);
    expect(out.get('convs.0.w')!.shape).toEqual([2, 2, 6, 3]);
    expect(out.get('w0.bias')).toBe(bias);
    sd.delete('conv0.weights1');
    expectWgnoError(
      () => convertCornerBlocks(sd),
      'convertCornerBlocks',
      /'conv0' has weights2 but no weights1/,
    );
    expectWgnoError(
      () => convertCornerBlocks({}),
      'convertCornerBlocks',
      /no '<prefix>\.weights1'/,
    );
  });
});

// The converted weight in wgno's SpectralConv reproduces the original code's layer (fixtures from
// tools/fixtures/make_corner_fixtures.py, computed in float64 with PyTorch).
describe('converted corner blocks match the original FNO layer (Node, PyTorch fixtures)', () => {
  let rt: Runtime;
  beforeAll(async () => (rt = await init()));
  afterAll(() => rt?.destroy());
  for (const name of ['corner1d', 'corner2d', 'corner3d'])
    it(name, async () => {
      const { tensors, metadata } = parseSafetensors(
        await loadFixture(`corner/${name}.safetensors`),
      );
      const sd = convertCornerBlocks(new Map([...tensors].filter(([k]) => k.startsWith('conv.'))), {
        rename: () => 'weight.tensor',
      });
      const cin = Number(metadata.in);
      const cout = Number(metadata.out);
      const modes = JSON.parse(metadata.modes) as number[];
      const blocks = [...tensors].filter(([k]) => k.startsWith('conv.')).map(([, t]) => t);
      const { nModes } = fromCornerBlocks(blocks);
      const conv = new SpectralConv(rt, new Rng(1), cin, cout, nModes);
      sd.set('bias', { dtype: 'f32', shape: [...conv.bias.shape], data: new Float32Array(cout) });
      conv.loadStateDict(sd);
      expect(conv.kept.slice(-1)).toEqual(modes.slice(-1));
      const x = tensors.get('__input__')!;
      const y = await conv.forward(rt.tensor(x.data, x.shape)).read();
      const err = relL2(y, tensors.get('__output__')!.data);
      console.log(`${name}: output rel L2 ${err.toExponential(2)}`);
      expect(err).toBeLessThan(1e-5);
    });
});
