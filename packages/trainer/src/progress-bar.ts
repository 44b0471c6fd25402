/**
 * A progress bar for training: on a terminal, one line redrawn in place
 *
 *   train [██████████░░░░░░░░░░░░░░] 420/1000  42% loss 2.3104 lr 3.00e-4 1.2k tok/s 5.1 it/s eta 1m54s
 *
 * and, when the stream is not a TTY (a log file, CI), the same text as plain lines every
 * `every` steps and at the last one. `log(line)` prints a message above the bar. Defaults:
 * stream process.stderr, tty = stream.isTTY, width 24, every = total/20 (at least 1).
 * Browser-safe when given a stream.
 */
import { checkInteger } from './validate.js';

/** Where the bar is drawn. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of the progress bar. */
export interface ProgressBarOptions {
  /** Step count at 100%. */
  total: number;
  /** Label before the bar. Default 'train'. */
  label?: string;
  /** Output. Default process.stderr. */
  stream?: ProgressStream;
  /** Redraw in place (true) or print plain lines (false). Default: `stream.isTTY`. */
  tty?: boolean;
  /** Bar width in characters. Default 24. */
  width?: number;
  /** Plain mode: print a line every this many steps. Default max(1, round(total / 20)). */
  every?: number;
  /** Clock in milliseconds (for tests). Default performance.now. */
  now?: () => number;
}

/** Compact number formatting for the bar. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs < 1e-3) return value.toExponential(2);
  return String(Number(value.toPrecision(5)));
}

/** Seconds as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** The process's stderr where there is one (Node), else the console. */
export const errorStream = (): ProgressStream => {
  const proc = (globalThis as { process?: { stderr?: ProgressStream } }).process;
  return proc?.stderr ?? { write: (text: string) => console.log(text.replace(/\n$/, '')) };
};

export class ProgressBar {
  readonly total: number;
  private readonly label: string;
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly width: number;
  private readonly every: number;
  private readonly now: () => number;
  private readonly startTime: number;
  private start: { time: number; step: number } | undefined;
  private lastLine = '';
  private drawn = false;

  constructor(options: ProgressBarOptions) {
    this.total = checkInteger('ProgressBar', 'total', options.total, 1);
    this.label = options.label ?? 'train';
    this.stream = options.stream ?? errorStream();
    this.tty = options.tty ?? this.stream.isTTY === true;
    this.width = checkInteger('ProgressBar', 'width', options.width ?? 24, 1);
    this.every = checkInteger('ProgressBar', 'every', options.every ?? Math.max(1, Math.round(this.total / 20)), 1);
    this.now = options.now ?? (() => performance.now());
    this.startTime = this.now();
  }

  /** The text for `step` with `fields` (numbers are formatted compactly). */
  render(step: number, fields: Record<string, number | string | undefined> = {}): string {
    const fraction = Math.min(1, Math.max(0, step / this.total));
    const filled = Math.round(fraction * this.width);
    const bar = this.tty ? ` [${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}]` : '';
    const parts = [`${this.label}${bar} ${step}/${this.total} ${String(Math.floor(fraction * 100)).padStart(3)}%`];
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      parts.push(`${key} ${typeof value === 'number' ? formatNumber(value) : value}`);
    }
    if (this.start && step > this.start.step) {
      const rate = (step - this.start.step) / ((this.now() - this.start.time) / 1000);
      parts.push(`${formatNumber(rate)} it/s`, `eta ${formatDuration((this.total - step) / rate)}`);
    }
    return parts.join(' ');
  }

  /** Shows progress at `step` (1-based updates done). */
  update(step: number, fields: Record<string, number | string | undefined> = {}): void {
    // The rate counts from the bar's creation and the first step shown, so a resumed run reports its own speed.
    if (!this.start) this.start = { time: this.startTime, step: step - 1 };
    const line = this.render(step, fields);
    const columns = this.stream.columns ?? 0;
    this.lastLine = this.tty && columns > 0 ? line.slice(0, columns - 1) : line;
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${this.lastLine}`);
      this.drawn = true;
    } else if (step % this.every === 0 || step === this.total) {
      this.stream.write(`${line}\n`);
    }
  }

  /** Prints a message, keeping the bar below it on a terminal. */
  log(message: string): void {
    if (this.tty && this.drawn) {
      this.stream.write(`\r\x1b[2K${message}\n${this.lastLine}`);
    } else {
      this.stream.write(`${message}\n`);
    }
  }

  /** Ends the bar (a newline after the last redraw on a terminal). */
  finish(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
