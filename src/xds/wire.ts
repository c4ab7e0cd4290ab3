/**
 * Hand-written protobuf framing for the hot path. Resources are encoded once per version (see
 * resource.ts); a DiscoveryResponse is then a few header fields followed by the pre-encoded
 * resource fields, concatenated without re-serializing anything.
 */
import { utf8Length, varintSize, writeUtf8, writeVarint } from './flat-writer.ts';

const textEncoder = new TextEncoder();

const WIRE_LEN = 2;

/** Encodes one length-delimited field (`tag`, `length`, `bytes`). */
export function lengthDelimited(fieldNumber: number, bytes: Uint8Array): Uint8Array {
  const tag = (fieldNumber << 3) | WIRE_LEN;
  const out = new Uint8Array(varintSize(tag) + varintSize(bytes.length) + bytes.length);
  let offset = writeVarint(out, 0, tag);
  offset = writeVarint(out, offset, bytes.length);
  out.set(bytes, offset);
  return out;
}

export function stringField(fieldNumber: number, value: string): Uint8Array {
  return value === '' ? new Uint8Array(0) : lengthDelimited(fieldNumber, textEncoder.encode(value));
}

/** Concatenates chunks into one Buffer (what grpc-js writes to the wire). */
export function concat(chunks: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** The fields of envoy.service.discovery.v3.DiscoveryResponse that Weft sets. */
export interface SotwResponseFields {
  readonly versionInfo: string;
  readonly typeUrl: string;
  readonly nonce: string;
  readonly controlPlane: Uint8Array;
  /** Each element is a pre-encoded `resources` field (number 2) holding one Any. */
  readonly resourceFields: readonly Uint8Array[];
}

/** A response in one allocation: its size is known before anything is written. */
export function encodeSotwResponse(response: SotwResponseFields): Buffer {
  const version = utf8Length(response.versionInfo);
  const nonce = utf8Length(response.nonce);
  const typeUrl = typeUrlField(4, response.typeUrl);
  let total = stringFieldSize(version) + typeUrl.length + stringFieldSize(nonce) + bytesFieldSize(response.controlPlane);
  for (const field of response.resourceFields) total += field.length;
  const out = Buffer.allocUnsafe(total);
  let offset = writeStringField(out, 0, 1, response.versionInfo, version);
  for (const field of response.resourceFields) {
    out.set(field, offset);
    offset += field.length;
  }
  out.set(typeUrl, offset);
  offset = writeStringField(out, offset + typeUrl.length, 5, response.nonce, nonce);
  writeBytesField(out, offset, 6, response.controlPlane);
  return out;
}

/** Size of a string field of `bytes` UTF-8 bytes, 0 for an empty (omitted) string; field numbers < 16. */
function stringFieldSize(bytes: number): number {
  return bytes === 0 ? 0 : 1 + varintSize(bytes) + bytes;
}

/** Writes the key and length of a length-delimited field (numbers < 16); returns where its bytes go. */
export function writeFieldHeader(out: Uint8Array, offset: number, fieldNumber: number, length: number): number {
  out[offset] = (fieldNumber << 3) | WIRE_LEN;
  return writeVarint(out, offset + 1, length);
}

function writeStringField(out: Buffer, offset: number, fieldNumber: number, value: string, bytes: number): number {
  if (bytes === 0) return offset;
  return writeUtf8(out, writeFieldHeader(out, offset, fieldNumber, bytes), value, bytes);
}

/** Size of a bytes field, 0 when empty (omitted); field numbers < 16. */
export function bytesFieldSize(value: Uint8Array): number {
  return value.length === 0 ? 0 : 1 + varintSize(value.length) + value.length;
}

/** Writes a bytes field, nothing when empty (omitted); returns the offset after it. */
export function writeBytesField(out: Uint8Array, offset: number, fieldNumber: number, value: Uint8Array): number {
  if (value.length === 0) return offset;
  const start = writeFieldHeader(out, offset, fieldNumber, value.length);
  out.set(value, start);
  return start + value.length;
}

/** field number → type URL → the type URL encoded as that string field. */
const typeUrlFields = new Map<number, Map<string, Uint8Array>>();

/**
 * The type URL as a string field, encoded once. Callers pass the served type URLs (a handful);
 * the bound only keeps a misuse from growing the cache.
 */
export function typeUrlField(fieldNumber: number, typeUrl: string): Uint8Array {
  let byUrl = typeUrlFields.get(fieldNumber);
  if (byUrl === undefined) typeUrlFields.set(fieldNumber, (byUrl = new Map<string, Uint8Array>()));
  let field = byUrl.get(typeUrl);
  if (field === undefined) {
    field = stringField(fieldNumber, typeUrl);
    if (byUrl.size < 64) byUrl.set(typeUrl, field);
  }
  return field;
}

/** The fields of envoy.service.discovery.v3.DeltaDiscoveryResponse that Weft sets. */
export interface DeltaResponseFields {
  readonly systemVersionInfo: string;
  readonly typeUrl: string;
  readonly nonce: string;
  readonly controlPlane: Uint8Array;
  /** Each element is a pre-encoded `resources` field (number 2) holding one discovery Resource. */
  readonly resourceFields: readonly Uint8Array[];
  readonly removed: readonly string[];
}

export function encodeDeltaResponse(response: DeltaResponseFields): Buffer {
  return concat([
    stringField(1, response.systemVersionInfo),
    ...response.resourceFields,
    stringField(4, response.typeUrl),
    stringField(5, response.nonce),
    ...response.removed.map((name) => lengthDelimited(6, textEncoder.encode(name))),
    response.controlPlane.length === 0 ? new Uint8Array(0) : lengthDelimited(7, response.controlPlane),
  ]);
}

/** envoy.config.core.v3.ControlPlane { identifier = 1 }, wrapped by the response encoders. */
export function encodeControlPlane(identifier: string): Uint8Array {
  return stringField(1, identifier);
}
