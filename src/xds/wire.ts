/**
 * Hand-written protobuf framing for the hot path. Resources are encoded once per version (see
 * resource.ts); a DiscoveryResponse is then a few header fields followed by the pre-encoded
 * resource fields, concatenated without re-serializing anything.
 */
const textEncoder = new TextEncoder();

const WIRE_LEN = 2;

export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function writeVarint(out: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    out[offset++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  out[offset++] = value;
  return offset;
}

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

/** google.protobuf.Any { type_url = 1; value = 2 } */
export function encodeAny(typeUrl: string, value: Uint8Array): Uint8Array {
  return concat([stringField(1, typeUrl), value.length === 0 ? new Uint8Array(0) : lengthDelimited(2, value)]);
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

export function encodeSotwResponse(response: SotwResponseFields): Buffer {
  return concat([
    stringField(1, response.versionInfo),
    ...response.resourceFields,
    stringField(4, response.typeUrl),
    stringField(5, response.nonce),
    response.controlPlane.length === 0 ? new Uint8Array(0) : lengthDelimited(6, response.controlPlane),
  ]);
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
