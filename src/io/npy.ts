// NumPy .npy reader and writer (format: numpy.lib.format, versions 1.0, 2.0 and 3.0).
//
// File layout: magic "\x93NUMPY", major and minor version bytes, header length (u16 LE for 1.0,
// u32 LE for 2.0/3.0), then an ASCII Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// padded with spaces and ending in '\n', then the raw array data in C (row-major) order.
import { WgnoError } from '../errors';
import { decodeF32, decodeF64, encodeF32, type Decoder } from './dtypes';
import { checkHostTensor, isValidShape, numelOf, type HostTensor } from './host_tensor';

const OP = 'npy';
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

// Little-endian descrs accepted. Complex elements are (re, im) pairs of the float width.
const DESCRS: Record<string, { size: number; decode: Decoder; dtype: HostTensor['dtype'] }> = {
  '<f4': { size: 4, decode: decodeF32, dtype: 'f32' },
  '<f8': { size: 8, decode: decodeF64, dtype: 'f32' },
  '<c8': { size: 8, decode: (v, o, n) => decodeF32(v, o, 2 * n), dtype: 'complex64' },
  '<c16': { size: 16, decode: (v, o, n) => decodeF64(v, o, 2 * n), dtype: 'complex64' },
};
const VALID = Object.keys(DESCRS).join(', ');

function fail(message: string): never {
  throw new WgnoError(OP, message);
}

/** Reads the preamble; returns the header text and the byte where the data starts. */
function readPreamble(bytes: Uint8Array): { text: string; dataStart: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail('not a .npy file: it must start with the magic bytes \\x93NUMPY');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major !== 1 && major !== 2 && major !== 3) {
    fail(`format version ${major}.${bytes[7]} is not supported; valid: 1.0, 2.0, 3.0`);
  }
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail('file ends inside the header length');
  const len = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + len;
  if (dataStart > bytes.length) {
    fail(`header length ${len} runs past the end of the file (${bytes.length} bytes)`);
  }
  const encoding = major === 3 ? 'utf-8' : 'latin1';
  const text = new TextDecoder(encoding).decode(bytes.subarray(8 + lenBytes, dataStart));
  return { text, dataStart };
}

function field(text: string, key: string, value: string): string {
  const m = new RegExp(`['"]${key}['"]\\s*:\\s*${value}`).exec(text);
  if (m === null) fail(`header ${JSON.stringify(text.trim())} has no valid '${key}' entry`);
  return m[1];
}

/** Parses the dict literal: the three keys numpy always writes, nothing else. */
function parseHeaderDict(text: string): { descr: string; fortran: boolean; shape: number[] } {
  const body = text.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) {
    fail(`header ${JSON.stringify(body)} is not a Python dict literal`);
  }
  const descr = field(body, 'descr', `['"]([^'"]*)['"]`);
  const fortran = field(body, 'fortran_order', '(True|False)') === 'True';
  const dims = field(body, 'shape', '\\(([^)]*)\\)')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const shape = dims.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (!isValidShape(shape)) fail(`shape (${dims.join(', ')}) is not a tuple of non-negative ints`);
  return { descr, fortran, shape };
}

/**
 * Reads a little-endian .npy array in C order: '<f4' and '<f8' become f32, '<c8' and '<c16'
 * become complex64. Fortran-order and big-endian arrays are rejected with a WgnoError.
 *
 * @example
 * const t = readNpy(readFileSync('x.npy')); // { dtype: 'f32', shape: [3, 4], data }
 */
export function readNpy(bytes: Uint8Array | ArrayBuffer): HostTensor {
  const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  const { text, dataStart } = readPreamble(u8);
  const { descr, fortran, shape } = parseHeaderDict(text);
  const info = Object.hasOwn(DESCRS, descr) ? DESCRS[descr] : undefined;
  if (info === undefined) {
    fail(`dtype '${descr}' is not supported; valid: ${VALID} (save with arr.astype('<f4'))`);
  }
  if (fortran) {
    fail('array is in Fortran order; save a C-order copy (np.ascontiguousarray(arr))');
  }
  const numel = numelOf(shape);
  const have = u8.length - dataStart;
  if (have !== numel * info.size) {
    fail(`data is ${have} bytes, but '${descr}' with shape (${shape}) needs ${numel * info.size}`);
  }
  const view = new DataView(u8.buffer, u8.byteOffset + dataStart, have);
  return { dtype: info.dtype, shape, data: info.decode(view, 0, numel) };
}

/** The dict literal numpy itself writes, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3,), } */
function headerText(descr: string, shape: number[]): string {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
}

/**
 * Writes a HostTensor as .npy ('<f4' or '<c8', C order); version 1.0 unless the header needs
 * 2.0's longer length field. The preamble is padded to a multiple of 64 bytes, as numpy does.
 *
 * @example
 * writeFileSync('w.npy', writeNpy({ dtype: 'f32', shape: [2], data: new Float32Array([1, 2]) }));
 */
export function writeNpy(t: HostTensor): Uint8Array {
  checkHostTensor(OP, 'npy', t);
  const text = headerText(t.dtype === 'complex64' ? '<c8' : '<f4', t.shape);
  // Header length once padded so that prefix + header (ending in '\n') is a multiple of 64.
  const padded = (prefix: number) => Math.ceil((prefix + text.length + 1) / 64) * 64 - prefix;
  const major = padded(10) <= 0xffff ? 1 : 2;
  const prefix = major === 1 ? 10 : 12;
  const headerLen = padded(prefix);
  const out = new Uint8Array(prefix + headerLen + 4 * t.data.length);
  out.set(MAGIC, 0);
  out[6] = major;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  out.set(new TextEncoder().encode(text.padEnd(headerLen - 1, ' ') + '\n'), prefix);
  encodeF32(view, prefix + headerLen, t.data);
  return out;
}
