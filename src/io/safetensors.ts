// safetensors reader and writer (format: https://github.com/huggingface/safetensors).
//
// File layout: an 8-byte little-endian u64 N, then N bytes of UTF-8 JSON
//   { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, ...,
//     "__metadata__": { "<key>": "<string value>" } }
// then the data region. Offsets are relative to the first byte after the header, and the tensors
// must tile the data region exactly (no overlap, no holes, no trailing bytes).
import { WgnoError, fmtShape } from '../errors';
import {
  decodeBF16,
  decodeF16,
  decodeF32,
  decodeF64,
  decodeI32,
  decodeI64,
  encodeF32,
  type Decoder,
} from './dtypes';
import { checkHostTensor, isValidShape, numelOf, type HostTensor } from './host_tensor';

const OP = 'safetensors';
const METADATA_KEY = '__metadata__';

interface DtypeInfo {
  size: number; // bytes per element
  decode: Decoder;
  dtype: HostTensor['dtype'];
}

// What the reader accepts. C64 decodes as f32 pairs: its bytes are already interleaved (re, im).
const DTYPES: Record<string, DtypeInfo> = {
  F32: { size: 4, decode: decodeF32, dtype: 'f32' },
  F64: { size: 8, decode: decodeF64, dtype: 'f32' },
  F16: { size: 2, decode: decodeF16, dtype: 'f32' },
  BF16: { size: 2, decode: decodeBF16, dtype: 'f32' },
  I32: { size: 4, decode: decodeI32, dtype: 'f32' },
  I64: { size: 8, decode: decodeI64, dtype: 'f32' },
  C64: { size: 8, decode: (v, o, n) => decodeF32(v, o, 2 * n), dtype: 'complex64' },
};
const VALID_DTYPES = Object.keys(DTYPES).join(', ');

interface Entry {
  name: string;
  info: DtypeInfo;
  shape: number[];
  begin: number;
  end: number;
}

/** A parsed safetensors file: its tensors and its `__metadata__` (empty if the file has none). */
export interface SafetensorsFile {
  /** Every tensor by name, in file order. */
  tensors: Map<string, HostTensor>;
  /** The header's `__metadata__` (string values); empty when absent. */
  metadata: Record<string, string>;
}

function fail(message: string): never {
  throw new WgnoError(OP, message);
}

function toBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  return fail('expected a Uint8Array or ArrayBuffer holding the file');
}

