/**
 * Decoding of the client's discovery requests into plain, fully-defaulted shapes. Any decoding
 * error surfaces to grpc-js, which ends that one stream with INTERNAL; the server carries on.
 */
import protobuf from 'protobufjs';
import { messageType } from './protos.ts';

export interface NodeInfo {
  readonly id: string;
  readonly cluster: string;
  readonly userAgentName: string;
  readonly userAgentVersion: string;
  readonly clientFeatures: readonly string[];
  /** The node as sent, in protobufjs object form (for CSDS and debug output). */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface ErrorDetail {
  readonly code: number;
  readonly message: string;
}

export interface SotwRequest {
  readonly versionInfo: string;
  readonly node: NodeInfo | undefined;
  /** Decoded on first access: an ACK repeating an unchanged list never decodes it. */
  readonly resourceNames: readonly string[];
  /** The encoded resource_names fields; equal bytes mean equal lists. */
  readonly namesKey: Buffer;
  readonly typeUrl: string;
  readonly responseNonce: string;
  readonly errorDetail: ErrorDetail | undefined;
}

export interface DeltaRequest {
  readonly node: NodeInfo | undefined;
  readonly typeUrl: string;
  readonly subscribe: readonly string[];
  readonly unsubscribe: readonly string[];
  readonly initialResourceVersions: ReadonlyMap<string, string>;
  readonly responseNonce: string;
  readonly errorDetail: ErrorDetail | undefined;
}

type Decoded = Record<string, unknown>;


/**
 * Decodes a DiscoveryRequest by hand so that resource_names (Envoy repeats all EDS names, often
 * thousands, in every ACK) are only compared as bytes, not turned into strings, unless they changed.
 */
export function decodeSotwRequest(bytes: Uint8Array): SotwRequest {
  const reader = protobuf.Reader.create(bytes);
  let versionInfo = '';
  let typeUrl = '';
  let responseNonce = '';
  let nodeBytes: Uint8Array | undefined;
  let errorBytes: Uint8Array | undefined;
  let namesStart = -1;
  let namesEnd = -1;
  while (reader.pos < reader.len) {
    const tagStart = reader.pos;
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire !== 2) {
      reader.skipType(wire);
      continue;
    }
    if (field === 3) {
      if (namesStart < 0) namesStart = tagStart;
      reader.pos = skipNames(bytes, reader.pos);
      namesEnd = reader.pos;
    } else if (field === 1) versionInfo = reader.string();
    else if (field === 4) typeUrl = reader.string();
    else if (field === 5) responseNonce = reader.string();
    else if (field === 2) nodeBytes = reader.bytes();
    else if (field === 6) errorBytes = reader.bytes();
    else reader.skipType(wire);
  }
  let names: readonly string[] | undefined;
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const namesKey = namesStart < 0 ? EMPTY : buffer.subarray(namesStart, namesEnd);
  return {
    versionInfo,
    typeUrl,
    responseNonce,
    namesKey,
    node: nodeBytes === undefined ? undefined : nodeOf(messageType(NODE).decode(nodeBytes)),
    errorDetail: errorBytes === undefined ? undefined : errorOf(statusToObject(errorBytes)),
    get resourceNames(): readonly string[] {
      // Rare (the list changed): protobufjs decodes strings faster than slicing them one by one.
      names ??= strings((messageType('envoy.service.discovery.v3.DiscoveryRequest').decode(bytes) as unknown as Decoded).resource_names);
      return names;
    },
  };
}

const EMPTY = Buffer.alloc(0);
/** Tag byte of field 3 (resource_names), wire type 2. */
const NAMES_TAG = (3 << 3) | 2;

/**
 * From just after a resource_names tag, skips that name and every directly following one (the
 * usual encoding: all names in a row); returns the position after the last. A tight loop over
 * the bytes: an ACK naming thousands of resources is skipped without a call per name.
 */
function skipNames(bytes: Uint8Array, start: number): number {
  let pos = start;
  for (;;) {
    let length = 0;
    let shift = 1;
    let byte: number;
    do {
      byte = bytes[pos++] ?? 0;
      length += (byte & 0x7f) * shift;
      shift *= 128;
    } while (byte >= 0x80);
    pos += length;
    if (pos > bytes.length) throw new RangeError('resource_names field runs past the end of the request');
    if (bytes[pos] !== NAMES_TAG) return pos;
    pos++;
  }
}
const NODE = 'envoy.config.core.v3.Node';

function statusToObject(bytes: Uint8Array): Decoded {
  const type = messageType('google.rpc.Status');
  return type.toObject(type.decode(bytes));
}

export function decodeDeltaRequest(bytes: Uint8Array): DeltaRequest {
  const m = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest').decode(bytes) as unknown as Decoded;
  const initial = new Map<string, string>();
  const versions = m.initial_resource_versions;
  if (typeof versions === 'object' && versions !== null) {
    for (const [name, version] of Object.entries(versions)) initial.set(name, str(version));
  }
  return {
    node: nodeOf(m.node),
    typeUrl: str(m.type_url),
    subscribe: strings(m.resource_names_subscribe),
    unsubscribe: strings(m.resource_names_unsubscribe),
    initialResourceVersions: initial,
    responseNonce: str(m.response_nonce),
    errorDetail: errorOf(m.error_detail),
  };
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): readonly string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function errorOf(value: unknown): ErrorDetail | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const status = value as Decoded;
  return { code: typeof status.code === 'number' ? status.code : 0, message: str(status.message) };
}

function nodeOf(value: unknown): NodeInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = messageType(NODE).toObject(value as protobuf.Message, { longs: String, enums: String, bytes: String });
  return {
    id: str(raw.id),
    cluster: str(raw.cluster),
    userAgentName: str(raw.user_agent_name),
    userAgentVersion: str(raw.user_agent_version),
    clientFeatures: strings(raw.client_features),
    raw,
  };
}

/** gRPC clients (grpc-go "gRPC Go", grpc-java "gRPC Java", grpc-js "gRPC Node Pure JS", ...). */
export function isGrpcClient(node: NodeInfo): boolean {
  return /^grpc/i.test(node.userAgentName);
}

export const EMPTY_NODE: NodeInfo = { id: '', cluster: '', userAgentName: '', userAgentVersion: '', clientFeatures: [], raw: {} };
