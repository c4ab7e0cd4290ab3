/**
 * A generic encoder for resources in protobufjs's plain object form (.proto field names, enums
 * by name or number, `Any` as `{ '@type': url, ...fields }`), driven by protobufjs's reflection.
 * It writes the fields present in the input straight into a FlatWriter: no `fromObject` copy of
 * every message, and no Writer object per operation and per nested message. A route or cluster
 * change thus runs the same small writer the endpoint encoder runs.
 *
 * It gives up (returns undefined) on input it would not write exactly as protobufjs does, and
 * the caller then uses protobufjs: a value of another JS type than the field's (protobufjs would
 * coerce it, or throw), negative or unsafe integers, NaN, unknown enum names, `bytes`, the
 * sint/fixed/sfixed types, non-string map keys, groups, an `Any` without a resolvable `@type`.
 * Otherwise the bytes are protobufjs's: fields in number order, a present scalar written even when
 * it is the default, packed repeated scalars, map entries in key order, `Any` as type URL then
 * value. `encode-plain.test.ts` and the translation corpus test check that byte for byte.
 */
import protobuf from 'protobufjs';
import { FlatWriter } from './flat-writer.ts';
import { anyMessageType } from './protos.ts';

type Plain = Readonly<Record<string, unknown>>;

/** How a field's values are written; Uint64 is int64 and uint64, as safe non-negative numbers. */
const Kind = { String: 0, Bool: 1, Uint32: 2, Int32: 3, Uint64: 4, Enum: 5, Double: 6, Float: 7, Message: 8, Any: 9, Unsupported: 10 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface FieldPlan {
  readonly id: number;
  readonly kind: Kind;
  /** The key of one value: id << 3 | wire type. */
  readonly key: number;
  readonly repeated: boolean;
  /** Repeated scalars written as one length-delimited run of varints. */
  readonly packed: boolean;
  /** A map field: the plan of its entries' value (field 2 of the entry). */
  readonly mapValue: FieldPlan | undefined;
  readonly type: protobuf.Type | undefined;
  readonly enumValues: Readonly<Record<string, number>> | undefined;
}

interface MessagePlan {
  readonly byName: ReadonlyMap<string, FieldPlan>;
}

const ANY = '.google.protobuf.Any';
const MAX_DEPTH = 64;
const WIRE: Readonly<Record<number, number>> = { [Kind.String]: 2, [Kind.Double]: 1, [Kind.Float]: 5, [Kind.Message]: 2, [Kind.Any]: 2 };
const SCALARS: Readonly<Record<string, Kind>> = { string: Kind.String, bool: Kind.Bool, uint32: Kind.Uint32, int32: Kind.Int32, uint64: Kind.Uint64, int64: Kind.Uint64, double: Kind.Double, float: Kind.Float };
const PACKABLE = new Set<Kind>([Kind.Bool, Kind.Uint32, Kind.Int32, Kind.Uint64, Kind.Enum]);

/** Thrown inside the encoder when the input leaves what it writes like protobufjs; never escapes. */
class Unsupported extends Error {}
/** One instance: giving up is control flow here, and a stack trace per throw would cost more than the encode. */
const UNSUPPORTED = new Unsupported('outside the direct encoder');

const writer = new FlatWriter();
const plans = new WeakMap<protobuf.Type, MessagePlan>();

function kindOf(field: protobuf.Field, resolved: protobuf.ReflectionObject | null): Kind {
  if (resolved instanceof protobuf.Enum) return Kind.Enum;
  if (resolved instanceof protobuf.Type) return field.delimited ? Kind.Unsupported : resolved.fullName === ANY ? Kind.Any : Kind.Message;
  return SCALARS[field.type] ?? Kind.Unsupported;
}

function fieldPlan(field: protobuf.Field, id: number, kind: Kind, repeated: boolean, mapValue?: FieldPlan): FieldPlan {
  const resolved = field.resolvedType;
  const packed = repeated && mapValue === undefined && field.packed && PACKABLE.has(kind);
  return {
    id,
    kind,
    key: ((id << 3) | (packed || mapValue !== undefined ? 2 : (WIRE[kind] ?? 0))) >>> 0,
    repeated,
    packed,
    mapValue,
    type: resolved instanceof protobuf.Type ? resolved : undefined,
    enumValues: resolved instanceof protobuf.Enum ? resolved.values : undefined,
  };
}

function planField(field: protobuf.Field): FieldPlan {
  field.resolve();
  const kind = kindOf(field, field.resolvedType);
  if (!(field instanceof protobuf.MapField)) return fieldPlan(field, field.id, kind, field.repeated);
  const value = fieldPlan(field, 2, kind, false);
  return fieldPlan(field, field.id, field.keyType === 'string' ? Kind.Message : Kind.Unsupported, false, value);
}

function planOf(type: protobuf.Type): MessagePlan {
  let plan = plans.get(type);
  if (plan === undefined) {
    plan = { byName: new Map(type.fieldsArray.map((f) => [f.name, planField(f)])) };
    plans.set(type, plan);
  }
  return plan;
}

const isRecord = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The present fields of the messages being written, innermost last: a message's fields occupy
 * [its start, its end) in number order while it writes them, and nested messages stack above.
 * Reused from one encode to the next (no per-message allocation).
 */
const stackFields: FieldPlan[] = [];
const stackValues: unknown[] = [];
let top = 0;

/** Pushes the fields of `input` the type knows, in field number order (insertion sort: a handful of fields). */
function pushPresent(plan: MessagePlan, input: Plain, start: number): void {
  for (const name in input) {
    const field = plan.byName.get(name);
    const value = input[name];
    if (field === undefined || value === undefined || value === null) continue;
    let i = top++;
    for (let before = stackFields[i - 1]; i > start && before !== undefined && before.id > field.id; before = stackFields[--i - 1]) {
      stackFields[i] = before;
      stackValues[i] = stackValues[i - 1];
    }
    stackFields[i] = field;
    stackValues[i] = value;
  }
}

function writeMessage(plan: MessagePlan, input: Plain, depth: number): void {
  if (depth > MAX_DEPTH) throw UNSUPPORTED;
  const start = top;
  pushPresent(plan, input, start);
  const end = top;
  for (let i = start; i < end; i++) {
    const field = stackFields[i];
    const value = stackValues[i];
    stackValues[i] = undefined;
    if (field !== undefined) writeField(field, value, depth);
  }
  top = start;
}

function writeField(field: FieldPlan, value: unknown, depth: number): void {
  if (field.mapValue !== undefined) writeMap(field, field.mapValue, value, depth);
  else if (!field.repeated) writeValue(field, value, depth);
  else if (!Array.isArray(value)) throw UNSUPPORTED;
  else if (value.length === 0) return;
  else if (field.packed) writePacked(field, value);
  else for (const element of value as unknown[]) writeValue(field, element, depth);
}

function writePacked(field: FieldPlan, values: readonly unknown[]): void {
  writer.open(field.key);
  for (const value of values) writer.packedVarint(varintOf(field, value));
  writer.close();
}

function writeMap(field: FieldPlan, valueField: FieldPlan, value: unknown, depth: number): void {
  if (field.kind === Kind.Unsupported || !isRecord(value)) throw UNSUPPORTED;
  for (const key of Object.keys(value)) {
    writer.open(field.key);
    writer.string(10, key);
    const entry = value[key];
    if (entry === undefined || entry === null) throw UNSUPPORTED;
    writeValue(valueField, entry, depth);
    writer.close();
  }
}

/** A varint-encoded scalar's value, checked to be one protobufjs writes the same. */
function varintOf(field: FieldPlan, value: unknown): number {
  switch (field.kind) {
    case Kind.Bool:
      if (typeof value === 'boolean') return value ? 1 : 0;
      break;
    case Kind.Uint32:
      if (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffffffff) return value as number;
      break;
    case Kind.Int32:
      if (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0x7fffffff) return value as number;
      break;
    case Kind.Uint64:
      if (Number.isSafeInteger(value) && (value as number) >= 0) return value as number;
      break;
    case Kind.Enum:
      return enumOf(field, value);
    case Kind.String:
    case Kind.Double:
    case Kind.Float:
    case Kind.Message:
    case Kind.Any:
    case Kind.Unsupported:
      break;
  }
  throw UNSUPPORTED;
}

function enumOf(field: FieldPlan, value: unknown): number {
  const values = field.enumValues ?? {};
  const number = typeof value === 'string' && Object.hasOwn(values, value) ? values[value] : value;
  if (Number.isInteger(number) && (number as number) >= 0 && (number as number) <= 0x7fffffff) return number as number;
  throw UNSUPPORTED;
}

function writeValue(field: FieldPlan, value: unknown, depth: number): void {
  switch (field.kind) {
    case Kind.String:
      if (typeof value !== 'string') throw UNSUPPORTED;
      writer.string(field.key, value);
      return;
    case Kind.Double:
    case Kind.Float:
      if (typeof value !== 'number' || Number.isNaN(value)) throw UNSUPPORTED;
      if (field.kind === Kind.Double) writer.double(field.key, value);
      else writer.float(field.key, value);
      return;
    case Kind.Message:
      if (!isRecord(value) || field.type === undefined) throw UNSUPPORTED;
      writer.open(field.key);
      writeMessage(planOf(field.type), value, depth + 1);
      writer.close();
      return;
    case Kind.Any:
      writeAny(field, value, depth);
      return;
    case Kind.Unsupported:
      throw UNSUPPORTED;
    case Kind.Bool:
    case Kind.Uint32:
    case Kind.Int32:
    case Kind.Uint64:
    case Kind.Enum:
      writer.varint(field.key, varintOf(field, value));
  }
}

/** protobufjs's Any wrapper: `@type` names a loaded message; the type URL loses a leading '.' and gains a '/' if it has none. */
function writeAny(field: FieldPlan, value: unknown, depth: number): void {
  if (!isRecord(value) || field.type === undefined) throw UNSUPPORTED;
  const url = value['@type'];
  if (typeof url !== 'string' || url === '') throw UNSUPPORTED;
  const inner = anyMessageType(field.type, url);
  if (inner === undefined) throw UNSUPPORTED;
  const typeUrl = url.startsWith('.') ? url.slice(1) : url;
  writer.open(field.key);
  writer.string(10, typeUrl.includes('/') ? typeUrl : `/${typeUrl}`);
  writer.open(18);
  writeMessage(planOf(inner), value, depth + 1);
  writer.close();
  writer.close();
}

/** `input` encoded as `type`, or undefined when protobufjs should encode it (see the module comment). */
export function encodePlain(type: protobuf.Type, input: Plain): Buffer | undefined {
  writer.reset();
  top = 0;
  try {
    writeMessage(planOf(type), input, 0);
  } catch (err) {
    if (err === UNSUPPORTED) {
      stackValues.fill(undefined);
      return undefined;
    }
    throw err;
  }
  return writer.finish();
}
