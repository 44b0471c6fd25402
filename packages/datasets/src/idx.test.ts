import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx } from './idx.js';
import { DatasetError } from './validate.js';

describe('parseIdx', () => {
  it('parses what encodeIdx writes, for every data type', () => {
    const ubyte = parseIdx(encodeIdx({ type: 'ubyte', dims: [2, 3], data: Uint8Array.of(0, 1, 2, 253, 254, 255) }));
    expect(ubyte.type).toBe('ubyte');
    expect(ubyte.dims).toEqual([2, 3]);
    expect(Array.from(ubyte.data)).toEqual([0, 1, 2, 253, 254, 255]);
    const types = [
      ['byte', Int8Array.of(-128, 0, 127)],
      ['int16', Int16Array.of(-32768, 1, 32767)],
      ['int32', Int32Array.of(-5, 0, 2 ** 31 - 1)],
      ['float32', Float32Array.of(-1.5, 0, 3.25)],
      ['float64', Float64Array.of(Math.PI, -0, 1e300)],
    ] as const;
    for (const [type, data] of types) {
      const parsed = parseIdx(encodeIdx({ type, dims: [3], data }));
      expect(parsed.type).toBe(type);
      expect(Array.from(parsed.data)).toEqual(Array.from(data));
    }
  });

  it('rejects a wrong magic number', () => {
    const bytes = encodeIdx({ type: 'ubyte', dims: [1], data: Uint8Array.of(1) });
    bytes[0] = 0x1f;
    expect(() => parseIdx(bytes, 'labels.idx')).toThrow(/labels.idx has a wrong magic number 0x1f000801/);
  });

  it('rejects an unknown type byte', () => {
    const bytes = encodeIdx({ type: 'ubyte', dims: [1], data: Uint8Array.of(1) });
    bytes[2] = 0x07;
    expect(() => parseIdx(bytes)).toThrow(/unknown data type byte 0x07/);
  });

  it('rejects truncated files and trailing bytes', () => {
    const bytes = encodeIdx({ type: 'ubyte', dims: [4, 2], data: new Uint8Array(8) });
    expect(() => parseIdx(bytes.subarray(0, 2))).toThrow(/truncated: 2 bytes/);
    expect(() => parseIdx(bytes.subarray(0, 9))).toThrow(/truncated inside its header/);
    expect(() => parseIdx(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated: dims \[4, 2\] need 20 bytes, found 19/);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => parseIdx(longer)).toThrow(/3 bytes after the data/);
    expect(() => parseIdx(bytes.subarray(0, 3))).toThrow(DatasetError);
  });
});
