import { describe, expect, it } from 'vitest';
import { mobyDick } from './moby-dick.js';
import { corruptText, textCorruptionEdits, textCorruptionKinds, textCorruptionRates } from './text-corruptions.js';
import { DatasetError } from './validate.js';

const text = mobyDick('test').slice(0, 5000);
const characters = Array.from(text);
const severities = [1, 2, 3, 4, 5] as const;

function hamming(a: string[], b: string[]): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d;
}

/** True when `small` is a subsequence of `large`. */
function isSubsequence(small: string[], large: string[]): boolean {
  let j = 0;
  for (let i = 0; i < large.length && j < small.length; i++) if (large[i] === small[j]) j++;
  return j === small.length;
}

/** Whitespace runs between consecutive non-whitespace characters (and at both ends). */
function whitespaceRuns(value: string): number[] {
  return value.split(/\S/u).map((run) => run.length);
}

describe('corruptText', () => {
  it('makes round(rate · eligible) edits, rate = 0.02 / 0.05 / 0.10 / 0.15 / 0.20', () => {
    expect(textCorruptionRates).toEqual([0.02, 0.05, 0.1, 0.15, 0.2]);
    const n = characters.length;
    const letters = characters.filter((c) => /[a-z]/i.test(c)).length;
    for (const severity of severities) {
      const rate = textCorruptionRates[severity - 1];
      expect(textCorruptionEdits(text, 'substitution', severity)).toBe(Math.round(rate * n));
      expect(textCorruptionEdits(text, 'insertion', severity)).toBe(Math.round(rate * (n + 1)));
      expect(textCorruptionEdits(text, 'swap', severity)).toBe(Math.round((rate * n) / 2));
      expect(textCorruptionEdits(text, 'case', severity)).toBe(Math.round(rate * letters));
    }
  });

  it('changes the text by exactly the documented amount for every kind and severity', () => {
    for (const severity of severities) {
      const k = (kind: (typeof textCorruptionKinds)[number]): number => textCorruptionEdits(text, kind, severity);
      const out = (kind: (typeof textCorruptionKinds)[number]): string[] => Array.from(corruptText(text, kind, severity, 11));

      const substituted = out('substitution');
      expect(substituted.length).toBe(characters.length);
      expect(hamming(characters, substituted)).toBe(k('substitution'));

      const inserted = out('insertion');
      expect(inserted.length).toBe(characters.length + k('insertion'));
      expect(isSubsequence(characters, inserted)).toBe(true);

      const deleted = out('deletion');
      expect(deleted.length).toBe(characters.length - k('deletion'));
      expect(isSubsequence(deleted, characters)).toBe(true);

      const swapped = out('swap');
      expect(hamming(characters, swapped)).toBe(2 * k('swap'));
      expect([...swapped].sort()).toEqual([...characters].sort());
      for (let i = 0; i < characters.length; i++) {
        if (swapped[i] !== characters[i]) {
          expect(swapped[i] === characters[i + 1] || swapped[i] === characters[i - 1]).toBe(true);
        }
      }

      const typed = out('keyboard');
      expect(hamming(characters, typed)).toBe(k('keyboard'));
      for (let i = 0; i < characters.length; i++) {
        if (typed[i] !== characters[i]) {
          expect(typed[i]).toMatch(/^[a-z0-9]$/i);
          const upper = /[A-Z]/.test(characters[i]);
          expect(upper ? typed[i] === typed[i].toUpperCase() : typed[i] === typed[i].toLowerCase()).toBe(true);
        }
      }

      const flipped = out('case');
      expect(hamming(characters, flipped)).toBe(k('case'));
      expect(flipped.join('').toLowerCase()).toBe(text.toLowerCase());

      const spaced = corruptText(text, 'whitespace', severity, 11);
      expect(spaced.replace(/\s/gu, '')).toBe(text.replace(/\s/gu, ''));
      const before = whitespaceRuns(text);
      const after = whitespaceRuns(spaced);
      expect(before.reduce((sum, run, i) => sum + Math.abs(run - after[i]), 0)).toBe(k('whitespace'));
    }
  });

  it('uses QWERTY neighbours for keyboard typos', () => {
    const out = corruptText('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'keyboard', 5, 3);
    expect(out.replace(/a/g, '')).toMatch(/^[qwszx]+$/);
  });

  it('is deterministic under a seed and changes with the seed', () => {
    for (const kind of textCorruptionKinds) {
      expect(corruptText(text, kind, 3, 7)).toBe(corruptText(text, kind, 3, 7));
      expect(corruptText(text, kind, 3, 7)).not.toBe(corruptText(text, kind, 3, 8));
      expect(corruptText(text, kind, 3, 7)).not.toBe(text);
    }
  });

  it('never splits surrogate pairs and leaves empty text alone', () => {
    const emoji = '🐋🐳🐋🐳 whale 🐋🐳🐋🐳 sea 🐋🐳'.repeat(5);
    for (const kind of textCorruptionKinds) {
      const out = corruptText(emoji, kind, 5, 1);
      expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(corruptText('', kind, 5, 1)).toBe('');
    }
  });

  it('rejects an unknown kind or a severity outside 1–5', () => {
    // @ts-expect-error: unknown kind
    expect(() => corruptText(text, 'typo', 1, 0)).toThrow(/kind = "typo" is invalid; allowed: "substitution" \|/);
    expect(() => corruptText(text, 'swap', 0, 0)).toThrow(/severity = 0 is invalid; allowed: an integer in \[1, 5\]/);
    expect(() => corruptText(text, 'swap', 2.5, 0)).toThrow(DatasetError);
    expect(() => corruptText(text, 'swap', 6, 0)).toThrow(DatasetError);
  });
});
