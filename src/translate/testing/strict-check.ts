/**
 * A strict check of plain-object xDS resources against the real Envoy message types: protobufjs
 * `fromObject` silently drops unknown keys, so this walks the object alongside the type and
 * reports every key that is not a field (including inside nested messages, maps, repeated
 * fields and `Any` with its `@type`), every value of the wrong kind, unknown enum names, `Any`s
 * whose type is not loaded, and oneofs with more than one member set.
 */
import protobuf from 'protobufjs';
import { anyMessageType, messageType, xdsProtoRoot } from '../../xds/protos.ts';

const INT_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function checkScalar(type: string, value: unknown, path: string, errors: string[]): void {
  const ok =
    INT_TYPES.has(type) ? Number.isInteger(value)
    : LONG_TYPES.has(type) ? Number.isInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value))
    : type === 'double' || type === 'float' ? typeof value === 'number'
    : type === 'bool' ? typeof value === 'boolean'
    : type === 'string' ? typeof value === 'string'
    : type === 'bytes' ? typeof value === 'string' || value instanceof Uint8Array
    : false;
  if (!ok) errors.push(`${path}: ${JSON.stringify(value)} is not a ${type}`);
  if (ok && (type.startsWith('uint') || type.startsWith('fixed')) && typeof value === 'number' && value < 0) errors.push(`${path}: ${value} is negative for ${type}`);
}

function checkValue(field: protobuf.Field, resolved: protobuf.Type | protobuf.Enum | null, value: unknown, path: string, errors: string[]): void {
  if (resolved instanceof protobuf.Enum) {
    const ok = typeof value === 'string' ? Object.hasOwn(resolved.values, value) : Number.isInteger(value);
    if (!ok) errors.push(`${path}: ${JSON.stringify(value)} is not a value of ${resolved.fullName}`);
  } else if (resolved instanceof protobuf.Type) {
    checkMessage(resolved, value, path, errors);
  } else {
    checkScalar(field.type, value, path, errors);
  }
}

function checkAny(value: Record<string, unknown>, path: string, errors: string[]): void {
  const url = value['@type'];
  if (typeof url !== 'string') {
    errors.push(`${path}: Any without @type`);
    return;
  }
  const type = anyMessageType(xdsProtoRoot(), url);
  if (type === undefined || !url.startsWith('type.googleapis.com/')) {
    errors.push(`${path}: Any @type ${url} is not a loaded message type`);
    return;
  }
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== '@type') rest[k] = v;
  checkMessage(type, rest, `${path}<${url.slice(url.lastIndexOf('/') + 1)}>`, errors);
}

export function checkMessage(type: protobuf.Type, value: unknown, path: string, errors: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push(`${path}: expected a ${type.fullName} object, got ${JSON.stringify(value)}`);
    return;
  }
  const record = value as Record<string, unknown>;
  if (type.fullName === '.google.protobuf.Any') {
    checkAny(record, path, errors);
    return;
  }
  for (const [key, v] of Object.entries(record)) {
    const field = type.fields[key];
    const at = `${path}.${key}`;
    if (field === undefined) {
      errors.push(`${at}: ${type.fullName} has no field ${key}`);
      continue;
    }
    if (v === undefined || v === null) {
      errors.push(`${at}: null/undefined value`);
      continue;
    }
    field.resolve();
    const resolved = field.resolvedType;
    if (field instanceof protobuf.MapField) {
      if (typeof v !== 'object' || Array.isArray(v)) errors.push(`${at}: expected a map`);
      else for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) checkValue(field, resolved, mv, `${at}[${mk}]`, errors);
    } else if (field.repeated) {
      if (!Array.isArray(v)) errors.push(`${at}: expected a list`);
      else (v as unknown[]).forEach((item, i) => { checkValue(field, resolved, item, `${at}[${i}]`, errors); });
    } else {
      checkValue(field, resolved, v, at, errors);
    }
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.oneof.filter((name) => record[name] !== undefined);
    if (set.length > 1) errors.push(`${path}: oneof ${oneof.name} has several members set: ${set.join(', ')}`);
  }
}

/** All problems of `value` as a `messageName` (e.g. `envoy.config.cluster.v3.Cluster`); empty when clean. */
export function strictCheck(messageName: string, value: unknown): string[] {
  const errors: string[] = [];
  checkMessage(messageType(messageName), value, messageName.slice(messageName.lastIndexOf('.') + 1), errors);
  return errors;
}
