/**
 * --corrupt kind:severity for the robustness evaluation: text kinds corrupt characters of the
 * validation text or messages; image kinds corrupt MNIST test images (MNIST-C in spirit).
 */
import { corruptImages, corruptText, imageCorruptionKinds, textCorruptionKinds, type ImageCorruptionKind, type TextCorruptionKind } from '@smoe/datasets';
import { UsageError } from './args.js';

/** A parsed corruption. */
export interface Corruption {
  kind: string;
  severity: number;
}

/** Parses 'kind:severity' for a text or image task. */
export function parseCorruption(spec: string, task: 'text' | 'image'): Corruption {
  const [kind, sev] = spec.split(':');
  const kinds: readonly string[] = task === 'text' ? textCorruptionKinds : imageCorruptionKinds;
  const severity = Number(sev ?? '3');
  if (!kinds.includes(kind)) throw new UsageError(`--corrupt ${spec}: unknown ${task} corruption '${kind}'; use one of ${kinds.join(', ')} (as kind:severity)`);
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new UsageError(`--corrupt ${spec}: severity must be an integer from 1 to 5`);
  return { kind, severity };
}

/** Applies a text corruption (seeded). */
export function corruptString(text: string, c: Corruption, seed: number): string {
  return corruptText(text, c.kind as TextCorruptionKind, c.severity, seed);
}

/** Applies an image corruption to `count` 28×28 images (seeded). */
export function corruptMnist(images: Float32Array, count: number, c: Corruption, seed: number): Float32Array {
  return corruptImages(images, { count, height: 28, width: 28 }, c.kind as ImageCorruptionKind, c.severity, seed);
}

/**
 * Byte ids of `text` read through a corruption, aligned position by position with the clean
 * ids (`tokenizer.encode(text)`): the robustness setting scores a model that reads corrupted
 * text on predicting the original. Needs a corruption that keeps the characters' positions
 * (substitution, swap, keyboard, case); a corrupted character whose bytes are not as many as
 * the original's keeps the original bytes (only non-ASCII characters can differ so).
 */
export function corruptAligned(text: string, c: Corruption, seed: number, encode: (s: string) => Int32Array): Int32Array {
  const clean = Array.from(text);
  const corrupted = Array.from(corruptString(text, c, seed));
  if (corrupted.length !== clean.length) {
    throw new UsageError(`--corrupt ${c.kind}:${c.severity}: the robustness setting scores corrupted inputs against the clean text position by position, so the corruption must keep every character's position; '${c.kind}' changed ${clean.length} characters into ${corrupted.length} (use substitution, swap, keyboard or case)`);
  }
  const out: number[] = [];
  for (let i = 0; i < clean.length; i++) {
    const original = encode(clean[i]);
    const replaced = encode(corrupted[i]);
    for (const id of replaced.length === original.length ? replaced : original) out.push(id);
  }
  return Int32Array.from(out);
}
