import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  asComplex,
  parseSafetensors,
  readSafetensors,
  writeSafetensors,
  type HostTensor,
} from '../../src/io';
import { build, entry } from './build';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/io/${name}`, import.meta.url));

const f32 = (shape: number[], values: number[]): HostTensor => ({
  dtype: 'f32',
  shape,
  data: new Float32Array(values),
});

/** Little-endian bytes of `values` written by `set` (a DataView setter) at `size` bytes each. */
function bytesOf(size: number, values: number[], set: (v: DataView, o: number, x: number) => void) {
  const v = new DataView(new ArrayBuffer(size * values.length));
  values.forEach((x, i) => set(v, size * i, x));
  return new Uint8Array(v.buffer);
}

describe('safetensors round trip', () => {
  it('writes and reads f32 and complex64 with metadata, in sorted order, 8-byte aligned', () => {
    const w: HostTensor = { dtype: 'complex64', shape: [2], data: new Float32Array([1, -2, 3, 4]) };
    const b = f32([3, 1], [0.1, -7, 1e-30]);
    const bytes = writeSafetensors({ 'z.weight': w, 'a.bias': b }, { format: 'pt', note: 'x' });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
    expect(Object.keys(header)).toEqual(['__metadata__', 'a.bias', 'z.weight']);
    expect(header['z.weight']).toEqual(entry('C64', [2], [12, 28]));
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt', note: 'x' });
    expect(tensors.get('z.weight')).toEqual(w);
    expect(tensors.get('a.bias')).toEqual(b);
  });

  it('accepts a Map, an ArrayBuffer, a Uint8Array at an offset, scalars and empty tensors', () => {
    const m = new Map([
      ['s', f32([], [2.5])],
      ['e', f32([0, 3], [])],
    ]);
    const bytes = writeSafetensors(m);
    expect(parseSafetensors(bytes.slice().buffer).metadata).toEqual({});
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const back = readSafetensors(shifted.subarray(3));
    expect(back.get('s')).toEqual(f32([], [2.5]));
    expect(back.get('e')).toEqual(f32([0, 3], []));
  });

  it('reads the file made by tools/convert_checkpoint.py with the exact values', () => {
    const { tensors, metadata } = parseSafetensors(fixture('tiny.safetensors'));
    expect(metadata).toEqual({ format: 'pt', source: 'tiny.pt' });
    expect([...tensors.keys()].sort()).toEqual([
      'fno_blocks.convs.0.bias',
      'fno_blocks.convs.0.weight.tensor',
      'lifting.fcs.0.weight',
      'projection.fcs.0.bias',
    ]); // _metadata and the int64 counter were dropped
    const fr = Math.fround;
    expect(tensors.get('fno_blocks.convs.0.weight.tensor')).toEqual({
      dtype: 'complex64',
      shape: [2, 1, 2],
      data: new Float32Array([1, 2, -0.5, 0.25, 3, -1, fr(0.1), fr(-0.2)]),
    });
    expect(tensors.get('fno_blocks.convs.0.bias')).toEqual(f32([2, 1, 1], [0.5, -1.5]));
    expect(tensors.get('lifting.fcs.0.weight')).toEqual(
      f32([3, 2, 1], [fr(0.1), -2, fr(1e-3), 3.5, -0, 7]),
    );
    expect(Object.is(tensors.get('lifting.fcs.0.weight')!.data[4], -0)).toBe(true);
    expect(tensors.get('projection.fcs.0.bias')).toEqual(f32([1], [fr(1 / 3)]));
  });
});

describe('asComplex', () => {
  it('views f32 [..., 2] as complex64 sharing data, and passes complex64 through', () => {
    const t = f32([2, 2], [1, 2, 3, 4]);
    const c = asComplex(t);
    expect(c).toEqual({ dtype: 'complex64', shape: [2], data: t.data });
    expect(c.data).toBe(t.data);
    expect(asComplex(c)).toBe(c);
  });

  it('rejects a last dimension other than 2', () => {
    expect(() => asComplex(f32([2, 3], [0, 0, 0, 0, 0, 0]))).toThrow(
      /last dimension is 2 .*got shape \[2, 3\]/,
    );
    expect(() => asComplex(f32([], [1]))).toThrow(/got shape \[\]/);
  });
});

describe('safetensors dtype decoding', () => {
  const read = (dtype: string, n: number, data: Uint8Array) =>
    readSafetensors(build({ x: entry(dtype, [n], [0, data.length]) }, data)).get('x')!;

  it('F16: normals, subnormals, extremes, signed zero, inf, nan', () => {
    const bits = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x3555, 0x8000, 0x7c00, 0xfc00, 0x7e00];
    const t = read(
      'F16',
      bits.length,
      bytesOf(2, bits, (v, o, x) => v.setUint16(o, x, true)),
    );
    const want = [1, -2, 65504, 2 ** -24, 0.333251953125, -0, Infinity, -Infinity, NaN];
    expect(t).toEqual(f32([bits.length], want));
    expect(Object.is(t.data[5], -0)).toBe(true);
  });

  it('BF16: top half of float32', () => {
    const bits = [0x3f80, 0xc040, 0x3eaa, 0x7f80, 0x0001];
    const t = read(
      'BF16',
      5,
      bytesOf(2, bits, (v, o, x) => v.setUint16(o, x, true)),
    );
    expect(t).toEqual(f32([5], [1, -3, 0.33203125, Infinity, 2 ** -133]));
  });

  it('F64: rounded to the nearest float32 (overflow becomes inf)', () => {
    const vals = [0.1, -1 / 3, 1e300, 2 ** -149];
    const t = read(
      'F64',
      4,
      bytesOf(8, vals, (v, o, x) => v.setFloat64(o, x, true)),
    );
    expect(t).toEqual(f32([4], [Math.fround(0.1), Math.fround(-1 / 3), Infinity, 2 ** -149]));
  });

  it('I32 / I64: converted when exact, rejected beyond 2^24', () => {
    const i32 = bytesOf(4, [-5, 16777216], (v, o, x) => v.setInt32(o, x, true));
    expect(read('I32', 2, i32)).toEqual(f32([2], [-5, 16777216]));
    const i64 = (xs: number[]) => bytesOf(8, xs, (v, o, x) => v.setBigInt64(o, BigInt(x), true));
    expect(read('I64', 2, i64([7, -16777216]))).toEqual(f32([2], [7, -16777216]));
    expect(() => read('I64', 2, i64([0, 16777217]))).toThrow(
      /tensor 'x': element 1 is 16777217, which float32 cannot hold exactly/,
    );
    expect(() =>
      read(
        'I32',
        1,
        bytesOf(4, [-2e9], (v, o, x) => v.setInt32(o, x, true)),
      ),
    ).toThrow(/element 0 is -2000000000/);
  });
});
