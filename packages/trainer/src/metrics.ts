/**
 * Metrics as JSON lines: one object per line, appended as each step ends, so a crashed run
 * keeps every line up to the crash and other tools can tail the file. Lines carry `type`
 * ('train' | 'eval' | 'error') and `step`. On resume, `truncateMetrics` drops the lines written
 * after the checkpoint, so the file reads as if the run had never stopped. Browser-safe (the
 * file is read and written through a `RunStorage`; `readMetrics(path)` is in `./node`).
 */
import { RUN_FILES } from './run-folder.js';
import type { RunStorage } from './run-storage.js';
import { TrainerError } from './validate.js';

/** One metrics line. */
export type MetricsRecord = { type: string; step: number } & Record<string, unknown>;

/** A record as one JSON line (non-finite numbers become null, as JSON requires). */
export function metricsLine(record: MetricsRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Parses metrics lines; a torn last line (a crash mid-write) is skipped. `source` names the file in errors. */
export function parseMetrics(text: string, source: string = RUN_FILES.metrics): MetricsRecord[] {
  const lines = text.split('\n');
  const out: MetricsRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as MetricsRecord);
    } catch (error) {
      if (lines.slice(i + 1).some((l) => l.trim() !== '')) {
        throw new TrainerError(`readMetrics: line ${i + 1} of '${source}' is not JSON (${(error as Error).message}); fix or delete that line`);
      }
    }
  });
  return out;
}

/** Rewrites the run's metrics keeping only the records with `step <= step` (in one step). */
export async function truncateMetrics(storage: RunStorage, step: number): Promise<void> {
  const bytes = await storage.read(RUN_FILES.metrics);
  if (!bytes) return;
  const kept = parseMetrics(new TextDecoder().decode(bytes), storage.path(RUN_FILES.metrics)).filter((r) => typeof r.step === 'number' && r.step <= step);
  await storage.write(RUN_FILES.metrics, new TextEncoder().encode(kept.map(metricsLine).join('')));
}
