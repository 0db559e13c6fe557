import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WgnoError } from '../../src/errors';
import { readNpy, writeNpy, type HostTensor } from '../../src/io';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../fixtures/io/${name}`, import.meta.url)));

const f32 = (shape: number[], values: number[]): HostTensor => ({
  dtype: 'f32',
  shape,
  data: new Float32Array(values),
});

/** A version `major` file whose header is `dict` (unpadded) followed by `data`. */
function npy(dict: string, data: ArrayLike<number> = [], major = 1): Uint8Array {
  const text = new TextEncoder().encode(dict + '\n');
  const prefix = major === 1 ? 10 : 12;
  const out = new Uint8Array(prefix + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, prefix);
  out.set(data, prefix + text.length);
  return out;
}

const dict = (descr: string, shape: string, fortran = 'False') =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

function rejects(bytes: Uint8Array, message: RegExp): void {
  expect(() => readNpy(bytes)).toThrow(WgnoError);
  expect(() => readNpy(bytes)).toThrow(message);
}

describe('npy', () => {
  it('round trips f32 and complex64, including scalars, 1-D and empty arrays', () => {
    const cases: HostTensor[] = [
      f32([2, 3], [1, -2, 3.5, 0.1, 1e-30, -0]),
      { dtype: 'complex64', shape: [3], data: new Float32Array([1, 2, -3, 4, 0, -0.5]) },
      f32([], [7]),
      f32([5], [1, 2, 3, 4, 5]),
      f32([0, 4], []),
    ];
    for (const t of cases) {
      const bytes = writeNpy(t);
      const headerLen = new DataView(bytes.buffer).getUint16(8, true);
      expect((10 + headerLen) % 64).toBe(0);
      expect(readNpy(bytes)).toEqual(t);
      expect(readNpy(bytes.slice().buffer)).toEqual(t);
    }
  });

  it('reads the numpy-made fixtures exactly, and writes them byte for byte as numpy does', () => {
    const f4 = fixture('tiny_f4.npy');
    expect(readNpy(f4)).toEqual(f32([2, 3], [-0.5, -0.25, 0, 0.25, 0.5, 0.75]));
    expect(writeNpy(readNpy(f4))).toEqual(f4);
    const c8 = fixture('tiny_c8.npy');
    expect(readNpy(c8)).toEqual({
      dtype: 'complex64',
      shape: [2, 1],
      data: new Float32Array([1, 2, -0, -3.5]), // Python: -3.5j == complex(-0.0, -3.5)
    });
    expect(writeNpy(readNpy(c8))).toEqual(c8);
    expect(readNpy(fixture('tiny_f8.npy'))).toEqual(f32([3], [Math.fround(0.1), -Infinity, 2.5]));
  });

  it('rejects Fortran order, naming the fix', () => {
    rejects(fixture('tiny_fortran.npy'), /array is in Fortran order; save a C-order copy/);
  });

  it('reads version 2.0 headers, and <c16 narrowed to complex64', () => {
    const data = new Uint8Array(new Float64Array([0.1, -2]).buffer);
    const t = readNpy(npy(dict('<c16', '()'), data, 2));
    expect(t).toEqual({ dtype: 'complex64', shape: [], data: new Float32Array([0.1, -2]) });
  });

  it('rejects big-endian, unsupported dtypes, bad shapes and wrong data sizes', () => {
    const four = new Uint8Array(4);
    rejects(npy(dict('>f4', '(1,)'), four), /dtype '>f4' is not supported; valid: <f4, <f8/);
    rejects(npy(dict('<i4', '(1,)'), four), /dtype '<i4' is not supported/);
    rejects(npy(dict('<f4', '(-1,)'), four), /shape \(-1\) is not a tuple of non-negative ints/);
    rejects(npy(dict('<f4', '(2,)'), four), /data is 4 bytes, but '<f4' with shape \(2\) needs 8/);
    rejects(npy(dict('<f4', '(1,)'), new Uint8Array(5)), /data is 5 bytes/);
    rejects(npy("{'descr': '<f4'}"), /has no valid 'fortran_order' entry/);
    rejects(npy('[1, 2]'), /is not a Python dict literal/);
  });

  it('rejects bad magic, versions and truncated headers', () => {
    rejects(new Uint8Array(4), /not a .npy file: it must start with the magic bytes/);
    const v9 = npy(dict('<f4', '()'), new Uint8Array(4));
    v9[6] = 9;
    rejects(v9, /format version 9.0 is not supported; valid: 1.0, 2.0, 3.0/);
    const good = npy(dict('<f4', '(1,)'), new Uint8Array(4));
    rejects(good.subarray(0, 30), /header length \d+ runs past the end of the file \(30 bytes\)/);
    rejects(npy(dict('<f4', '()'), [], 2).subarray(0, 11), /file ends inside the header length/);
    for (let n = 0; n < good.length; n++)
      expect(() => readNpy(good.subarray(0, n))).toThrow(WgnoError);
  });

  it('writes version 2.0 when the header outgrows the 1.0 u16 length', () => {
    const t = f32(new Array(30000).fill(1), [4.5]);
    const bytes = writeNpy(t);
    expect(bytes[6]).toBe(2);
    expect((12 + new DataView(bytes.buffer).getUint32(8, true)) % 64).toBe(0);
    expect(readNpy(bytes)).toEqual(t);
  });

  it('writeNpy rejects malformed tensors', () => {
    expect(() => writeNpy(f32([3], [1]))).toThrow(/needs 3 floats, data has 1/);
  });
});
