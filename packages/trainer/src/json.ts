/**
 * JSON helpers for checkpoints: a canonical form (sorted keys) to compare configs, and the path
 * of the first difference between two values, so a config mismatch names the field. Browser-safe.
 */
import { TrainerError } from './validate.js';

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v,
  );
}

/** The first path (`config.moe.experts`) where two JSON values differ, with both values; undefined when equal. */
export function firstDifference(a: unknown, b: unknown, path = 'config'): { path: string; a: unknown; b: unknown } | undefined {
  if (canonicalJson(a) === canonicalJson(b)) return undefined;
  const objects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (objects) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
    for (const k of keys) {
      const d = firstDifference(ra[k], rb[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
      if (d) return d;
    }
  }
  return { path, a, b };
}

/** A JSON round trip of `value` (what a checkpoint will give back), with a clear error if it cannot be stored. */
export function toJson(where: string, what: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value ?? null);
  } catch (error) {
    throw new TrainerError(`${where}: ${what} is not JSON-serialisable (${(error as Error).message})`, { cause: error });
  }
  if (text === undefined) throw new TrainerError(`${where}: ${what} is not JSON-serialisable`);
  return text;
}
