import { describe, expect, it } from 'vitest';
import { patchify, unpatchify } from './patchify.js';

describe('patchify', () => {
  it('cuts row-major patches, each flattened row-major', () => {
    // One 4 × 4 image with values 0..15, patch 2 → 4 patches of 4.
    const image = Float32Array.from({ length: 16 }, (_, i) => i);
    const patches = patchify(image, { count: 1, height: 4, width: 4, patch: 2 });
    expect(Array.from(patches)).toEqual([0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15]);
  });

  it('gives [count, 49, 16] for 28 × 28 with patch 4 and [count, 16, 49] with patch 7, and inverts', () => {
    const images = Float32Array.from({ length: 3 * 784 }, (_, i) => (i * 7919) % 255);
    for (const patch of [4, 7]) {
      const options = { count: 3, height: 28, width: 28, patch };
      const patches = patchify(images, options);
      expect(patches.length).toBe(images.length);
      const perImage = (28 / patch) ** 2;
      // Patch 1 of image 2 starts at row 0, column `patch`.
      expect(patches[(2 * perImage + 1) * patch * patch]).toBe(images[2 * 784 + patch]);
      expect(unpatchify(patches, options)).toEqual(images);
    }
  });

  it('handles channels last', () => {
    const image = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
    const patches = patchify(image, { count: 1, height: 2, width: 2, patch: 1, channels: 3 });
    expect(patches).toEqual(image);
  });

  it('rejects a patch that does not divide the image, or a wrong length', () => {
    expect(() => patchify(new Float32Array(784), { count: 1, height: 28, width: 28, patch: 5 })).toThrow(
      /patch = 5 is invalid; allowed: a divisor of both height \(28\) and width \(28\)/,
    );
    expect(() => patchify(new Float32Array(700), { count: 1, height: 28, width: 28, patch: 4 })).toThrow(/images.length = 700/);
  });
});
