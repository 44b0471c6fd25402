/**
 * Parser for the IDX format of MNIST (LeCun et al., "Gradient-based learning applied to
 * document recognition", 1998). Layout: two zero bytes, a type byte (0x08 ubyte, 0x09 byte,
 * 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), a dimension count byte, then one
 * big-endian uint32 per dimension, then the values, big-endian, row-major.
 * A wrong magic, an unknown type, a truncated file or trailing bytes each throw a
 * DatasetError saying which. ubyte data is returned as a view (no copy). Pure.
 */
import { DatasetError } from './validate.js';

export type IdxType = 'ubyte' | 'byte' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  type: IdxType;
  /** Sizes of each dimension, e.g. [60000, 28, 28]. */
  dims: number[];
  data: IdxData;
}

const types: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'ubyte', bytes: 1 },
  0x09: { type: 'byte', bytes: 1 },
  0x0b: { type: 'int16', bytes: 2 },
  0x0c: { type: 'int32', bytes: 4 },
  0x0d: { type: 'float32', bytes: 4 },
  0x0e: { type: 'float64', bytes: 8 },
};

/** Parses an IDX file; `name` only labels error messages. */
export function parseIdx(bytes: Uint8Array, name = 'IDX file'): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new DatasetError(`parseIdx: ${name} must be a Uint8Array`);
  if (bytes.length < 4) throw new DatasetError(`parseIdx: ${name} is truncated: ${bytes.length} bytes, shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    throw new DatasetError(`parseIdx: ${name} has a wrong magic number 0x${magic}; an IDX file starts with 0x0000 then a type byte and a dimension count`);
  }
  const kind = types[bytes[2]];
  if (!kind) {
    throw new DatasetError(`parseIdx: ${name} has an unknown data type byte 0x${bytes[2].toString(16).padStart(2, '0')}; allowed: 08, 09, 0b, 0c, 0d, 0e`);
  }
  const rank = bytes[3];
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw new DatasetError(`parseIdx: ${name} is truncated inside its header (${bytes.length} of ${headerLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    count *= size;
  }
  const expected = headerLength + count * kind.bytes;
  if (bytes.length < expected) {
    throw new DatasetError(`parseIdx: ${name} is truncated: dims [${dims.join(', ')}] need ${expected} bytes, found ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new DatasetError(`parseIdx: ${name} has ${bytes.length - expected} bytes after the data that dims [${dims.join(', ')}] describe`);
  }
  return { type: kind.type, dims, data: decode(kind.type, view, headerLength, count, bytes) };
}

function decode(type: IdxType, view: DataView, offset: number, count: number, bytes: Uint8Array): IdxData {
  switch (type) {
    case 'ubyte':
      return bytes.subarray(offset, offset + count);
    case 'byte':
      return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** Writes an IDX file (the inverse of `parseIdx`), for tests and for exporting subsets. */
export function encodeIdx(array: IdxArray): Uint8Array {
  const code = Number(Object.keys(types).find((k) => types[Number(k)].type === array.type));
  const size = types[code].bytes;
  const header = 4 + 4 * array.dims.length;
  const out = new Uint8Array(header + array.data.length * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.dims.length;
  array.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < array.data.length; i++) {
    const at = header + i * size;
    const value = array.data[i];
    if (array.type === 'ubyte') view.setUint8(at, value);
    else if (array.type === 'byte') view.setInt8(at, value);
    else if (array.type === 'int16') view.setInt16(at, value, false);
    else if (array.type === 'int32') view.setInt32(at, value, false);
    else if (array.type === 'float32') view.setFloat32(at, value, false);
    else view.setFloat64(at, value, false);
  }
  return out;
}
