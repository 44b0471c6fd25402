import { describe, expect, it } from 'vitest';
import { splitNames } from './splits.js';
import { spamAssassin, spamAssassinBalance, spamAssassinMessages, stripEmailHeaders } from './spam-assassin.js';

describe('SpamAssassin', () => {
  it('has 6,046 messages in five groups', () => {
    const groups = new Map<string, number>();
    for (const message of spamAssassinMessages()) groups.set(message.group, (groups.get(message.group) ?? 0) + 1);
    expect(Object.fromEntries(groups)).toEqual({ 'easy-ham-1': 2500, 'easy-ham-2': 1400, 'hard-ham-1': 250, 'spam-1': 500, 'spam-2': 1396 });
  });

  it('has fixed stratified splits of 4,836 / 605 / 605 with the same class balance', () => {
    const balance = spamAssassinBalance();
    expect(splitNames.map((split) => balance[split].total)).toEqual([4836, 605, 605]);
    expect(balance.train.classes.map((c) => c.count)).toEqual([3320, 1516]);
    expect(balance.validation.classes.map((c) => c.count)).toEqual([415, 190]);
    expect(balance.test.classes.map((c) => c.count)).toEqual([415, 190]);
    for (const split of splitNames) expect(balance[split].classes[1].fraction).toBeCloseTo(1896 / 6046, 2);
  });

  it('labels spam groups 1 and ham groups 0, and keeps splits disjoint', () => {
    const seen = new Set<string>();
    for (const split of splitNames) {
      const data = spamAssassin(split);
      expect(data.classNames).toEqual(['ham', 'spam']);
      data.groups.forEach((group, i) => expect(data.labels[i]).toBe(group.startsWith('spam') ? 1 : 0));
      for (const text of data.texts) seen.add(text);
    }
    // Disjoint splits: every message lands in exactly one (duplicates in the corpus aside).
    const unique = new Set(spamAssassinMessages().map((m) => m.text)).size;
    expect(seen.size).toBe(unique);
  });

  it('strips headers but keeps the subject when asked', () => {
    const raw = spamAssassin('test');
    const stripped = spamAssassin('test', { stripHeaders: true });
    expect(raw.texts[0]).toMatch(/^(From |Return-Path)/);
    expect(stripped.texts[0]).toMatch(/^Subject: /);
    expect(stripped.texts.every((text) => !/^Received: /m.test(text.split('\n\n')[0]))).toBe(true);
    expect(stripped.labels).toEqual(raw.labels);
  });

  it('strips a folded subject and a message without a blank line', () => {
    expect(stripEmailHeaders('From: a\nSubject: Hello\n  world\nX-Y: z\n\nBody\n\nmore')).toBe('Subject: Hello world\n\nBody\n\nmore');
    expect(stripEmailHeaders('From: a\nTo: b')).toBe('');
  });

  it('supports other ratios and rejects invalid ones and splits', () => {
    const half = spamAssassin('test', { ratios: { train: 0.5, validation: 0.25, test: 0.25 } });
    expect(half.texts.length).toBe(625 + 350 + 63 + 125 + 349);
    expect(() => spamAssassin('test', { ratios: { train: 0.5, validation: 0.5, test: 0.5 } })).toThrow(/ratios/);
    // @ts-expect-error: unknown split
    expect(() => spamAssassin('holdout')).toThrow(/split = "holdout" is invalid/);
  });
});
