/**
 * A small typed option parser. Each command declares its options as data; the parser turns
 * argv and the environment into a frozen object whose type is inferred from the declaration.
 * Precedence: flag > environment variable > default. Bad values are reported, never thrown.
 */

interface OptionBase {
  readonly description: string;
  /** Environment variable that supplies the value when the flag is absent. */
  readonly env?: string;
  /** One-letter alias, e.g. 'f' for `-f`. */
  readonly short?: string;
}

export type OptionSpec =
  | (OptionBase & { readonly kind: 'string'; readonly default?: string })
  | (OptionBase & { readonly kind: 'int'; readonly default: number; readonly min?: number; readonly max?: number })
  | (OptionBase & { readonly kind: 'bool'; readonly default: boolean })
  | (OptionBase & { readonly kind: 'enum'; readonly choices: readonly string[]; readonly default: string });

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends { kind: 'int' }
  ? number
  : S extends { kind: 'bool' }
    ? boolean
    : S extends { kind: 'enum'; choices: readonly (infer C)[] }
      ? C
      : S extends { default: string }
        ? string
        : string | undefined;

export type OptionValues<T extends OptionSpecs> = { readonly [K in keyof T]: ValueOf<T[K]> };

export type ParseResult<T> =
  | { readonly ok: true; readonly values: T; readonly rest: readonly string[] }
  | { readonly ok: false; readonly error: string };

type Env = Readonly<Record<string, string | undefined>>;

const toFlag = (name: string): string => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Converts one raw string to the option's type, or explains why it can't. */
export function convertValue(spec: OptionSpec, raw: string, source: string): { ok: true; value: unknown } | { ok: false; error: string } {
  switch (spec.kind) {
    case 'string':
      return { ok: true, value: raw };
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) return { ok: false, error: `${source}: "${raw}" is not an integer` };
      const value = Number.parseInt(raw, 10);
      if (spec.min !== undefined && value < spec.min) return { ok: false, error: `${source}: ${value} is below the minimum ${spec.min}` };
      if (spec.max !== undefined && value > spec.max) return { ok: false, error: `${source}: ${value} is above the maximum ${spec.max}` };
      return { ok: true, value };
    }
    case 'bool': {
      const lower = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) return { ok: true, value: true };
      if (['false', '0', 'no', 'off'].includes(lower)) return { ok: true, value: false };
      return { ok: false, error: `${source}: "${raw}" is not a boolean (use true or false)` };
    }
    case 'enum':
      if (spec.choices.includes(raw)) return { ok: true, value: raw };
      return { ok: false, error: `${source}: "${raw}" is not one of ${spec.choices.join(', ')}` };
  }
}

interface FlagHit {
  readonly name: string;
  readonly raw: string;
}

/** Splits argv into recognised flags and positional arguments. */
function scanArgv(specs: OptionSpecs, argv: readonly string[]): { hits: FlagHit[]; rest: string[] } | { error: string } {
  const byFlag = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    byFlag.set(toFlag(name), name);
    if (spec.short !== undefined) byFlag.set(`-${spec.short}`, name);
  }
  const hits: FlagHit[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      rest.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const name = byFlag.get(flag);
    if (name === undefined) return { error: `unknown flag ${flag}` };
    const spec = specs[name];
    if (eq > 0) hits.push({ name, raw: arg.slice(eq + 1) });
    else if (spec?.kind === 'bool') hits.push({ name, raw: 'true' });
    else {
      const next = argv[i + 1];
      if (next === undefined) return { error: `${flag} needs a value` };
      hits.push({ name, raw: next });
      i++;
    }
  }
  return { hits, rest };
}

/** Parses argv and env against the specs; the result object is frozen. */
export function parseOptions<T extends OptionSpecs>(specs: T, argv: readonly string[], env: Env): ParseResult<OptionValues<T>> {
  const scanned = scanArgv(specs, argv);
  if ('error' in scanned) return { ok: false, error: scanned.error };
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const hit = scanned.hits.findLast((h) => h.name === name);
    const envRaw = spec.env === undefined ? undefined : env[spec.env];
    const [raw, source] = hit !== undefined ? [hit.raw, toFlag(name)] : envRaw !== undefined && envRaw !== '' ? [envRaw, spec.env ?? ''] : [undefined, ''];
    if (raw === undefined) {
      values[name] = spec.default;
      continue;
    }
    const converted = convertValue(spec, raw, source);
    if (!converted.ok) return { ok: false, error: converted.error };
    values[name] = converted.value;
  }
  return { ok: true, values: Object.freeze(values) as OptionValues<T>, rest: Object.freeze(scanned.rest) };
}

/** Renders the options as help text lines. */
export function describeOptions(specs: OptionSpecs): string[] {
  return Object.entries(specs).map(([name, spec]) => {
    const short = spec.short === undefined ? '' : `-${spec.short}, `;
    const value = spec.kind === 'bool' ? '' : spec.kind === 'enum' ? ` <${spec.choices.join('|')}>` : ` <${spec.kind}>`;
    const dflt = spec.default === undefined || spec.default === '' ? '' : ` (default ${String(spec.default)})`;
    const env = spec.env === undefined ? '' : ` [env ${spec.env}]`;
    return `  ${short}${toFlag(name)}${value}\n      ${spec.description}${dflt}${env}`;
  });
}
