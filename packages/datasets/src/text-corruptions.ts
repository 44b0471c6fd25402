/**
 * Seeded character-level text corruptions for robustness evaluation (in the spirit of
 * Belinkov & Bisk, "Synthetic and Natural Noise Both Break Neural Machine Translation", 2018,
 * and nlpaug's character augmenters). Text is handled as Unicode code points, so surrogate
 * pairs are never split. Same (text, kind, severity, seed) → same output.
 *
 * Severity 1–5 sets a rate r = 0.02, 0.05, 0.10, 0.15, 0.20, and each kind makes exactly
 * k = round(r · eligible) edits at distinct positions chosen uniformly at random:
 *
 * | kind          | eligible positions                              | edit                                      |
 * |---------------|-------------------------------------------------|-------------------------------------------|
 * | substitution  | every character (n)                             | replaced by a different printable ASCII char (! … ~) |
 * | insertion     | the n + 1 gaps (before each character, and the end) | a printable ASCII char inserted in the gap |
 * | deletion      | every character (n)                             | removed                                   |
 * | swap          | n / 2 (so about r · n characters move)          | two adjacent, different characters swapped; pairs never overlap |
 * | keyboard      | ASCII letters and digits                        | replaced by a QWERTY neighbour, case kept  |
 * | case          | characters with distinct upper and lower case   | case flipped                              |
 * | whitespace    | whitespace chars + gaps between two non-space chars | whitespace removed / a space inserted  |
 *
 * Swap makes fewer than k edits only when the text has fewer non-overlapping pairs of
 * different adjacent characters. `textCorruptionEdits` returns k without corrupting. Pure.
 */
import { createRng, sampleWithoutReplacement, type Rng } from './rng.js';
import { checkOneOf, checkSeed, checkSeverity, invalid } from './validate.js';

export const textCorruptionKinds = ['substitution', 'insertion', 'deletion', 'swap', 'keyboard', 'case', 'whitespace'] as const;
export type TextCorruptionKind = (typeof textCorruptionKinds)[number];
/** Rate r per severity 1…5 (index 0 is severity 1). */
export const textCorruptionRates: readonly number[] = Object.freeze([0.02, 0.05, 0.1, 0.15, 0.2]);

const PRINTABLE_FIRST = 0x21;
const PRINTABLE_COUNT = 0x7e - 0x21 + 1; // 94 characters, ! … ~

/** QWERTY neighbours from a staggered key layout (row offsets 0, 0.5, 0.75, 1.25 keys). */
const keyboardNeighbours: ReadonlyMap<string, string> = (() => {
  const rows = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
  const offsets = [0, 0.5, 0.75, 1.25];
  const map = new Map<string, string>();
  rows.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      const x = c + offsets[r];
      let near = '';
      for (let other = Math.max(0, r - 1); other <= Math.min(rows.length - 1, r + 1); other++) {
        for (let d = 0; d < rows[other].length; d++) {
          if (other === r && d === c) continue;
          if (Math.abs(d + offsets[other] - x) < (other === r ? 1.01 : 1)) near += rows[other][d];
        }
      }
      map.set(row[c], near);
    }
  });
  return map;
})();

const isWhitespace = (character: string): boolean => /^\s$/u.test(character);
const hasCase = (character: string): boolean => {
  const upper = character.toUpperCase();
  const lower = character.toLowerCase();
  return upper !== lower && [...upper].length === 1 && [...lower].length === 1;
};

/** Positions (in code points) each kind may touch; for whitespace, gap g is encoded as -(g + 1). */
function eligiblePositions(characters: string[], kind: TextCorruptionKind): number[] {
  const n = characters.length;
  const positions: number[] = [];
  if (kind === 'keyboard') {
    characters.forEach((c, i) => keyboardNeighbours.has(c.toLowerCase()) && /[a-z0-9]/i.test(c) && positions.push(i));
  } else if (kind === 'case') {
    characters.forEach((c, i) => hasCase(c) && positions.push(i));
  } else if (kind === 'whitespace') {
    for (let i = 0; i < n; i++) {
      if (isWhitespace(characters[i])) positions.push(i);
      else if (i + 1 < n && !isWhitespace(characters[i + 1])) positions.push(-(i + 2)); // gap before i + 1
    }
  } else {
    const slots = kind === 'insertion' ? n + 1 : n;
    for (let i = 0; i < slots; i++) positions.push(i);
  }
  return positions;
}

