/**
 * Class-balance report of a label array: the count and fraction of each class, so a
 * fine-tuning run can report (and weight for) an unbalanced set such as SpamAssassin's
 * two-to-one ham/spam ratio. Labels must be integers in [0, classNames.length). Pure.
 */
import { DatasetError } from './validate.js';

export interface ClassBalance {
  total: number;
  classes: Array<{ name: string; count: number; fraction: number }>;
}

export function classBalance(labels: ArrayLike<number>, classNames: readonly string[]): ClassBalance {
  const counts = new Array<number>(classNames.length).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classNames.length) {
      throw new DatasetError(`classBalance: label ${label} at index ${i} is outside [0, ${classNames.length})`);
    }
    counts[label]++;
  }
  const total = labels.length;
  return {
    total,
    classes: classNames.map((name, c) => ({ name, count: counts[c], fraction: total === 0 ? 0 : counts[c] / total })),
  };
}
