/**
 * Metrics as JSON lines: one object per line, appended and flushed as each step ends, so a
 * crashed run keeps every line up to the crash and other tools can tail the file. Lines carry
 * `type` ('train' | 'eval' | 'error') and `step`. On resume, `truncateMetrics` drops the lines
 * written after the checkpoint, so the file reads as if the run had never stopped. Node only.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';
import { TrainerError } from './validate.js';

/** One metrics line. */
export type MetricsRecord = { type: string; step: number } & Record<string, unknown>;

export class MetricsWriter {
  readonly path: string;
  private fd: number | undefined;

  /** Opens `path` for appending (creating it). */
  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'a');
  }

  /** Appends one record as a JSON line (non-finite numbers become null, as JSON requires). */
  write(record: MetricsRecord): void {
    if (this.fd === undefined) throw new TrainerError(`MetricsWriter: '${this.path}' is closed`);
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Reads a metrics file; a torn last line (a crash mid-write) is skipped. */
export function readMetrics(path: string): MetricsRecord[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: MetricsRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as MetricsRecord);
    } catch (error) {
      if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l.trim() !== '')) {
        throw new TrainerError(`readMetrics: line ${i + 1} of '${path}' is not JSON (${(error as Error).message})`);
      }
    }
  });
  return out;
}

/** Rewrites `path` keeping only the records with `step <= step` (atomically). */
export async function truncateMetrics(path: string, step: number): Promise<void> {
  if (!existsSync(path)) return;
  const kept = readMetrics(path).filter((r) => typeof r.step === 'number' && r.step <= step);
  await writeFileAtomic(path, new TextEncoder().encode(kept.map((r) => `${JSON.stringify(r)}\n`).join('')));
}
