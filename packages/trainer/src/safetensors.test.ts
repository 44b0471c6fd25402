import { describe, expect, it } from 'vitest';
import { crc32Hex, decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './index.js';

const sample = (): Record<string, SafetensorsTensor> => ({
  'layer.weight': { dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 1e-30, -0, Math.PI) },
  'layer.bias': { dtype: 'F32', shape: [3], data: Float32Array.of(0.1, 0.2, 0.3) },
  scalar: { dtype: 'F32', shape: [], data: Float32Array.of(7) },
  labels: { dtype: 'I32', shape: [4], data: Int32Array.of(0, -1, 2 ** 30, 5) },
});

/** Builds a safetensors file by hand, as another tool would write it (no checksum). */
function handMade(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function headerOf(bytes: Uint8Array): Record<string, unknown> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
}

describe('safetensors', () => {
  it('round-trips tensors and string metadata exactly', () => {
    const bytes = encodeSafetensors(sample(), { note: 'hello', config: JSON.stringify({ a: 1 }) });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect([...tensors.keys()]).toEqual(['layer.weight', 'layer.bias', 'scalar', 'labels']);
    for (const [name, t] of Object.entries(sample())) {
      const back = tensors.get(name)!;
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(back.data.constructor).toBe(t.data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(t.data));
    }
    expect(Object.is(tensors.get('layer.weight')!.data[4], -0)).toBe(true);
    expect(metadata).toMatchObject({ note: 'hello', config: '{"a":1}' });
    // Node Buffers are often views at an odd offset of a shared pool: values are still copied right.
    const unaligned = Buffer.concat([Buffer.alloc(3), Buffer.from(bytes)]).subarray(3);
    expect(Array.from(decodeSafetensors(unaligned).tensors.get('layer.bias')!.data)).toEqual(Array.from(sample()['layer.bias'].data));
  });

  it('writes the layout of the spec: u64 LE header length, 8-byte aligned JSON header, contiguous data', () => {
    const bytes = encodeSafetensors(sample(), { note: 'x' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = headerOf(bytes) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }> & { __metadata__: Record<string, string> };
    expect(header['layer.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header['layer.bias'].data_offsets).toEqual([24, 36]);
    expect(header.labels).toEqual({ dtype: 'I32', shape: [4], data_offsets: [40, 56] });
    expect(header.__metadata__.data_crc32).toBe(crc32Hex(bytes.subarray(8 + n)));
    expect(bytes.length).toBe(8 + n + 56);
    // little-endian float32 at the start of the data section: 1.0 = 00 00 80 3f
    expect(Array.from(bytes.subarray(8 + n, 8 + n + 4))).toEqual([0, 0, 0x80, 0x3f]);
  });

  it('reads files written by other tools (no checksum, unpadded header)', () => {
    const data = new Uint8Array(Float32Array.of(1, 2).buffer);
    const { tensors, metadata } = decodeSafetensors(handMade({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, __metadata__: { format: 'pt' } }, data));
    expect(Array.from(tensors.get('w')!.data)).toEqual([1, 2]);
    expect(metadata).toEqual({ format: 'pt' });
  });

  it('rejects truncated and corrupted files with clear errors', () => {
    const bytes = encodeSafetensors(sample());
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const source = { source: 'model.safetensors' };
    expect(() => decodeSafetensors(bytes.subarray(0, 5), source)).toThrow(/model\.safetensors: the file is 5 bytes long.*truncated/);
    expect(() => decodeSafetensors(bytes.subarray(0, 8 + n - 10), source)).toThrow(/header needs \d+ bytes but only \d+ follow.*truncated/);
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 3), source)).toThrow(/tensor 'labels' ends at byte 56 of the data section, which holds only 53 bytes; the file is truncated/);
    const flipped = bytes.slice();
    flipped[8 + n + 5] ^= 0x10;
    expect(() => decodeSafetensors(flipped, source)).toThrow(/checksum mismatch.*corrupted/);
    const badJson = bytes.slice();
    badJson[8] = 0x5b; // '['
    badJson[9] = 0x7b; // '{'
    expect(() => decodeSafetensors(badJson, source)).toThrow(/header is not valid JSON/);
    const hugeLength = bytes.slice();
    new DataView(hugeLength.buffer).setBigUint64(0, 2n ** 60n, true);
    expect(() => decodeSafetensors(hugeLength, source)).toThrow(/header length field says .* corrupted/);
  });

  it('validates header entries against the data', () => {
    const data = new Uint8Array(16);
    const decode = (header: unknown, d = data) => () => decodeSafetensors(handMade(header, d));
    expect(decode({ w: { dtype: 'BF16', shape: [8], data_offsets: [0, 16] } })).toThrow(/dtype "BF16"; this reader supports 'F32' and 'I32'/);
    expect(decode({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } })).toThrow(/shape \[3\] needs 12 bytes but its data_offsets span 16/);
    expect(decode({ w: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } })).toThrow(/starts at byte 8 of the data section, expected 0/);
    expect(decode({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } })).toThrow(/data section holds 16 bytes but the tensors cover 8/);
    expect(decode({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 16] } })).toThrow(/invalid shape/);
    expect(decode({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, __metadata__: { n: 1 } })).toThrow(/metadata values must be strings/);
    expect(decode([1, 2])).toThrow(/not a JSON object/);
    expect(() => encodeSafetensors({}, { n: 1 as unknown as string })).toThrow(/metadata 'n' must be a string/);
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })).toThrow(/2 values for shape \[3\]/);
  });
});
