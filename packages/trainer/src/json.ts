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
export function firstDifference(a: unknown, b: unknown, path = 'config'): JsonDifference | undefined {
  return jsonDifferences(a, b, path, 1)[0];
}

/** Where two JSON values differ: a path and both values. */
export interface JsonDifference {
  path: string;
  a: unknown;
  b: unknown;
}

/** Up to `limit` leaf paths where two JSON values differ, in sorted key order, with both values. */
export function jsonDifferences(a: unknown, b: unknown, path = 'config', limit = Infinity): JsonDifference[] {
  const found: JsonDifference[] = [];
  const visit = (x: unknown, y: unknown, at: string): void => {
    if (found.length >= limit || canonicalJson(x) === canonicalJson(y)) return;
    if (x && y && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y)) {
      const rx = x as Record<string, unknown>;
      const ry = y as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(rx), ...Object.keys(ry)])].sort();
      for (const k of keys) visit(rx[k], ry[k], Array.isArray(x) ? `${at}[${k}]` : `${at}.${k}`);
      return;
    }
    found.push({ path: at, a: x, b: y });
  };
  visit(a, b, path);
  return found;
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
