/**
 * The structural check of a value against a schema description, as the API server does it for a
 * structural CRD: types, enums, bounds, unknown fields, oneofs and (optionally) the CEL rules through
 * their TypeScript twins. It returns a cleaned copy in which every ill-typed or unknown field and every
 * null has been dropped, so the semantic validators can rely on the inferred types.
 */
import { at, field, type Report } from '../validated.ts';
import type { ArraySchema, ObjectSchema, Schema } from './dsl.ts';

export interface CheckOptions {
  /** Also run the CEL rules (their TypeScript twins); the offline validator reports Istio's own messages instead. */
  readonly cel: boolean;
}

type Json = Readonly<Record<string, unknown>>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function wrongType(report: Report, path: string, expected: string, value: unknown): unknown {
  report.error(path, `Invalid value: "${typeName(value)}": must be of type ${expected}`);
  return undefined;
}

function runCel(schema: Schema, value: unknown, path: string, report: Report, options: CheckOptions): void {
  if (!options.cel || schema.cel === undefined) return;
  for (const rule of schema.cel) {
    if (!rule.check(value)) report.error(path, `Invalid value: ${rule.message}`);
  }
}

/**
 * True when a scalar needs no report and no cleaning: the common case, decided without building the
 * field path (paths are only built when something is wrong).
 */
function isCleanScalar(schema: Schema, value: unknown, options: CheckOptions): boolean {
  if (options.cel && schema.cel !== undefined) return false;
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' && (schema.enum === undefined || schema.enum.includes(value)) && (schema.maxLength === undefined || value.length <= schema.maxLength);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= schema.minimum && value <= schema.maximum;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && (schema.minimum === undefined || value >= schema.minimum) && (schema.maximum === undefined || value <= schema.maximum);
    case 'boolean':
      return typeof value === 'boolean';
    case 'any':
    case 'array':
    case 'map':
    case 'object':
      return false;
  }
}

/** Checks `value` against `schema`; returns the cleaned value, or undefined when it must be dropped. */
export function checkValue(schema: Schema, value: unknown, path: string, report: Report, options: CheckOptions): unknown {
  if (value === null || value === undefined) return undefined;
  const cleaned = checkType(schema, value, path, report, options);
  if (cleaned !== undefined) runCel(schema, cleaned, path, report, options);
  return cleaned;
}

function checkType(schema: Schema, value: unknown, path: string, report: Report, options: CheckOptions): unknown {
  switch (schema.type) {
    case 'any':
      return value;
    case 'string':
      if (typeof value !== 'string') return wrongType(report, path, 'string', value);
      if (schema.enum !== undefined && !schema.enum.includes(value)) {
        report.error(path, `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
        return undefined;
      }
      if (schema.maxLength !== undefined && value.length > schema.maxLength) report.error(path, `Too long: may not be more than ${schema.maxLength} bytes`);
      return value;
    case 'boolean':
      return typeof value === 'boolean' ? value : wrongType(report, path, 'boolean', value);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrongType(report, path, 'number', value);
      return checkBounds(value, schema.minimum, schema.maximum, path, report);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return wrongType(report, path, 'integer', value);
      return checkBounds(value, schema.minimum, schema.maximum, path, report);
    case 'array':
      return checkArray(schema, value, path, report, options);
    case 'map':
      if (!isRecord(value)) return wrongType(report, path, 'object', value);
      return mapEntries(value, (k, v) => (isCleanScalar(schema.values, v, options) ? v : checkValue(schema.values, v, field(path, k), report, options)));
    case 'object':
      return checkObject(schema, value, path, report, options);
  }
}

function checkBounds(value: number, min: number | undefined, max: number | undefined, path: string, report: Report): number {
  if (min !== undefined && value < min) report.error(path, `Invalid value: ${value}: must be greater than or equal to ${min}`);
  if (max !== undefined && value > max) report.error(path, `Invalid value: ${value}: must be less than or equal to ${max}`);
  return value;
}

function checkArray(schema: ArraySchema, value: unknown, path: string, report: Report, options: CheckOptions): unknown {
  if (!Array.isArray(value)) return wrongType(report, path, 'array', value);
  if (schema.maxItems !== undefined && value.length > schema.maxItems) report.error(path, `Too many: ${value.length}: must have at most ${schema.maxItems} items`);
  if (schema.minItems !== undefined && value.length < schema.minItems) report.error(path, `Invalid value: must have at least ${schema.minItems} items`);
  const out: unknown[] = [];
  let changed = false;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const cleaned = isCleanScalar(schema.items, item, options) ? item : checkValue(schema.items, item, at(path, i), report, options);
    if (cleaned !== item) changed = true;
    if (cleaned !== undefined) out.push(cleaned);
  }
  return changed ? out : value;
}

/**
 * Applies `fn` to every entry and returns the cleaned object. When nothing was dropped or changed,
 * the input itself is returned: valid objects (the common case) are not copied.
 */
function mapEntries(value: Json, fn: (key: string, item: unknown) => unknown): Json {
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] ?? '';
    const v = value[k];
    const cleaned = fn(k, v);
    if (out === undefined) {
      if (cleaned === v) continue;
      out = {};
      for (let j = 0; j < i; j++) setKey(out, keys[j] ?? '', value[keys[j] ?? '']);
    }
    if (cleaned !== undefined) setKey(out, k, cleaned);
  }
  return out ?? value;
}

/** `__proto__` must stay a plain key, so it is defined rather than assigned. */
function setKey(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

function checkObject(schema: ObjectSchema, value: unknown, path: string, report: Report, options: CheckOptions): unknown {
  if (!isRecord(value)) return wrongType(report, path, 'object', value);
  const out = mapEntries(value, (k, v) => {
    const sub = Object.hasOwn(schema.properties, k) ? schema.properties[k] : undefined;
    if (sub === undefined) {
      report.error(field(path, k), `unknown field ${JSON.stringify(k)}`);
      return undefined;
    }
    return isCleanScalar(sub, v, options) ? v : checkValue(sub, v, field(path, k), report, options);
  });
  for (const name of schema.required ?? []) {
    if (out[name] === undefined) report.error(field(path, name), 'Required value');
  }
  for (const group of schema.oneOf ?? []) {
    const set = group.filter((k) => out[k] !== undefined);
    if (set.length > 1) report.error(path, `only one of [${group.join(', ')}] may be set, found ${set.join(', ')}`);
  }
  return out;
}