function editCount(eligible: number, kind: TextCorruptionKind, severity: number): number {
  const rate = textCorruptionRates[severity - 1];
  return Math.round(rate * (kind === 'swap' ? eligible / 2 : eligible));
}

/** The number of edits `corruptText` makes for this text, kind and severity (swap: at most). */
export function textCorruptionEdits(text: string, kind: TextCorruptionKind, severity: number): number {
  const checkedKind = checkOneOf('textCorruptionEdits', 'kind', kind, textCorruptionKinds);
  const checkedSeverity = checkSeverity('textCorruptionEdits', severity);
  return editCount(eligiblePositions(Array.from(text), checkedKind).length, checkedKind, checkedSeverity);
}

function randomPrintable(rng: Rng, not?: string): string {
  for (;;) {
    const c = String.fromCharCode(PRINTABLE_FIRST + rng.int(PRINTABLE_COUNT));
    if (c !== not) return c;
  }
}

/** Corrupts `text` with `kind` at `severity` (1–5), seeded; see the file header for amounts. */
export function corruptText(text: string, kind: TextCorruptionKind, severity: number, seed: number): string {
  if (typeof text !== 'string') invalid('corruptText', 'text', text, 'a string');
  const checkedKind = checkOneOf('corruptText', 'kind', kind, textCorruptionKinds);
  const checkedSeverity = checkSeverity('corruptText', severity);
  const rng = createRng(checkSeed('corruptText', seed));
  const characters = Array.from(text);
  const eligible = eligiblePositions(characters, checkedKind);
  const k = editCount(eligible.length, checkedKind, checkedSeverity);
  if (k === 0) return text;

  if (checkedKind === 'swap') return swapAdjacent(characters, k, rng);
  const chosen = Array.from(sampleWithoutReplacement(rng, eligible.length, k), (e) => eligible[e]).sort((a, b) => a - b);
  const out = characters.slice(); // for in-place kinds
  switch (checkedKind) {
    case 'substitution':
      for (const i of chosen) out[i] = randomPrintable(rng, characters[i]);
      return out.join('');
    case 'insertion': {
      // Gap i is before character i; gap n is the end.
      const before = new Uint8Array(characters.length + 1);
      for (const i of chosen) before[i] = 1;
      const built: string[] = [];
      for (let i = 0; i <= characters.length; i++) {
        if (before[i]) built.push(randomPrintable(rng));
        if (i < characters.length) built.push(characters[i]);
      }
      return built.join('');
    }
    case 'deletion': {
      const drop = new Uint8Array(characters.length);
      for (const i of chosen) drop[i] = 1;
      return characters.filter((_, i) => !drop[i]).join('');
    }
    case 'keyboard':
      for (const i of chosen) {
        const original = characters[i];
        const near = keyboardNeighbours.get(original.toLowerCase()) ?? '';
        const replacement = near[rng.int(near.length)];
        out[i] = original === original.toUpperCase() && original !== original.toLowerCase() ? replacement.toUpperCase() : replacement;
      }
      return out.join('');
    case 'case':
      for (const i of chosen) {
        const c = characters[i];
        out[i] = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      }
      return out.join('');
    case 'whitespace': {
      // Code p >= 0 deletes whitespace character p; code -(g + 1) inserts a space before g.
      const drop = new Uint8Array(characters.length);
      const spaceBefore = new Uint8Array(characters.length);
      for (const p of chosen) {
        if (p >= 0) drop[p] = 1;
        else spaceBefore[-p - 1] = 1;
      }
      const built: string[] = [];
      for (let i = 0; i < characters.length; i++) {
        if (spaceBefore[i]) built.push(' ');
        if (!drop[i]) built.push(characters[i]);
      }
      return built.join('');
    }
  }
}

/** Swaps up to k non-overlapping adjacent pairs of different characters. */
function swapAdjacent(characters: string[], k: number, rng: Rng): string {
  const out = characters.slice();
  const candidates: number[] = [];
  for (let i = 0; i + 1 < characters.length; i++) if (characters[i] !== characters[i + 1]) candidates.push(i);
  rng.shuffle(candidates);
  const used = new Uint8Array(characters.length);
  let done = 0;
  for (const i of candidates) {
    if (done === k) break;
    if (used[i] || used[i + 1]) continue;
    used[i] = used[i + 1] = 1;
    out[i] = characters[i + 1];
    out[i + 1] = characters[i];
    done++;
  }
  return out.join('');
}