/** Reads the length prefix and JSON header; returns the header object and the data region. */
function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; data: DataView } {
  if (bytes.length < 8) {
    fail(`file is ${bytes.length} bytes; a safetensors file starts with an 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) {
    fail(`header length ${n} runs past the end of the file (${bytes.length - 8} bytes follow it)`);
  }
  const headerEnd = 8 + Number(n);
  let parsed: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd));
    parsed = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    fail('header must be a JSON object mapping tensor names to {dtype, shape, data_offsets}');
  }
  const data = new DataView(bytes.buffer, bytes.byteOffset + headerEnd, bytes.length - headerEnd);
  return { header: parsed as Record<string, unknown>, data };
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  const ok =
    typeof raw === 'object' &&
    raw !== null &&
    !Array.isArray(raw) &&
    Object.values(raw).every((v) => typeof v === 'string');
  if (!ok) fail(`'${METADATA_KEY}' must be an object whose values are all strings`);
  return { ...(raw as Record<string, string>) };
}

function isOffset(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Validates one header entry on its own: dtype, shape, offsets within the data region. */
function parseEntry(name: string, raw: unknown, dataLen: number): Entry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(`tensor '${name}': entry must be an object {dtype, shape, data_offsets}`);
  }
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  const info = typeof dtype === 'string' ? DTYPES[dtype] : undefined;
  if (info === undefined || !Object.hasOwn(DTYPES, dtype as string)) {
    fail(`tensor '${name}': unsupported dtype ${JSON.stringify(dtype)}; valid: ${VALID_DTYPES}`);
  }
  if (!isValidShape(shape)) {
    fail(`tensor '${name}': shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isOffset)) {
    fail(
      `tensor '${name}': data_offsets ${JSON.stringify(offsets)} must be [begin, end], ` +
        `two non-negative integers`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLen) {
    fail(
      `tensor '${name}': data_offsets [${begin}, ${end}] out of range; need ` +
        `0 <= begin <= end <= ${dataLen} (the data region's size)`,
    );
  }
  const want = numelOf(shape) * info.size;
  if (end - begin !== want) {
    fail(
      `tensor '${name}': data_offsets [${begin}, ${end}] span ${end - begin} bytes, but ` +
        `${dtype as string} with shape ${fmtShape(shape)} needs ${want}`,
    );
  }
  return { name, info, shape, begin, end };
}

/** The tensors must tile [0, dataLen) exactly, in some order. */
function checkTiling(entries: Entry[], dataLen: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev = 'the start of the data region';
  for (const e of sorted) {
    if (e.begin < pos) fail(`tensor '${e.name}' overlaps ${prev} (bytes ${e.begin}..${pos})`);
    if (e.begin > pos) fail(`hole in data region: bytes ${pos}..${e.begin} belong to no tensor`);
    pos = e.end;
    prev = `tensor '${e.name}'`;
  }
  if (pos !== dataLen) {
    fail(`data region has ${dataLen - pos} trailing bytes after the last tensor (ends at ${pos})`);
  }
}

function decodeEntry(e: Entry, data: DataView): HostTensor {
  try {
    const values = e.info.decode(data, e.begin, numelOf(e.shape));
    return { dtype: e.info.dtype, shape: e.shape, data: values };
  } catch (err) {
    if (err instanceof RangeError) fail(`tensor '${e.name}': ${err.message}`);
    throw err;
  }
}

/**
 * Parses a safetensors file into host tensors plus its `__metadata__`.
 * F32/F64/F16/BF16 become f32, C64 becomes complex64, I32/I64 become f32 when every value fits
 * exactly. Malformed files throw a WgnoError naming the problem; nothing is read out of bounds.
 */
export function parseSafetensors(bytes: Uint8Array | ArrayBuffer): SafetensorsFile {
  const { header, data } = parseHeader(toBytes(bytes));
  const metadata = parseMetadata(header[METADATA_KEY]);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, raw]) => parseEntry(name, raw, data.byteLength));
  checkTiling(entries, data.byteLength);
  const tensors = new Map<string, HostTensor>();
  for (const e of entries) tensors.set(e.name, decodeEntry(e, data));
  return { tensors, metadata };
}

/**
 * Reads the tensors of a safetensors file (see {@link parseSafetensors} for the metadata too).
 *
 * @example
 * const weights = readSafetensors(await (await fetch('fno.safetensors')).arrayBuffer());
 * const w = asComplex(weights.get('fno_blocks.convs.0.weight.tensor')!);
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer): Map<string, HostTensor> {
  return parseSafetensors(bytes).tensors;
}

function checkMetadataOut(metadata: Record<string, string>): void {
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') fail(`metadata '${k}' must be a string, got ${typeof v}`);
  }
}

/**
 * Serialises tensors (f32 as F32, complex64 as C64) in sorted-name order, with optional string
 * metadata. The header is space-padded so the data region starts 8-byte aligned.
 *
 * @example
 * const bytes = writeSafetensors({ w: { dtype: 'f32', shape: [2], data: new Float32Array([1, 2]) } });
 */
export function writeSafetensors(
  tensors: Map<string, HostTensor> | Record<string, HostTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const map = tensors instanceof Map ? tensors : new Map(Object.entries(tensors));
  const names = [...map.keys()].sort();
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    checkMetadataOut(metadata);
    header[METADATA_KEY] = metadata;
  }
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY) fail(`'${METADATA_KEY}' is reserved and cannot name a tensor`);
    const t = map.get(name) as HostTensor;
    checkHostTensor(OP, name, t);
    const dtype = t.dtype === 'complex64' ? 'C64' : 'F32';
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + 4 * t.data.length] };
    offset += 4 * t.data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const name of names) {
    const data = (map.get(name) as HostTensor).data;
    encodeF32(view, pos, data);
    pos += 4 * data.length;
  }
  return out;
}
