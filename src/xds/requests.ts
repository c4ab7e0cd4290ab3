/**
 * Decoding of the client's discovery requests into plain, fully-defaulted shapes. Any decoding
 * error surfaces to grpc-js, which ends that one stream with INTERNAL; the server carries on.
 */
import type protobuf from 'protobufjs';
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
  readonly resourceNames: readonly string[];
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

let sotwType: protobuf.Type | undefined;
let deltaType: protobuf.Type | undefined;
let nodeType: protobuf.Type | undefined;

export function decodeSotwRequest(bytes: Uint8Array): SotwRequest {
  sotwType ??= messageType('envoy.service.discovery.v3.DiscoveryRequest');
  const m = sotwType.decode(bytes) as unknown as Decoded;
  return {
    versionInfo: str(m.version_info),
    node: nodeOf(m.node),
    resourceNames: strings(m.resource_names),
    typeUrl: str(m.type_url),
    responseNonce: str(m.response_nonce),
    errorDetail: errorOf(m.error_detail),
  };
}

export function decodeDeltaRequest(bytes: Uint8Array): DeltaRequest {
  deltaType ??= messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
  const m = deltaType.decode(bytes) as unknown as Decoded;
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
  nodeType ??= messageType('envoy.config.core.v3.Node');
  const raw = nodeType.toObject(value as protobuf.Message, { longs: String, enums: String, bytes: String });
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
