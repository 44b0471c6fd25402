/**
 * Patchify for ViT-style models (Dosovitskiy et al., "An Image is Worth 16x16 Words", 2021):
 * cuts each image into non-overlapping patch × patch squares, in row-major order over the
 * patch grid, each flattened row-major (channel last when channels > 1).
 *   in:  [count, height, width, channels]   out: [count, (height/patch)·(width/patch), patch·patch·channels]
 * For 28 × 28 MNIST: patch 4 → 49 patches of 16, patch 7 → 16 patches of 49.
 * height and width must be multiples of patch. `unpatchify` is the inverse. Pure.
 */
import { checkInteger, invalid } from './validate.js';

export interface PatchOptions {
  count: number;
  height: number;
  width: number;
  patch: number;
  /** Default 1. */
  channels?: number;
}

function checkPatchOptions(where: string, length: number, options: PatchOptions): Required<PatchOptions> {
  const count = checkInteger(where, 'count', options.count, 0);
  const height = checkInteger(where, 'height', options.height, 1);
  const width = checkInteger(where, 'width', options.width, 1);
  const patch = checkInteger(where, 'patch', options.patch, 1);
  const channels = checkInteger(where, 'channels', options.channels ?? 1, 1);
  if (height % patch !== 0 || width % patch !== 0) {
    invalid(where, 'patch', patch, `a divisor of both height (${height}) and width (${width})`);
  }
  if (length !== count * height * width * channels) {
    invalid(where, 'images.length', length, `count · height · width · channels = ${count * height * width * channels}`);
  }
  return { count, height, width, patch, channels };
}

/** Images [count, height, width, channels] → patches [count, patches, patch·patch·channels]. */
export function patchify(images: Float32Array, options: PatchOptions): Float32Array {
  const { count, height, width, patch, channels } = checkPatchOptions('patchify', images.length, options);
  const out = new Float32Array(images.length);
  copyPatches(images, out, count, height, width, patch, channels, true);
  return out;
}

/** Patches [count, patches, patch·patch·channels] → images [count, height, width, channels]. */
export function unpatchify(patches: Float32Array, options: PatchOptions): Float32Array {
  const { count, height, width, patch, channels } = checkPatchOptions('unpatchify', patches.length, options);
  const out = new Float32Array(patches.length);
  copyPatches(patches, out, count, height, width, patch, channels, false);
  return out;
}

function copyPatches(
  from: Float32Array,
  to: Float32Array,
  count: number,
  height: number,
  width: number,
  patch: number,
  channels: number,
  forward: boolean,
): void {
  const across = width / patch;
  const rowLength = patch * channels;
  let p = 0; // position in the patch layout
  for (let n = 0; n < count; n++) {
    const image = n * height * width * channels;
    for (let py = 0; py < height / patch; py++) {
      for (let px = 0; px < across; px++) {
        for (let y = 0; y < patch; y++) {
          const start = image + ((py * patch + y) * width + px * patch) * channels;
          if (forward) to.set(from.subarray(start, start + rowLength), p);
          else to.set(from.subarray(p, p + rowLength), start);
          p += rowLength;
        }
      }
    }
  }
}
