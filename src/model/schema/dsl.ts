/**
 * A small description language for the Istio resource schemas. One description serves three
 * purposes: the TypeScript types of the resources (`Infer`), the structural type check of the
 * offline validator (check.ts), and the OpenAPI v3 schemas of our CRDs (openapi.ts).
 */

/** A CEL rule for the CRD, with the same check written in TypeScript for offline use. */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
  readonly check: (self: unknown) => boolean;
}

interface Common {
  readonly description?: string;
  readonly cel?: readonly CelRule[];
}

export interface StringSchema extends Common {
  readonly type: 'string';
  readonly enum?: readonly string[];
  readonly maxLength?: number;
}
export interface IntegerSchema extends Common {
  readonly type: 'integer';
  readonly format: 'int32' | 'uint32' | 'int64';
  readonly minimum: number;
  readonly maximum: number;
}
export interface NumberSchema extends Common {
  readonly type: 'number';
  readonly minimum?: number;
  readonly maximum?: number;
}
export interface BooleanSchema extends Common {
  readonly type: 'boolean';
}
export interface ArraySchema extends Common {
  readonly type: 'array';
  readonly items: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
}
export interface MapSchema extends Common {
  readonly type: 'map';
  readonly values: Schema;
}
export interface ObjectSchema extends Common {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  /** Groups of properties of which at most one may be set (protobuf oneofs). */
  readonly oneOf?: readonly (readonly string[])[];
}
/** Anything (status, or free-form structs): `x-kubernetes-preserve-unknown-fields`. */
export interface AnySchema extends Common {
  readonly type: 'any';
}

export type Schema = StringSchema | IntegerSchema | NumberSchema | BooleanSchema | ArraySchema | MapSchema | ObjectSchema | AnySchema;

/** The TypeScript type of values that passed the structural check of `S`. Every property is optional. */
export type Infer<S> = S extends { type: 'string'; enum: readonly (infer E)[] }
  ? E
  : S extends { type: 'string' }
    ? string
    : S extends { type: 'integer' | 'number' }
      ? number
      : S extends { type: 'boolean' }
        ? boolean
        : S extends { type: 'array'; items: infer I }
          ? readonly Infer<I>[]
          : S extends { type: 'map'; values: infer V }
            ? Readonly<Record<string, Infer<V>>>
            : S extends { type: 'object'; properties: infer P }
              ? { readonly [K in keyof P]?: Infer<P[K]> }
              : unknown;

type Opts<S> = Omit<S, 'type'>;

export const str = (opts: Opts<StringSchema> = {}): StringSchema => ({ type: 'string', ...opts });
export const enumOf = <const E extends readonly string[]>(values: E, opts: Opts<Omit<StringSchema, 'enum'>> = {}): Omit<StringSchema, 'enum'> & { enum: E } => ({
  type: 'string',
  enum: values,
  ...opts,
});
export const bool = (opts: Opts<BooleanSchema> = {}): BooleanSchema => ({ type: 'boolean', ...opts });
export const num = (opts: Opts<NumberSchema> = {}): NumberSchema => ({ type: 'number', ...opts });
export const int32 = (opts: Partial<Opts<IntegerSchema>> = {}): IntegerSchema => ({
  type: 'integer',
  format: 'int32',
  minimum: -2147483648,
  maximum: 2147483647,
  ...opts,
});
export const uint32 = (opts: Partial<Opts<IntegerSchema>> = {}): IntegerSchema => ({ type: 'integer', format: 'uint32', minimum: 0, maximum: 4294967295, ...opts });
export const int64 = (opts: Partial<Opts<IntegerSchema>> = {}): IntegerSchema => ({
  type: 'integer',
  format: 'int64',
  minimum: Number.MIN_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
  ...opts,
});
export const arr = <I extends Schema>(items: I, opts: Opts<Omit<ArraySchema, 'items'>> = {}): Omit<ArraySchema, 'items'> & { items: I } => ({ type: 'array', items, ...opts });
export const map = <V extends Schema>(values: V, opts: Opts<Omit<MapSchema, 'values'>> = {}): Omit<MapSchema, 'values'> & { values: V } => ({ type: 'map', values, ...opts });
export const obj = <const P extends Readonly<Record<string, Schema>>>(
  properties: P,
  opts: Opts<Omit<ObjectSchema, 'properties'>> = {},
): Omit<ObjectSchema, 'properties'> & { properties: P } => ({ type: 'object', properties, ...opts });
export const any = (opts: Opts<AnySchema> = {}): AnySchema => ({ type: 'any', ...opts });

/** Parses a Go duration (`time.ParseDuration`: `1h2m0.5s`, `300ms`) into nanoseconds; undefined if malformed. */
export function parseGoDuration(text: string): number | undefined {
  const units: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const match = /^([-+]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (match === null) return text === '0' ? 0 : undefined;
  let total = 0;
  for (const part of (match[2] ?? '').matchAll(/(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/g)) {
    const unit = units[part[3] ?? ''] ?? Number.NaN;
    const fraction = part[2] === undefined || part[2] === '' ? 0 : Math.floor(Number(`0.${part[2]}`) * unit + 1e-6);
    total += Number(part[1] === '' ? '0' : part[1]) * unit + fraction;
  }
  if (!Number.isFinite(total)) return undefined;
  return match[1] === '-' ? -total : total;
}

const MS = 1e6;

/** A protobuf Duration written as a Go duration string, with the CRD's CEL lower bound of 1ms. */
export const duration = (opts: { readonly allowZero?: boolean; readonly description?: string } = {}): StringSchema => {
  const description = opts.description ?? 'A duration such as 10s, 1.5s or 300ms.';
  // maxLength bounds the API server's CEL cost estimate; without it a few duration rules inside
  // arrays exceed the whole-schema budget and the CRD is refused.
  const maxLength = 64;
  if (opts.allowZero === true) {
    return str({
      description,
      maxLength,
      cel: [{ rule: 'duration(self) >= duration(\'0s\')', message: 'must be a valid duration', check: (s) => typeof s === 'string' && (parseGoDuration(s) ?? -1) >= 0 }],
    });
  }
  return str({
    description,
    maxLength,
    cel: [
      {
        rule: 'duration(self) >= duration(\'1ms\')',
        message: 'must be a valid duration greater than 1ms',
        check: (s) => typeof s === 'string' && (parseGoDuration(s) ?? 0) >= MS,
      },
    ],
  });
};
