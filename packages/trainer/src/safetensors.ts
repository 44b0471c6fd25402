/**
 * The safetensors format (Hugging Face, https://github.com/huggingface/safetensors), read and
 * written in pure TypeScript over Uint8Array (browser-safe; file I/O is in checkpoint-file.ts):
 *
 *   [8 bytes: header length N, unsigned little-endian]
 *   [N bytes: UTF-8 JSON { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] },
 *                          ..., "__metadata__": { "<key>": "<string value>" } }, space-padded to a multiple of 8]
 *   [data: each tensor's values, little-endian, row-major, at data_offsets relative to here]
 *
 * Writing adds `data_crc32` to the metadata (CRC-32 of the data section); reading checks it when
 * present. Reading validates everything it can — lengths, JSON, dtypes, shapes against byte
 * counts, offsets covering the data exactly — and says what is wrong and that the file is
 * truncated or corrupted, instead of returning garbage. Supported dtypes: F32, I32.
 */
import { crc32Hex } from './crc32.js';
import { TrainerError } from './validate.js';

/** Element types this implementation reads and writes. */
export type SafetensorsDType = 'F32' | 'I32';

/** One tensor of a safetensors file. */
export interface SafetensorsTensor {
  dtype: SafetensorsDType;
  shape: readonly number[];
  data: Float32Array | Int32Array;
}

/** A decoded file. */
export interface SafetensorsContents {
  /** Tensors in file order (ordered by their data offsets). */
  tensors: Map<string, SafetensorsTensor>;
  /** The `__metadata__` strings (including `data_crc32` when the writer added it). */
  metadata: Record<string, string>;
}

/** Options of `decodeSafetensors`. */
export interface DecodeOptions {
  /** Name used in error messages (a file path). Default 'safetensors'. */
  source?: string;
}

/** The metadata key holding the CRC-32 of the data section. */
export const CHECKSUM_KEY = 'data_crc32';
const MAX_HEADER = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function bytesOf(t: SafetensorsTensor): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = new Uint8Array(t.data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < t.data.length; i++) {
    if (t.dtype === 'F32') view.setFloat32(i * 4, t.data[i], true);
    else view.setInt32(i * 4, t.data[i], true);
  }
  return out;
}

/** Serialises tensors and string metadata to safetensors bytes. */
export function encodeSafetensors(tensors: Map<string, SafetensorsTensor> | Record<string, SafetensorsTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__' || name.length === 0) throw new TrainerError(`encodeSafetensors: invalid tensor name ${JSON.stringify(name)}`);
    if (t.dtype !== 'F32' && t.dtype !== 'I32') throw new TrainerError(`encodeSafetensors: tensor '${name}' has dtype ${JSON.stringify(t.dtype)}; allowed: 'F32', 'I32'`);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new TrainerError(`encodeSafetensors: tensor '${name}' has invalid shape [${t.shape.join(', ')}]`);
    if (sizeOf(t.shape) !== t.data.length) throw new TrainerError(`encodeSafetensors: tensor '${name}' has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    if ((t.dtype === 'F32') !== t.data instanceof Float32Array) throw new TrainerError(`encodeSafetensors: tensor '${name}' has dtype ${t.dtype} but holds a ${t.data.constructor.name}`);
    const bytes = bytesOf(t);
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new TrainerError(`encodeSafetensors: metadata '${key}' must be a string (safetensors metadata is string to string), got ${typeof value}`);
  }
  const fullMetadata = { ...metadata, [CHECKSUM_KEY]: crc32Hex(data) };
  let json = new TextEncoder().encode(JSON.stringify({ __metadata__: fullMetadata, ...header }));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function fail(source: string, message: string): never {
  throw new TrainerError(`${source}: ${message}`);
}

/** Parses and validates safetensors bytes. */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeOptions = {}): SafetensorsContents {
  const source = options.source ?? 'safetensors';
  if (bytes.length < 8) fail(source, `the file is ${bytes.length} bytes long, too short for the 8-byte header length; it is truncated or not a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER)) fail(source, `the header length field says ${headerLength} bytes (more than ${MAX_HEADER}); the file is corrupted or not a safetensors file`);
  const n = Number(headerLength);
  if (8 + n > bytes.length) fail(source, `the header needs ${n} bytes but only ${bytes.length - 8} follow the length field; the file is truncated`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail(source, 'the header is not valid UTF-8; the file is corrupted');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail(source, `the header is not valid JSON (${(error as Error).message}); the file is corrupted or truncated`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail(source, 'the header is not a JSON object; the file is corrupted');
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Array<{ name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }> = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(source, '__metadata__ is not an object of strings');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(source, `__metadata__.${k} is a ${typeof v}; safetensors metadata values must be strings`);
        metadata[k] = v;
      }
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof info !== 'object' || info === null) fail(source, `header entry '${name}' is not an object`);
    if (info.dtype !== 'F32' && info.dtype !== 'I32') fail(source, `tensor '${name}' has dtype ${JSON.stringify(info.dtype)}; this reader supports 'F32' and 'I32'`);
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) fail(source, `tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[1] < offsets[0]) {
      fail(source, `tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const expected = sizeOf(shape as number[]) * 4;
    if (end - begin !== expected) fail(source, `tensor '${name}' of shape [${(shape as number[]).join(', ')}] needs ${expected} bytes but its data_offsets span ${end - begin}; the file is corrupted`);
    if (end > dataLength) fail(source, `tensor '${name}' ends at byte ${end} of the data section, which holds only ${dataLength} bytes; the file is truncated`);
    entries.push({ name, dtype: info.dtype, shape: shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin);
  let expectedBegin = 0;
  for (const e of entries) {
    if (e.begin !== expectedBegin) fail(source, `tensor '${e.name}' starts at byte ${e.begin} of the data section, expected ${expectedBegin} (tensors must cover the data without gaps or overlaps); the file is corrupted`);
    expectedBegin = e.end;
  }
  if (expectedBegin !== dataLength) fail(source, `the data section holds ${dataLength} bytes but the tensors cover ${expectedBegin}; the file is corrupted`);
  const data = bytes.subarray(dataStart);
  const stored = metadata[CHECKSUM_KEY];
  if (stored !== undefined) {
    const computed = crc32Hex(data);
    if (computed !== stored) fail(source, `checksum mismatch (stored ${CHECKSUM_KEY} ${stored}, computed ${computed}); the file is corrupted`);
  }
  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    // A copy into a fresh, aligned buffer (Node's Buffer.slice would not copy).
    const slice = new Uint8Array(e.end - e.begin);
    slice.set(data.subarray(e.begin, e.end));
    let values: Float32Array | Int32Array;
    if (LITTLE_ENDIAN) {
      values = e.dtype === 'F32' ? new Float32Array(slice.buffer) : new Int32Array(slice.buffer);
    } else {
      const v = new DataView(slice.buffer);
      values = e.dtype === 'F32' ? new Float32Array(slice.length / 4) : new Int32Array(slice.length / 4);
      for (let i = 0; i < values.length; i++) values[i] = e.dtype === 'F32' ? v.getFloat32(i * 4, true) : v.getInt32(i * 4, true);
    }
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: values });
  }
  return { tensors, metadata };
}
