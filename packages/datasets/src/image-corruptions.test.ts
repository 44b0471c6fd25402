import { describe, expect, it } from 'vitest';
import {
  corruptImages,
  imageCorruptionKinds,
  imageCorruptionLevels,
  imageCorruptionParameter,
  occlusionSide,
  type ImageCorruptionKind,
} from './image-corruptions.js';
import { mnist } from './mnist.js';

const H = 28;
const W = 28;
const SIZE = H * W;
const severities = [1, 2, 3, 4, 5] as const;

function constant(count: number, value: number): Float32Array {
  return new Float32Array(count * SIZE).fill(value);
}

function stats(values: ArrayLike<number>): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let variance = 0;
  for (let i = 0; i < values.length; i++) variance += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(variance / values.length) };
}

/** Centroid (x, y) and orientation (degrees) from image moments. */
function moments(image: Float32Array): { x: number; y: number; angle: number; mass: number } {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) (mass += image[y * W + x]), (sx += x * image[y * W + x]), (sy += y * image[y * W + x]);
  const cx = sx / mass;
  const cy = sy / mass;
  let m20 = 0;
  let m02 = 0;
  let m11 = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = image[y * W + x];
      m20 += v * (x - cx) ** 2;
      m02 += v * (y - cy) ** 2;
      m11 += v * (x - cx) * (y - cy);
    }
  }
  return { x: cx, y: cy, angle: (0.5 * Math.atan2(2 * m11, m20 - m02) * 180) / Math.PI, mass };
}

