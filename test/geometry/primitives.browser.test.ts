import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, type Runtime } from '../../src/index';
import {
  SCAN_CHUNK,
  encodeBounds,
  encodeScan,
  encodeSortByKey,
} from '../../src/geometry/primitives';
import { Workspace } from '../../src/geometry/workspace';
import { Rng } from '../../src/random';

let rt: Runtime;
beforeAll(async () => (rt = await init()));
afterAll(() => rt?.destroy());

async function readU32(buffer: GPUBuffer, words: number): Promise<Uint32Array> {
  const f = await rt.readBuffer(buffer, 4 * words);
  return new Uint32Array(f.buffer, f.byteOffset, words);
}

async function gpuScan(x: Uint32Array): Promise<Uint32Array> {
  const rec = new Workspace(rt, 'test.scan');
  try {
    const out = rec.buffer('out', x.length + 1);
    encodeScan(rec, rec.upload('x', x), x.length, out);
    await rec.submit();
    return await readU32(out, x.length + 1);
  } finally {
    rec.release();
  }
}

function cpuScan(x: Uint32Array): Uint32Array {
  const out = new Uint32Array(x.length + 1);
  for (let i = 0; i < x.length; i++) out[i + 1] = out[i] + x[i];
  return out;
}

describe('encodeScan (multi-level exclusive prefix sum)', () => {
  it('matches the CPU at every level boundary and at 300 000 elements (4 levels)', async () => {
    const rng = new Rng(1);
    const c = SCAN_CHUNK;
    for (const n of [1, 2, c - 1, c, c + 1, c * c, c * c + 1, 300_000]) {
      const x = Uint32Array.from({ length: n }, () => Math.floor(rng.uniform() * 100));
      const got = await gpuScan(x);
      expect(got.length).toBe(n + 1);
      const want = cpuScan(x);
      const bad = got.findIndex((v, i) => v !== want[i]);
      expect(bad, `n = ${n}: first difference at ${bad}`).toBe(-1);
    }
  });

  it('saturates instead of wrapping around', async () => {
    const got = await gpuScan(Uint32Array.of(0xfffffff0, 5, 100, 1));
    expect(Array.from(got)).toEqual([0, 0xfffffff0, 0xfffffff5, 0xffffffff, 0xffffffff]);
  });
});

describe('encodeSortByKey and encodeBounds', () => {
  it('sort stably (equal keys keep index order) and find every segment start', async () => {
    const rng = new Rng(2);
    for (const [n, segments] of [
      [1, 1],
      [2, 3],
      [1000, 7],
      [100_003, 50],
    ]) {
      const keys = Uint32Array.from({ length: n }, () => Math.floor(rng.uniform() * segments));
      const rec = new Workspace(rt, 'test.sort');
      const sorted = encodeSortByKey(rec, rec.upload('keys', keys), n);
      const splits = rec.buffer('splits', segments + 1);
      encodeBounds(rec, sorted.keys, n, segments, splits);
      await rec.submit();
      const [k, v, s] = [
        await readU32(sorted.keys, n),
        await readU32(sorted.values, n),
        await readU32(splits, segments + 1),
      ];
      rec.release();
      const order = Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => keys[a] - keys[b] || a - b,
      );
      expect(Array.from(v)).toEqual(order);
      expect(Array.from(k)).toEqual(order.map((i) => keys[i]));
      const counts = new Uint32Array(segments);
      keys.forEach((key) => counts[key]++);
      expect(Array.from(s)).toEqual(Array.from(cpuScan(counts)));
    }
  });
});
