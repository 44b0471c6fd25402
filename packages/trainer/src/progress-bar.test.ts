import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, ProgressBar } from './index.js';

function recorder(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { write: (s: string) => void out.push(s), isTTY, columns: 200 } };
}

describe('ProgressBar', () => {
  it('redraws one line in place on a terminal, with rate and eta', () => {
    let now = 0;
    const { out, stream } = recorder(true);
    const bar = new ProgressBar({ total: 10, stream, width: 10, now: () => now });
    now = 1000;
    bar.update(1, { loss: 2.345678, lr: 0.0003 });
    now = 2000;
    bar.update(2, { loss: 2.1 });
    expect(out[1]).toBe('\r\x1b[2Ktrain [██░░░░░░░░] 2/10  20% loss 2.1 1 it/s eta 8s');
    bar.log('eval: loss 1.9');
    expect(out[2]).toBe('\r\x1b[2Keval: loss 1.9\n' + out[1].slice('\r\x1b[2K'.length));
    bar.finish();
    expect(out.at(-1)).toBe('\n');
  });

  it('prints plain lines every N steps when the stream is not a terminal', () => {
    const { out, stream } = recorder(false);
    const bar = new ProgressBar({ total: 6, stream, every: 3, now: () => 0 });
    for (let s = 1; s <= 6; s++) bar.update(s, { loss: 1 / s });
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^train 3\/6  50% loss 0\.33333/);
    expect(out[1]).toMatch(/^train 6\/6 100% loss 0\.16667/);
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
  });

  it('formats numbers and durations compactly', () => {
    expect([0, 2.3456789, 0.0003, 12345, 2.5e6].map(formatNumber)).toEqual(['0', '2.3457', '3.00e-4', '12.3k', '2.5M']);
    expect([5, 65, 3725].map(formatDuration)).toEqual(['5s', '1m05s', '1h02m']);
  });
});
