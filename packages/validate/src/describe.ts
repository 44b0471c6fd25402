/**
 * The printable form of a value in an error message: short enough for one line, exact enough
 * to find the mistake. Strings are quoted (so `"10"` is not read as the number 10), typed arrays
 * and tensors show their own short description instead of their contents, and anything long is
 * cut at 80 characters.
 */

/** How a string is quoted in a message: `"a"` (JSON) or `'a'`. */
export type Quote = '"' | "'";

const longest = 80;

function cut(text: string): string {
  return text.length > longest ? `${text.slice(0, longest - 3)}...` : text;
}

/** Short printable form of `value` for an error message, strings quoted with `quote`. */
export function describeValue(value: unknown, quote: Quote = '"'): string {
  if (typeof value === 'string') return quote === '"' ? JSON.stringify(value) : `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object' || value === null) return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength})`;
  if (Array.isArray(value)) return cut(`[${value.map((item) => describeValue(item, quote)).join(', ')}]`);
  // Objects with a description of their own (tensors: `Tensor([2, 3], float32)`) show it.
  try {
    const own = (value as { toString?: unknown }).toString;
    if (typeof own === 'function' && own !== Object.prototype.toString) return cut(String(value));
    return cut(JSON.stringify(value));
  } catch {
    return Object.prototype.toString.call(value);
  }
}
