/**
 * Streaming safetensors reader (https://github.com/huggingface/safetensors): reads a file's
 * header, then one tensor at a time from disk, so memory stays near the largest tensor rather
 * than the file. Checkpoints on the Hub are mostly bf16 or f16; they are widened to float32
 * exactly (every bf16 and f16 value is a float32 value), F64 is rounded to float32, and any other
 * dtype is refused by name instead of being misread.
 *   [8 bytes: header length N, u64 little-endian][N bytes: JSON header][data]
 *   header: { "<name>": { "dtype", "shape", "data_offsets": [begin, end] }, "__metadata__": {…} }
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { HubError } from './errors.js';

/** dtypes read (and widened to float32). */
export const readableDTypes = ['F32', 'F16', 'BF16', 'F64'] as const;
export type ReadableDType = (typeof readableDTypes)[number];
const bytesPer: Record<ReadableDType, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** One tensor's entry in a header. */
export interface TensorEntry {
  name: string;
  dtype: ReadableDType;
  shape: number[];
  /** Byte range in the data section. */
  begin: number;
  end: number;
}

/** An open safetensors file: its entries, in header order, and a reader for each. */
export interface SafetensorsFile {
  path: string;
  entries: Map<string, TensorEntry>;
  metadata: Record<string, string>;
  /** The tensor's values as float32. */
  read(entry: TensorEntry): Float32Array;
  close(): void;
}

function readExactly(fd: number, length: number, position: number, path: string, what: string): Buffer {
  const buffer = Buffer.alloc(length);
  const got = readSync(fd, buffer, 0, length, position);
  if (got !== length) throw new HubError(`${path}: truncated file: ${what} needs ${length} bytes at offset ${position}, found ${got}. Download the file again.`);
  return buffer;
}

function checkEntry(path: string, name: string, raw: unknown, dataBytes: number): TensorEntry {
  const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof e !== 'object' || e === null) throw new HubError(`${path}: tensor '${name}' has no header entry object`);
  if (!readableDTypes.includes(e.dtype as ReadableDType)) {
    throw new HubError(`${path}: tensor '${name}' has dtype ${JSON.stringify(e.dtype)}, which smoe cannot read; readable dtypes are ${readableDTypes.join(', ')} (convert quantised or integer checkpoints to bf16, f16 or f32 first)`);
  }
  const dtype = e.dtype as ReadableDType;
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new HubError(`${path}: tensor '${name}' has shape ${JSON.stringify(e.shape)}, expected a list of non-negative integers`);
  const offsets = e.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[1] < offsets[0]) {
    throw new HubError(`${path}: tensor '${name}' has data_offsets ${JSON.stringify(offsets)}, expected [begin, end] with 0 ≤ begin ≤ end`);
  }
  const shape = e.shape as number[];
  const expected = shape.reduce((a, b) => a * b, 1) * bytesPer[dtype];
  const [begin, end] = offsets as [number, number];
  if (end - begin !== expected) throw new HubError(`${path}: tensor '${name}' (${dtype} [${shape.join(', ')}]) spans ${end - begin} bytes, its shape needs ${expected}; the file is corrupted`);
  if (end > dataBytes) throw new HubError(`${path}: truncated file: tensor '${name}' ends at data byte ${end}, but the file holds ${dataBytes} data bytes. Download the file again.`);
  return { name, dtype, shape, begin, end };
}

/** float16 bits → float32. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function widen(dtype: ReadableDType, bytes: Buffer): Float32Array {
  const n = bytes.length / bytesPer[dtype];
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  else if (dtype === 'F64') for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
  else if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  else {
    // bf16 is the high half of a float32.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, true) << 16;
  }
  return out;
}

/** Opens `path` and validates its header against the file's size; tensors are read on demand. */
export function openSafetensors(path: string): SafetensorsFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new HubError(`${path}: cannot open (${(error as Error).message})`);
  }
  try {
    const size = fstatSync(fd).size;
    const headerLength = Number(readExactly(fd, 8, 0, path, 'the header length').readBigUInt64LE(0));
    if (headerLength > 100_000_000 || 8 + headerLength > size) throw new HubError(`${path}: truncated or not a safetensors file: header length ${headerLength} but the file has ${size} bytes`);
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(readExactly(fd, headerLength, 8, path, 'the header').toString('utf8')) as Record<string, unknown>;
    } catch (error) {
      throw error instanceof HubError ? error : new HubError(`${path}: the header is not valid JSON (${(error as Error).message}); the file is corrupted`);
    }
    const dataStart = 8 + headerLength;
    const entries = new Map<string, TensorEntry>();
    for (const [name, raw] of Object.entries(header)) if (name !== '__metadata__') entries.set(name, checkEntry(path, name, raw, size - dataStart));
    const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
    return {
      path,
      entries,
      metadata,
      read: (entry) => widen(entry.dtype, readExactly(fd, entry.end - entry.begin, dataStart + entry.begin, path, `tensor '${entry.name}'`)),
      close: () => closeSync(fd),
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}
