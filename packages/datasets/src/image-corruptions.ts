/**
 * Seeded image corruptions for robustness evaluation, in the spirit of MNIST-C (Mu & Gilmer,
 * "MNIST-C: A Robustness Benchmark for Computer Vision", 2019) and ImageNet-C (Hendrycks &
 * Dietterich, 2019). Single-channel images [count, height, width] with values in [0, 1];
 * the output is a new array, clipped to [0, 1]. Image i draws from its own stream
 * deriveSeed(seed, i), so the same (images, kind, severity, seed) gives the same output.
 *
 * | kind           | parameter per severity 1 … 5                   | what it does                                    |
 * |----------------|-----------------------------------------------|-------------------------------------------------|
 * | gaussian-noise | σ = 0.08, 0.12, 0.18, 0.26, 0.38              | x + σ·N(0, 1)                                   |
 * | shot-noise     | λ = 60, 25, 12, 5, 3                          | Poisson(λ·x) / λ (photon noise; variance x / λ)  |
 * | impulse-noise  | p = 0.03, 0.06, 0.09, 0.17, 0.27              | round(p·h·w) distinct pixels set to 0 or 1 (½ each) |
 * | blur           | σ = 0.5, 0.75, 1.0, 1.25, 1.5 pixels          | separable Gaussian, radius ⌈3σ⌉, edges clamped  |
 * | contrast       | c = 0.4, 0.3, 0.2, 0.1, 0.05                  | mean + c·(x − mean), mean per image              |
 * | rotation       | θ = 10, 20, 30, 40, 50 degrees (sign random)  | bilinear rotation about the centre, 0 outside   |
 * | translation    | s = 1, 2, 3, 4, 5 pixels                      | integer shift with max(|dx|, |dy|) = s, 0 fill  |
 * | occlusion      | side = round(f·min(h, w)), f = 0.15, 0.25, 0.35, 0.45, 0.55 (28 px: 4, 7, 10, 13, 15) | a side × side square at a random place inside the image set to 0 |
 * Pure.
 */
import { createRng, deriveSeed, sampleWithoutReplacement, type Rng } from './rng.js';
import { checkInteger, checkOneOf, checkSeed, checkSeverity, invalid } from './validate.js';

export const imageCorruptionKinds = [
  'gaussian-noise',
  'shot-noise',
  'impulse-noise',
  'blur',
  'contrast',
  'rotation',
  'translation',
  'occlusion',
] as const;
export type ImageCorruptionKind = (typeof imageCorruptionKinds)[number];

/** The parameter of each kind per severity 1 … 5 (see the table above). */
export const imageCorruptionLevels: Readonly<Record<ImageCorruptionKind, readonly number[]>> = Object.freeze({
  'gaussian-noise': [0.08, 0.12, 0.18, 0.26, 0.38],
  'shot-noise': [60, 25, 12, 5, 3],
  'impulse-noise': [0.03, 0.06, 0.09, 0.17, 0.27],
  blur: [0.5, 0.75, 1, 1.25, 1.5],
  contrast: [0.4, 0.3, 0.2, 0.1, 0.05],
  rotation: [10, 20, 30, 40, 50],
  translation: [1, 2, 3, 4, 5],
  occlusion: [0.15, 0.25, 0.35, 0.45, 0.55],
});

export interface ImageShape {
  count: number;
  height: number;
  width: number;
}

/** The parameter used by `kind` at `severity`. */
export function imageCorruptionParameter(kind: ImageCorruptionKind, severity: number): number {
  const checkedKind = checkOneOf('imageCorruptionParameter', 'kind', kind, imageCorruptionKinds);
  return imageCorruptionLevels[checkedKind][checkSeverity('imageCorruptionParameter', severity) - 1];
}

/** Side of the occluding square for an image of this size at this severity. */
export function occlusionSide(height: number, width: number, severity: number): number {
  return Math.max(1, Math.round(imageCorruptionParameter('occlusion', severity) * Math.min(height, width)));
}

