/**
 * The losses' layouts: channels-last (point-major [B, points, C]) reduces over the points per
 * (sample, channel), like channels-first on the transposed tensor; the ambiguous case (spatial
 * axes of size 1) is an error that names the fix. Gradients get the op-table checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { h1Loss, init, lpLoss, permute, type Runtime, type Tensor } from '../../src/index';
import { Rng } from '../../src/random';
import { opSuite, type OpCase } from '../ops/harness';
import { relErr } from './trainer-util';

const last = { layout: 'channels-last' } as const;
const pair = (shape: number[]) => [{ shape }, { shape }];
opSuite('losses, channels-last', [
  {
    name: 'lpLoss [2, 13, 3]',
    inputs: pair([2, 13, 3]),
    fn: (p, t) => lpLoss(p, t, last),
  },
  {
    name: 'lpLoss p=3 mean, d=1 of [2, 4, 5, 2]',
    inputs: pair([2, 4, 5, 2]),
    fn: (p, t) => lpLoss(p, t, { ...last, p: 3, d: 1, reduction: 'mean' }),
  },
  {
    name: 'h1Loss grid [1, 5, 6, 2]',
    inputs: pair([1, 5, 6, 2]),
    fn: (p, t) => h1Loss(p, t, last),
  },
] satisfies OpCase[]);

describe('loss layouts', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await init();
  });
  afterAll(() => rt?.destroy());

  it('channels-last on [B, points, C] is the per-(sample, channel) error over the points', async () => {
    const [B, N, C] = [3, 17, 2];
    const rng = new Rng(4);
    const [p, t] = [rng.normals(B * N * C), rng.normals(B * N * C)];
    let want = 0; // float64: sum over (b, c) of ||p - t|| / (||t|| + 1e-8) over the N points
    for (let b = 0; b < B; b++)
      for (let c = 0; c < C; c++) {
        const at = (x: ArrayLike<number>) =>
          Array.from({ length: N }, (_, i) => x[(b * N + i) * C + c]);
        want += relErr(at(p), at(t));
      }
    const [pt, tt] = [rt.tensor(p, [B, N, C]), rt.tensor(t, [B, N, C])];
    const read = async (x: Tensor) => (await x.read())[0];
    const got = await read(lpLoss(pt, tt, last));
    expect(Math.abs(got - want) / want).toBeLessThan(1e-5);
    const cf = (x: Tensor) => permute(x, [0, 2, 1]);
    expect(await read(lpLoss(cf(pt), cf(tt)))).toBeCloseTo(got, 5);
    // The grid case: h1Loss channels-last on [B, H, W, C] equals channels-first on [B, C, H, W].
    const [g, h] = [
      rt.tensor(rng.normals(60), [1, 5, 6, 2]),
      rt.tensor(rng.normals(60), [1, 5, 6, 2]),
    ];
    const gcf = (x: Tensor) => permute(x, [0, 3, 1, 2]);
    expect(await read(h1Loss(g, h, last))).toBeCloseTo(await read(h1Loss(gcf(g), gcf(h))), 5);
  });

  it('names the ambiguous case and bad options', () => {
    const t = rt.tensor(new Float32Array(2 * 30), [2, 30, 1]);
    expect(() => lpLoss(t, t)).toThrow(
      /lp_loss: the spatial axes \[2\] of \[2, 30, 1\] \(channels-first\) hold one value per \(batch, channel\).*pass layout 'channels-last'/,
    );
    expect(() => h1Loss(t, t)).toThrow(/h1_loss: the spatial axes \[2\] of \[2, 30, 1\]/);
    const one = rt.tensor(new Float32Array(6), [2, 1, 3]);
    expect(() => lpLoss(one, one, last)).toThrow(/\(channels-last\) hold one value .*check d/);
    expect(() => lpLoss(t, t, { ...last, d: 3 })).toThrow(
      /d = 3 spatial axes is not valid for shape \[2, 30, 1\] \(channels-last\); use 1\.\.2/,
    );
    expect(() => lpLoss(t, t, { layout: 'nchw' as never })).toThrow(
      /layout 'nchw' is invalid; use 'channels-first' or 'channels-last'/,
    );
  });
});
