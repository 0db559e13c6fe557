import { describe, expect, it } from 'vitest';
import { WgnoError } from '../../src/errors';
import { readSafetensors, writeSafetensors, type HostTensor } from '../../src/io';
import { build, entry } from './build';

const zeros = (n: number) => new Uint8Array(n);

/** Asserts that reading `bytes` throws a WgnoError from 'safetensors' matching `message`. */
function rejects(bytes: Uint8Array, message: RegExp): void {
  let caught: unknown;
  try {
    readSafetensors(bytes);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(WgnoError);
  expect((caught as WgnoError).op).toBe('safetensors');
  expect((caught as WgnoError).message).toMatch(message);
}

describe('safetensors rejects malformed files', () => {
  it('file shorter than the 8-byte length', () => {
    rejects(zeros(5), /file is 5 bytes; a safetensors file starts with an 8-byte header length/);
    rejects(zeros(0), /file is 0 bytes/);
  });

  it('header length beyond the file, including absurd u64 values', () => {
    rejects(build('{}', [], 100n), /header length 100 runs past the end of the file \(2 bytes/);
    rejects(build('{}', [], 2n ** 64n - 1n), /header length 18446744073709551615 runs past/);
  });

  it('header that is not UTF-8 JSON', () => {
    rejects(build('{"a": '), /header is not valid UTF-8 JSON/);
    const bad = build('{"a":1}');
    bad[9] = 0xff;
    rejects(bad, /header is not valid UTF-8 JSON/);
  });

  it('header that is not an object', () => {
    for (const h of ['[1, 2]', 'null', '3', '"x"']) {
      rejects(build(h), /header must be a JSON object mapping tensor names to/);
    }
    rejects(build({ a: 3 }), /tensor 'a': entry must be an object \{dtype, shape, data_offsets\}/);
  });

  it('unknown or unsupported dtype, listing the valid ones', () => {
    const valid = 'valid: F32, F64, F16, BF16, I32, I64, C64';
    rejects(build({ a: entry('U8', [1], [0, 1]) }, zeros(1)), /'a': unsupported dtype "U8"/);
    rejects(build({ a: entry('f32', [1], [0, 4]) }, zeros(4)), new RegExp(valid));
    rejects(build({ a: entry('constructor', [1], [0, 4]) }, zeros(4)), /dtype "constructor"/);
    rejects(build({ a: entry(4, [1], [0, 4]) }, zeros(4)), /unsupported dtype 4/);
  });

  it('shape that is not a list of non-negative integers', () => {
    for (const shape of [[2, -1], [1.5], '3', null, [1e300, 1e300], ['2']]) {
      const s = JSON.stringify(shape);
      rejects(
        build({ a: entry('F32', shape, [0, 4]) }, zeros(4)),
        new RegExp(`shape ${s.replace(/[[\]+.]/g, '\\$&')} is not a list of non-negative integers`),
      );
    }
  });

  it('data_offsets malformed, out of range, or not dtype size x numel', () => {
    for (const off of [[0], [0, 4, 8], [-4, 0], [0, '4'], 'x', [0, 4.5]]) {
      rejects(build({ a: entry('F32', [1], off) }, zeros(4)), /must be \[begin, end\]/);
    }
    rejects(
      build({ a: entry('F32', [3], [0, 12]) }, zeros(8)),
      /'a': data_offsets \[0, 12\] out of range; need 0 <= begin <= end <= 8/,
    );
    rejects(build({ a: entry('F32', [0], [4, 0]) }, zeros(4)), /\[4, 0\] out of range/);
    rejects(
      build({ a: entry('F32', [3], [0, 8]) }, zeros(8)),
      /'a': data_offsets \[0, 8\] span 8 bytes, but F32 with shape \[3\] needs 12/,
    );
    rejects(build({ a: entry('C64', [2], [0, 8]) }, zeros(8)), /C64 with shape \[2\] needs 16/);
  });

  it('overlapping tensors, holes and trailing bytes in the data region', () => {
    const two = (b: number[], n: number) =>
      build({ a: entry('F32', [2], [0, 8]), b: entry('F32', [2], b) }, zeros(n));
    rejects(two([4, 12], 12), /tensor 'b' overlaps tensor 'a' \(bytes 4\.\.8\)/);
    rejects(two([0, 8], 8), /overlaps tensor '[ab]'/);
    rejects(two([12, 20], 20), /hole in data region: bytes 8\.\.12 belong to no tensor/);
    rejects(build({ a: entry('F32', [1], [4, 8]) }, zeros(8)), /hole in data region: bytes 0\.\.4/);
    rejects(
      build({ a: entry('F32', [1], [0, 4]) }, zeros(7)),
      /data region has 3 trailing bytes after the last tensor \(ends at 4\)/,
    );
    rejects(build({}, zeros(1)), /1 trailing bytes/);
  });

  it('metadata that is not a string-to-string object', () => {
    rejects(build({ __metadata__: { a: 1 } }), /'__metadata__' must be an object whose values/);
    rejects(build({ __metadata__: [] }), /'__metadata__' must be an object/);
  });

  it('input that is not bytes', () => {
    expect(() => readSafetensors('abc' as unknown as Uint8Array)).toThrow(
      /expected a Uint8Array or ArrayBuffer/,
    );
  });

  it('never throws anything but WgnoError on truncated or corrupted files', () => {
    const t = (n: number): HostTensor => ({ dtype: 'f32', shape: [n], data: new Float32Array(n) });
    const good = writeSafetensors({ a: t(3), b: t(2) }, { k: 'v' });
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const cases: Uint8Array[] = [];
    for (let n = 0; n < good.length; n++) cases.push(good.subarray(0, n));
    for (let k = 0; k < 2000; k++) {
      const bad = good.slice();
      for (let j = 0; j < 1 + rand(3); j++) bad[rand(bad.length)] = rand(256);
      cases.push(bad);
    }
    for (const bytes of cases) {
      try {
        readSafetensors(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(WgnoError);
      }
    }
  });
});

describe('writeSafetensors rejects bad tensors', () => {
  it('names the tensor and what would be valid', () => {
    const data = new Float32Array(3);
    expect(() => writeSafetensors({ w: { dtype: 'f32', shape: [2], data } })).toThrow(
      /tensor 'w' \(f32, shape \[2\]\) needs 2 floats, data has 3/,
    );
    expect(() => writeSafetensors({ w: { dtype: 'complex64', shape: [3], data } })).toThrow(
      /needs 6 floats/,
    );
    const f64 = { dtype: 'f64', shape: [3], data } as unknown as HostTensor;
    expect(() => writeSafetensors({ w: f64 })).toThrow(/dtype 'f64'; use 'f32' or 'complex64'/);
    expect(() => writeSafetensors({ w: { dtype: 'f32', shape: [-3], data } })).toThrow(
      /'w' shape must be a list of non-negative integers/,
    );
    expect(() => writeSafetensors({ __metadata__: { dtype: 'f32', shape: [3], data } })).toThrow(
      /'__metadata__' is reserved/,
    );
    const meta = { v: 2 } as unknown as Record<string, string>;
    expect(() => writeSafetensors({}, meta)).toThrow(/metadata 'v' must be a string, got number/);
  });
});
