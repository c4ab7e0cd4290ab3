/**
 * One xDS resource at one version: encoded once, hashed once, shared by every group and stream
 * that holds it. The version is a content hash, so it is the same on every replica and after a
 * restart for the same bytes, and different for different bytes (checklist item 20).
 */
import { hash } from 'node:crypto';
import { encodeClusterLoadAssignment } from './encode-cla.ts';
import { encodePlain } from './encode-plain.ts';
import { varintSize } from './flat-writer.ts';
import { messageType } from './protos.ts';
import { messageName, TYPE_URLS, type XdsTypeUrl } from './type-urls.ts';
import { bytesFieldSize, concat, lengthDelimited, stringField, typeUrlField, writeBytesField, writeFieldHeader } from './wire.ts';

/** A resource as plain data, in protobufjs object form with the .proto field names (Any as `{ '@type': url, ... }`). */
export type ResourceInput = Readonly<Record<string, unknown>>;

export interface XdsResource {
  readonly typeUrl: XdsTypeUrl;
  readonly name: string;
  /** Content hash of `body`. */
  readonly version: string;
  /** The encoded message. */
  readonly body: Uint8Array;
  /** `DiscoveryResponse.resources` field (number 2) holding the Any: appended as-is to SotW responses. */
  readonly sotwField: Uint8Array;
  /** Names this resource depends on: EDS names for a cluster, RDS names for a listener. */
  readonly references: readonly string[];
}

const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

const deltaFields = new WeakMap<XdsResource, Uint8Array>();

/** `DeltaDiscoveryResponse.resources` field (number 2) holding `Resource{version, resource, name}`; built on first use. */
export function deltaFieldOf(resource: XdsResource): Uint8Array {
  let field = deltaFields.get(resource);
  if (field === undefined) {
    // Resource.resource (2) holds the same Any as the SotW field, which is also field 2: reuse it.
    const wrapped = concat([stringField(1, resource.version), resource.sotwField, stringField(3, resource.name)]);
    field = lengthDelimited(2, wrapped);
    deltaFields.set(resource, field);
  }
  return field;
}

export type EncodeOutcome = { readonly ok: true; readonly resource: XdsResource } | { readonly ok: false; readonly problem: string };

/** Encodes a resource given as plain data. Invalid input is an outcome, not an exception. */
export function encodeResource(typeUrl: XdsTypeUrl, input: ResourceInput): EncodeOutcome {
  const name = resourceName(typeUrl, input);
  if (name === '') return { ok: false, problem: `${messageName(typeUrl)} without a name` };
  let body: Uint8Array;
  try {
    const type = messageType(messageName(typeUrl));
    body = (typeUrl === TYPE_URLS.endpoint ? encodeClusterLoadAssignment(input) : undefined) ?? encodePlain(type, input) ?? type.encode(type.fromObject(input)).finish();
  } catch (err) {
    return { ok: false, problem: `${messageName(typeUrl)} ${name}: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { ok: true, resource: fromEncoded(typeUrl, name, body, referencesOf(typeUrl, input, name)) };
}

/** `DiscoveryResponse.resources` and `Any.value`: both field 2. */
const RESOURCES_FIELD = 2;
const ANY_VALUE_FIELD = 2;

/**
 * Wraps already-encoded bytes (e.g. from another encoder) as a resource. The SotW field is built
 * in one allocation, and the version is the SHA-256 of the Any inside it (type URL and body).
 */
export function fromEncoded(typeUrl: XdsTypeUrl, name: string, body: Uint8Array, references: readonly string[]): XdsResource {
  const typeUrlBytes = typeUrlField(1, typeUrl);
  const anyLength = typeUrlBytes.length + bytesFieldSize(body);
  const sotwField = Buffer.allocUnsafeSlow(1 + varintSize(anyLength) + anyLength);
  const anyStart = writeFieldHeader(sotwField, 0, RESOURCES_FIELD, anyLength);
  sotwField.set(typeUrlBytes, anyStart);
  writeBytesField(sotwField, anyStart + typeUrlBytes.length, ANY_VALUE_FIELD, body);
  const version = hash('sha256', sotwField.subarray(anyStart), 'base64url').slice(0, 22);
  return { typeUrl, name, version, body, sotwField, references };
}

export function resourceName(typeUrl: XdsTypeUrl, input: ResourceInput): string {
  const value = typeUrl === TYPE_URLS.endpoint ? input.cluster_name : input.name;
  return typeof value === 'string' ? value : '';
}

function referencesOf(typeUrl: XdsTypeUrl, input: ResourceInput, name: string): readonly string[] {
  switch (typeUrl) {
    case TYPE_URLS.cluster:
      return clusterEdsName(input, name);
    case TYPE_URLS.listener:
      return listenerRouteNames(input);
    case TYPE_URLS.endpoint:
    case TYPE_URLS.route:
      return [];
  }
}

function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function clusterEdsName(cluster: ResourceInput, name: string): readonly string[] {
  const isEds = cluster.type === 'EDS' || cluster.type === 3;
  if (!isEds) return [];
  const serviceName = asRecord(cluster.eds_cluster_config)?.service_name;
  return [typeof serviceName === 'string' && serviceName !== '' ? serviceName : name];
}

function listenerRouteNames(listener: ResourceInput): readonly string[] {
  const configs: unknown[] = [asRecord(listener.api_listener)?.api_listener];
  const chains = [...arrayOf(listener.filter_chains), asRecord(listener.default_filter_chain)];
  for (const chain of chains) {
    for (const filter of arrayOf(asRecord(chain)?.filters)) configs.push(asRecord(filter)?.typed_config);
  }
  const names = new Set<string>();
  for (const config of configs) {
    const routeName = asRecord(asRecord(hcmOf(config))?.rds)?.route_config_name;
    if (typeof routeName === 'string' && routeName !== '') names.add(routeName);
  }
  return [...names].sort();
}

function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

/** An HttpConnectionManager given either as `{ '@type', ... }` or as `{ type_url, value }` bytes. */
function hcmOf(any: unknown): unknown {
  const record = asRecord(any);
  if (record === undefined) return undefined;
  if (record['@type'] === `type.googleapis.com/${HCM_TYPE}`) return record;
  if (record.type_url === `type.googleapis.com/${HCM_TYPE}` && record.value instanceof Uint8Array) {
    const type = messageType(HCM_TYPE);
    return type.toObject(type.decode(record.value));
  }
  return undefined;
}