/** Corrupts every image; see the file header for each kind's parameters. */
export function corruptImages(
  images: Float32Array,
  shape: ImageShape,
  kind: ImageCorruptionKind,
  severity: number,
  seed: number,
): Float32Array {
  const where = 'corruptImages';
  if (!(images instanceof Float32Array)) invalid(where, 'images', images, 'a Float32Array');
  const count = checkInteger(where, 'count', shape?.count, 0);
  const height = checkInteger(where, 'height', shape.height, 1);
  const width = checkInteger(where, 'width', shape.width, 1);
  if (images.length !== count * height * width) invalid(where, 'images.length', images.length, `count · height · width = ${count * height * width}`);
  const checkedKind = checkOneOf(where, 'kind', kind, imageCorruptionKinds);
  const checkedSeverity = checkSeverity(where, severity);
  checkSeed(where, seed);
  const parameter = imageCorruptionLevels[checkedKind][checkedSeverity - 1];
  const size = height * width;
  const out = new Float32Array(images.length);
  const kernel = checkedKind === 'blur' ? gaussianKernel(parameter) : undefined;
  for (let n = 0; n < count; n++) {
    const source = images.subarray(n * size, (n + 1) * size);
    const target = out.subarray(n * size, (n + 1) * size);
    const rng = createRng(deriveSeed(seed, n));
    switch (checkedKind) {
      case 'gaussian-noise':
        for (let i = 0; i < size; i++) target[i] = source[i] + parameter * rng.normal();
        break;
      case 'shot-noise':
        for (let i = 0; i < size; i++) target[i] = poisson(rng, Math.max(0, source[i]) * parameter) / parameter;
        break;
      case 'impulse-noise': {
        target.set(source);
        for (const i of sampleWithoutReplacement(rng, size, Math.round(parameter * size))) target[i] = rng.next() < 0.5 ? 0 : 1;
        break;
      }
      case 'blur':
        blur(source, target, height, width, kernel as Float64Array);
        break;
      case 'contrast': {
        let mean = 0;
        for (let i = 0; i < size; i++) mean += source[i];
        mean /= size;
        for (let i = 0; i < size; i++) target[i] = mean + parameter * (source[i] - mean);
        break;
      }
      case 'rotation':
        rotate(source, target, height, width, ((rng.next() < 0.5 ? -1 : 1) * parameter * Math.PI) / 180);
        break;
      case 'translation': {
        const along = rng.int(2);
        const main = (rng.next() < 0.5 ? -1 : 1) * parameter;
        const other = rng.int(2 * parameter + 1) - parameter;
        shift(source, target, height, width, along === 0 ? main : other, along === 0 ? other : main);
        break;
      }
      case 'occlusion': {
        target.set(source);
        const side = Math.min(occlusionSide(height, width, checkedSeverity), height, width);
        const top = rng.int(height - side + 1);
        const left = rng.int(width - side + 1);
        for (let y = top; y < top + side; y++) target.fill(0, y * width + left, y * width + left + side);
        break;
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, Math.max(0, out[i]));
  return out;
}

/** Poisson sample: Knuth's product method below mean 30, a rounded normal above. */
function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean >= 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  let product = rng.next();
  while (product > limit) {
    k++;
    product *= rng.next();
  }
  return k;
}

/** Normalised 1-D Gaussian weights for offsets −r … r, r = ⌈3σ⌉. */
export function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.ceil(3 * sigma);
  const weights = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k++) total += weights[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  for (let k = 0; k < weights.length; k++) weights[k] /= total;
  return weights;
}

function blur(source: Float32Array, target: Float32Array, height: number, width: number, kernel: Float64Array): void {
  const radius = (kernel.length - 1) / 2;
  const rows = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * source[y * width + Math.min(width - 1, Math.max(0, x + k))];
      rows[y * width + x] = sum;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * rows[Math.min(height - 1, Math.max(0, y + k)) * width + x];
      target[y * width + x] = sum;
    }
  }
}

/** Rotates by `angle` radians about the centre (positive turns clockwise on screen, y pointing down). */
function rotate(source: Float32Array, target: Float32Array, height: number, width: number, angle: number): void {
  const cy = (height - 1) / 2;
  const cx = (width - 1) / 2;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const at = (y: number, x: number): number => (y >= 0 && y < height && x >= 0 && x < width ? source[y * width + x] : 0);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Inverse map: where in the source does this output pixel come from.
      const dx = x - cx;
      const dy = y - cy;
      const sx = cos * dx + sin * dy + cx;
      const sy = -sin * dx + cos * dy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      target[y * width + x] =
        (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
  }
}

function shift(source: Float32Array, target: Float32Array, height: number, width: number, dx: number, dy: number): void {
  target.fill(0);
  for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
    for (let x = Math.max(0, dx); x < Math.min(width, width + dx); x++) target[y * width + x] = source[(y - dy) * width + (x - dx)];
  }
}
