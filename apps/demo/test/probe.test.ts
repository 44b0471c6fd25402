import { describe, expect, it } from 'vitest';
import { linearProbe, nearestNeighbourLabels } from '../src/probe.js';

describe('embedding probes', () => {
  it('nearest neighbour by cosine: direction counts, length does not', () => {
    const train = Float32Array.of(1, 0, 0, 1); // class 0 along x, class 1 along y
    const test = Float32Array.of(10, 1, 0.1, 3, -1, 5);
    expect(Array.from(nearestNeighbourLabels(train, [0, 1], test, 2))).toEqual([0, 1, 1]);
  });

  it('a linear probe separates linearly separable classes, including a shifted and scaled feature', () => {
    const rows = 40;
    const train = new Float32Array(rows * 2);
    const labels = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      labels[r] = r % 2;
      train[r * 2] = 1000 + (labels[r] ? 3 : -3) + ((r * 7) % 5) / 5; // the signal, far from 0
      train[r * 2 + 1] = ((r * 13) % 11) - 5; // noise
    }
    const test = Float32Array.of(1003.5, 4, 996.5, -4, 1002, 0);
    expect(Array.from(linearProbe(train, labels, test, 2, 2))).toEqual([1, 0, 1]);
  });
});
