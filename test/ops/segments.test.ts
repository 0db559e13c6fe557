import { describe, expect, it } from 'vitest';
import { allKernels } from '../../src/gpu/kernel';
import { checkRelation } from '../../src/ops/segments';
import '../../src/ops/gather_rows'; // defines the message-passing kernels
import '../../src/ops/segment_sum';

const spec = (shape: number[], dtype: 'f32' | 'i32' = 'i32') => ({ shape, dtype });

describe('checkRelation (the shape rule of gather_rows and segment_sum)', () => {
  it('reads batch axes, nnz, rows and channels', () => {
    const d = checkRelation(
      'op',
      [spec([2, 3, 5, 4], 'f32'), spec([7]), spec([7]), spec([6])],
      'x',
    );
    expect(d).toEqual({ lead: [2, 3], batch: 6, nnz: 7, rows: 5, c: 4 });
  });

  it('names the op, the shapes and what is valid', () => {
    const x = spec([5, 4], 'f32');
    expect(() =>
      checkRelation('op', [spec([5], 'f32'), spec([7]), spec([7]), spec([6])], 'x'),
    ).toThrow(/op: .*x must be \[...batch, rows, channels\] \(rank >= 2\)/);
    expect(() => checkRelation('op', [x, spec([7, 1]), spec([7]), spec([6])], 'x')).toThrow(
      /index, perm and splits must be rank 1/,
    );
    expect(() => checkRelation('op', [x, spec([7]), spec([6]), spec([6])], 'x')).toThrow(
      /perm must have one entry per edge \(7\)/,
    );
    expect(() => checkRelation('op', [x, spec([7]), spec([7]), spec([1])], 'x')).toThrow(
      /splits needs rows \+ 1 >= 2 entries/,
    );
  });
});

describe('message-passing kernels', () => {
  it('define the entry points the ops dispatch', () => {
    const ks = allKernels.filter((k) => k.name === 'gather_rows' || k.name === 'segment_sum');
    expect(ks.map((k) => `${k.name}.${k.entry}`).sort()).toEqual([
      'gather_rows.main',
      'gather_rows.per_row',
      'segment_sum.main',
      'segment_sum.product',
    ]);
  });
});