/** Element-wise equality (vitest's deep equality is slow on large typed arrays). */
function same(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const realImages = mnist('test').images.subarray(0, 200 * SIZE);

describe('corruptImages amounts', () => {
  it('gaussian-noise adds N(0, σ²) noise, clipped to [0, 1]', () => {
    for (const severity of severities) {
      const sigma = imageCorruptionParameter('gaussian-noise', severity);
      const out = corruptImages(constant(60, 0.5), { count: 60, height: H, width: W }, 'gaussian-noise', severity, 1);
      // Expected standard deviation of clamp(σZ, −0.5, 0.5), by numerical integration.
      let second = 0;
      for (let z = -8; z <= 8; z += 0.001) second += Math.min(0.5, Math.abs(sigma * z)) ** 2 * Math.exp(-z * z / 2) * 0.001;
      const expected = Math.sqrt(second / Math.sqrt(2 * Math.PI));
      const { mean, std } = stats(out);
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
      expect(std / expected).toBeGreaterThan(0.97);
      expect(std / expected).toBeLessThan(1.03);
    }
  });

  it('shot-noise is Poisson(λx)/λ, clipped at 1', () => {
    const x = 0.25;
    for (const severity of severities) {
      const lambda = imageCorruptionParameter('shot-noise', severity);
      const out = corruptImages(constant(60, x), { count: 60, height: H, width: W }, 'shot-noise', severity, 2);
      let p = Math.exp(-lambda * x);
      let m1 = 0;
      let m2 = 0;
      for (let k = 0; k < 200; k++) {
        const value = Math.min(1, k / lambda);
        m1 += p * value;
        m2 += p * value * value;
        p *= (lambda * x) / (k + 1);
      }
      const { mean, std } = stats(out);
      expect(Math.abs(mean - m1)).toBeLessThan(0.005);
      expect(std / Math.sqrt(m2 - m1 * m1)).toBeGreaterThan(0.96);
      expect(std / Math.sqrt(m2 - m1 * m1)).toBeLessThan(1.04);
    }
  });

  it('impulse-noise sets exactly round(p · pixels) pixels of each image to 0 or 1', () => {
    for (const severity of severities) {
      const fraction = imageCorruptionParameter('impulse-noise', severity);
      const out = corruptImages(constant(5, 0.5), { count: 5, height: H, width: W }, 'impulse-noise', severity, 3);
      for (let n = 0; n < 5; n++) {
        const image = out.subarray(n * SIZE, (n + 1) * SIZE);
        const salt = image.filter((v) => v === 1).length;
        const pepper = image.filter((v) => v === 0).length;
        expect(salt + pepper).toBe(Math.round(fraction * SIZE));
        expect(image.filter((v) => v !== 0 && v !== 1 && v !== 0.5).length).toBe(0);
      }
    }
  });

  it('blur spreads an impulse as a Gaussian of the documented σ', () => {
    for (const severity of severities) {
      const sigma = imageCorruptionParameter('blur', severity);
      const impulse = new Float32Array(SIZE);
      impulse[14 * W + 14] = 1;
      const out = corruptImages(impulse, { count: 1, height: H, width: W }, 'blur', severity, 0);
      let norm = 0;
      for (let k = -Math.ceil(3 * sigma); k <= Math.ceil(3 * sigma); k++) norm += Math.exp(-(k * k) / (2 * sigma * sigma));
      expect(out[14 * W + 14]).toBeCloseTo(1 / norm ** 2, 5);
      expect(out[14 * W + 15]).toBeCloseTo(Math.exp(-1 / (2 * sigma * sigma)) / norm ** 2, 5);
      expect(stats(out).mean * SIZE).toBeCloseTo(1, 5);
    }
  });

  it('contrast scales each image’s deviation from its mean by c', () => {
    for (const severity of severities) {
      const c = imageCorruptionParameter('contrast', severity);
      const out = corruptImages(realImages.subarray(0, 10 * SIZE), { count: 10, height: H, width: W }, 'contrast', severity, 0);
      for (let n = 0; n < 10; n++) {
        const before = stats(realImages.subarray(n * SIZE, (n + 1) * SIZE));
        const after = stats(out.subarray(n * SIZE, (n + 1) * SIZE));
        expect(after.mean).toBeCloseTo(before.mean, 5);
        expect(after.std).toBeCloseTo(c * before.std, 5);
      }
    }
  });

  it('rotation turns a bar by ±θ degrees about the centre', () => {
    const bar = new Float32Array(SIZE);
    for (const y of [13, 14]) for (let x = 4; x < 24; x++) bar[y * W + x] = 1;
    const bars = new Float32Array(8 * SIZE);
    for (let n = 0; n < 8; n++) bars.set(bar, n * SIZE);
    for (const severity of severities) {
      const theta = imageCorruptionParameter('rotation', severity);
      const out = corruptImages(bars, { count: 8, height: H, width: W }, 'rotation', severity, 4);
      const signs = new Set<number>();
      for (let n = 0; n < 8; n++) {
        const m = moments(out.subarray(n * SIZE, (n + 1) * SIZE));
        expect(Math.abs(Math.abs(m.angle) - theta)).toBeLessThan(1.5);
        expect(Math.hypot(m.x - 13.5, m.y - 13.5)).toBeLessThan(0.2);
        signs.add(Math.sign(m.angle));
      }
      expect(signs.size).toBe(2);
    }
  });

  it('translation shifts by (dx, dy) with max(|dx|, |dy|) = s pixels', () => {
    const blob = new Float32Array(SIZE);
    for (let y = 12; y < 16; y++) for (let x = 12; x < 16; x++) blob[y * W + x] = 1;
    const blobs = new Float32Array(10 * SIZE);
    for (let n = 0; n < 10; n++) blobs.set(blob, n * SIZE);
    for (const severity of severities) {
      const shift = imageCorruptionParameter('translation', severity);
      const out = corruptImages(blobs, { count: 10, height: H, width: W }, 'translation', severity, 5);
      for (let n = 0; n < 10; n++) {
        const m = moments(out.subarray(n * SIZE, (n + 1) * SIZE));
        expect(m.mass).toBe(16);
        const dx = m.x - 13.5;
        const dy = m.y - 13.5;
        expect(Number.isInteger(dx) && Number.isInteger(dy)).toBe(true);
        expect(Math.max(Math.abs(dx), Math.abs(dy))).toBe(shift);
      }
    }
  });

  it('occlusion zeroes one side × side square inside each image', () => {
    expect(severities.map((s) => occlusionSide(28, 28, s))).toEqual([4, 7, 10, 13, 15]);
    for (const severity of severities) {
      const side = occlusionSide(H, W, severity);
      const out = corruptImages(constant(6, 1), { count: 6, height: H, width: W }, 'occlusion', severity, 6);
      for (let n = 0; n < 6; n++) {
        const zeros: number[] = [];
        out.subarray(n * SIZE, (n + 1) * SIZE).forEach((v, i) => v === 0 && zeros.push(i));
        expect(zeros.length).toBe(side * side);
        const rows = zeros.map((i) => Math.floor(i / W));
        const cols = zeros.map((i) => i % W);
        expect(Math.max(...rows) - Math.min(...rows)).toBe(side - 1);
        expect(Math.max(...cols) - Math.min(...cols)).toBe(side - 1);
      }
    }
  });
});

describe('corruptImages on MNIST', () => {
  const shape = { count: 200, height: H, width: W };
  const meanChange = (kind: ImageCorruptionKind, severity: number): number => {
    const out = corruptImages(realImages, shape, kind, severity, 9);
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += Math.abs(out[i] - realImages[i]);
    return sum / out.length;
  };

  it('stays in [0, 1], changes images more as severity grows, and is deterministic (blur and contrast use no randomness)', () => {
    for (const kind of imageCorruptionKinds) {
      const changes = severities.map((severity) => meanChange(kind, severity));
      for (let s = 1; s < 5; s++) expect(changes[s]).toBeGreaterThan(changes[s - 1]);
      const out = corruptImages(realImages, shape, kind, 3, 1);
      expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(same(corruptImages(realImages, shape, kind, 3, 1), out)).toBe(true);
      expect(same(out, realImages)).toBe(false);
      expect(same(corruptImages(realImages, shape, kind, 3, 2), out)).toBe(kind === 'blur' || kind === 'contrast');
    }
  });

  it('documents five levels per kind and rejects bad arguments', () => {
    for (const kind of imageCorruptionKinds) expect(imageCorruptionLevels[kind].length).toBe(5);
    expect(() => corruptImages(realImages, shape, 'blur', 0, 1)).toThrow(/severity = 0 is invalid/);
    // @ts-expect-error: unknown kind
    expect(() => corruptImages(realImages, shape, 'fog', 1, 1)).toThrow(/kind = "fog" is invalid; allowed: "gaussian-noise"/);
    expect(() => corruptImages(realImages, { count: 3, height: H, width: W }, 'blur', 1, 1)).toThrow(/images.length/);
  });
});
