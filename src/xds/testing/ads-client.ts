/**
 * A minimal ADS client on @grpc/grpc-js for tests: speaks SotW or delta, decodes responses
 * into plain objects, and hands them out in order. Waits have deadlines; nothing sleeps.
 */
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { messageType } from '../protos.ts';
import { messageName } from '../type-urls.ts';

type Plain = Record<string, unknown>;

export interface DecodedResource {
  readonly typeUrl: string;
  readonly name: string;
  /** Delta only. */
  readonly version: string;
  readonly value: Plain;
}

export interface DecodedResponse {
  readonly typeUrl: string;
  readonly versionInfo: string;
  readonly nonce: string;
  readonly resources: readonly DecodedResource[];
  readonly removed: readonly string[];
  readonly names: readonly string[];
  readonly bytes: number;
}

export interface AdsTestClient {
  send(request: Plain): void;
  next(timeoutMs?: number): Promise<DecodedResponse>;
  /** Sends an ACK for `response` with the given names (SotW) or an empty delta ACK. */
  ack(response: DecodedResponse, resourceNames?: readonly string[]): void;
  nack(response: DecodedResponse, resourceNames: readonly string[], message: string): void;
  readonly received: readonly DecodedResponse[];
  /** Resolves when the server ends the stream (with the status). */
  readonly ended: Promise<grpc.StatusObject>;
  close(): void;
}

const ADS = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

function decodeResource(typeUrl: string, bytes: Uint8Array): Plain {
  const type = messageType(messageName(typeUrl));
  return type.toObject(type.decode(bytes), { longs: Number, enums: String, defaults: false, json: true });
}

function nameOf(typeUrl: string, value: Plain): string {
  return String(typeUrl.endsWith('ClusterLoadAssignment') ? value.cluster_name : value.name);
}

function decodeResponse(kind: 'sotw' | 'delta', bytes: Buffer): DecodedResponse {
  const type: protobuf.Type = messageType(kind === 'sotw' ? 'envoy.service.discovery.v3.DiscoveryResponse' : 'envoy.service.discovery.v3.DeltaDiscoveryResponse');
  const m = type.decode(bytes) as unknown as Plain;
  const typeUrl = String(m.type_url);
  const entries = (m.resources as Plain[] | undefined) ?? [];
  const resources = entries.map((entry): DecodedResource => {
    const any = (kind === 'sotw' ? entry : (entry.resource as Plain)) as { type_url: string; value: Uint8Array };
    const value = decodeResource(any.type_url, any.value);
    return { typeUrl: any.type_url, name: kind === 'sotw' ? nameOf(typeUrl, value) : String(entry.name), version: kind === 'delta' ? String(entry.version) : '', value };
  });
  return {
    typeUrl,
    versionInfo: String(kind === 'sotw' ? m.version_info : m.system_version_info),
    nonce: String(m.nonce),
    resources,
    removed: ((m.removed_resources as string[] | undefined) ?? []).slice(),
    names: resources.map((r) => r.name),
    bytes: bytes.length,
  };
}

export function connectAdsClient(kind: 'sotw' | 'delta', address: string): AdsTestClient {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const requestType = messageType(kind === 'sotw' ? 'envoy.service.discovery.v3.DiscoveryRequest' : 'envoy.service.discovery.v3.DeltaDiscoveryRequest');
  const call = client.makeBidiStreamRequest(
    `${ADS}/${kind === 'sotw' ? 'StreamAggregatedResources' : 'DeltaAggregatedResources'}`,
    (request: Plain) => Buffer.from(requestType.encode(requestType.fromObject(request)).finish()),
    (bytes: Buffer) => decodeResponse(kind, bytes),
  );
  const received: DecodedResponse[] = [];
  const queue: DecodedResponse[] = [];
  const waiters: ((r: DecodedResponse) => void)[] = [];
  call.on('data', (response: DecodedResponse) => {
    received.push(response);
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter(response);
    else queue.push(response);
  });
  call.on('error', () => undefined);
  const ended = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
  return {
    received,
    ended,
    send: (request) => void call.write(request),
    next(timeoutMs = 5_000) {
      const ready = queue.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(onResponse), 1);
          reject(new Error(`no xDS response within ${timeoutMs} ms`));
        }, timeoutMs);
        const onResponse = (r: DecodedResponse): void => {
          clearTimeout(timer);
          resolve(r);
        };
        waiters.push(onResponse);
      });
    },
    ack(response, resourceNames = response.names) {
      call.write(kind === 'sotw' ? { type_url: response.typeUrl, version_info: response.versionInfo, response_nonce: response.nonce, resource_names: resourceNames } : { type_url: response.typeUrl, response_nonce: response.nonce });
    },
    nack(response, resourceNames, message) {
      const error_detail = { code: 3, message };
      call.write(kind === 'sotw' ? { type_url: response.typeUrl, version_info: '', response_nonce: response.nonce, resource_names: resourceNames, error_detail } : { type_url: response.typeUrl, response_nonce: response.nonce, error_detail });
    },
    close() {
      call.cancel();
      client.close();
    },
  };
}
