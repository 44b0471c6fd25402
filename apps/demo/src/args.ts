/**
 * Command-line flags: a small typed parser. Each command declares its flags (name, type,
 * help); unknown flags, missing or empty values and values of the wrong type are errors that
 * say what was wrong and what is allowed. Numbers are decimal (`12`, `3e-4`; not `0x10`),
 * booleans are `--flag`, `--no-flag`, `--flag=true` or `--flag=false`.
 */

/** One flag of a command. */
export interface FlagSpec {
  type: 'string' | 'number' | 'boolean';
  help: string;
  /** Allowed values (strings), listed in errors and help. */
  choices?: readonly string[];
}

/** A command's flags by name (without the leading dashes). */
export type FlagSpecs = Record<string, FlagSpec>;

/** Parsed flag values (only those given on the command line). */
export type FlagValues = Record<string, string | number | boolean>;

/** A usage error: printed without a stack trace, exit code 2. */
export class UsageError extends Error {}

function closest(name: string, names: string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    return d[a.length][b.length];
  };
  const best = names.map((n) => [n, distance(name, n)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 3 ? best[0] : undefined;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parses `argv` (after the command name) against `specs`. */
export function parseFlags(command: string, argv: readonly string[], specs: FlagSpecs): FlagValues {
  const values: FlagValues = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`${command}: unexpected argument '${arg}'; flags start with --. See 'pnpm demo ${command} --help'.`);
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const negated = rawName.startsWith('no-') && specs[rawName.slice(3)]?.type === 'boolean';
    const name = negated ? rawName.slice(3) : rawName;
    const spec = specs[name];
    if (!spec) {
      const hint = closest(name, Object.keys(specs));
      throw new UsageError(`${command}: unknown option --${name}${hint ? ` (did you mean --${hint}?)` : ''}. See 'pnpm demo ${command} --help'.`);
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined && (negated || (inline !== 'true' && inline !== 'false'))) {
        throw new UsageError(`${command}: --${rawName}=${inline} is not a boolean; write --${name}, --no-${name}, --${name}=true or --${name}=false`);
      }
      values[name] = inline === undefined ? !negated : inline === 'true';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined || raw.startsWith('--') || raw.trim() === '') throw new UsageError(`${command}: --${name} needs a value (${spec.help})`);
    if (spec.type === 'number') {
      if (!DECIMAL.test(raw)) throw new UsageError(`${command}: --${name} must be a decimal number (like 12 or 3e-4), got '${raw}'`);
      values[name] = Number(raw);
    } else {
      if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`${command}: --${name} '${raw}' is not one of: ${spec.choices.join(', ')}`);
      values[name] = raw;
    }
  }
  return values;
}

/** `model-dim` → `modelDim`: a flag's setting name. */
export const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Help text for a command; `defaults` (by flag name or its camelCase) adds each flag's default. */
export function helpText(command: string, summary: string, specs: FlagSpecs, defaults: object = {}): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const left = `  --${name}${s.type === 'boolean' ? '' : ` <${s.type}>`}`;
    const byName = defaults as Record<string, unknown>;
    const value = byName[name] ?? byName[camel(name)];
    const shown = value === undefined || value === '' ? '' : ` [default: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}]`;
    return `${left.padEnd(30)} ${s.help}${s.choices ? ` (${s.choices.join(' | ')})` : ''}${shown}`;
  });
  return `Usage: pnpm demo ${command} [options]\n\n${summary}\n\nOptions:\n${rows.join('\n')}\n`;
}
