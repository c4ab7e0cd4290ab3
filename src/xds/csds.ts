/**
 * envoy.service.status.v3.ClientStatusDiscoveryService on the ADS server: every connected
 * proxy with, per subscribed resource, the version sent, whether the client ACKed it, and the
 * last NACK. (`weft proxy-status` shows the same per-stream state, read from `/debug/syncz`.)
 */
import * as grpc from '@grpc/grpc-js';
import { messageType } from './protos.ts';
import type { WatchableCache } from './snapshot-cache.ts';
import type { StreamCore, TypeState } from './stream-core.ts';
import { describeResources, type ResourceStatus } from './stream-status.ts';
import { ADS_ORDER } from './type-urls.ts';

const CSDS_SERVICE = 'envoy.service.status.v3.ClientStatusDiscoveryService';

interface CsdsRequest {
  readonly nodeIds: readonly string[] | undefined;
  readonly excludeContents: boolean;
}

type Plain = Record<string, unknown>;

function decodeRequest(bytes: Buffer): CsdsRequest {
  const requestType = messageType('envoy.service.status.v3.ClientStatusRequest');
  const m = requestType.toObject(requestType.decode(bytes));
  const matchers = Array.isArray(m.node_matchers) ? (m.node_matchers as Plain[]) : [];
  const ids = matchers.map((matcher) => ((matcher.node_id as Plain | undefined)?.exact as string | undefined) ?? '').filter((id) => id !== '');
  return { nodeIds: ids.length > 0 ? ids : undefined, excludeContents: m.exclude_resource_contents === true };
}

function encodeResponse(response: Plain): Buffer {
  const responseType = messageType('envoy.service.status.v3.ClientStatusResponse');
  return Buffer.from(responseType.encode(responseType.fromObject(response)).finish());
}

export function csdsServiceDefinition(): grpc.ServiceDefinition {
  const base = {
    path: '',
    requestSerialize: (): Buffer => Buffer.alloc(0),
    requestDeserialize: decodeRequest,
    responseSerialize: encodeResponse,
    responseDeserialize: (bytes: Buffer): Buffer => bytes,
  };
  return {
    FetchClientStatus: { ...base, path: `/${CSDS_SERVICE}/FetchClientStatus`, requestStream: false, responseStream: false },
    StreamClientStatus: { ...base, path: `/${CSDS_SERVICE}/StreamClientStatus`, requestStream: true, responseStream: true },
  };
}

function timestamp(ms: number): Plain {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

const CLIENT_STATUS: Readonly<Record<ResourceStatus['status'], string>> = { SYNCED: 'ACKED', STALE: 'REQUESTED', ERROR: 'NACKED', NOT_SENT: 'REQUESTED' };

function genericConfigs(core: StreamCore, state: TypeState, cache: WatchableCache, excludeContents: boolean): Plain[] {
  return describeResources(state).map((resource) => {
    const current = cache.get(core.group, state.typeUrl, resource.name);
    const body = !excludeContents && current?.version === resource.version ? current.body : undefined;
    const nack = state.lastNack;
    const failed = resource.status === 'ERROR' && nack !== undefined;
    return {
      type_url: state.typeUrl,
      name: resource.name,
      version_info: resource.version,
      ...(body === undefined ? {} : { xds_config: { type_url: state.typeUrl, value: body } }),
      last_updated: timestamp(state.lastSentAtMs),
      config_status: resource.status,
      client_status: CLIENT_STATUS[resource.status],
      ...(failed ? { error_state: { last_update_attempt: timestamp(nack.atMs), details: nack.message, version_info: resource.version } } : {}),
    };
  });
}

/** The ClientStatusResponse for the given streams, in plain object form. */
export function clientStatus(cores: readonly StreamCore[], cache: WatchableCache, request: CsdsRequest): Plain {
  const config = cores
    .filter((core) => request.nodeIds === undefined || request.nodeIds.includes(core.node.id))
    .sort((a, b) => a.node.id.localeCompare(b.node.id) || a.ctx.id - b.ctx.id)
    .map((core) => ({
      node: core.node.raw,
      generic_xds_configs: ADS_ORDER.flatMap((typeUrl) => {
        const state = core.types.get(typeUrl);
        return state === undefined ? [] : genericConfigs(core, state, cache, request.excludeContents);
      }),
    }));
  return { config };
}

export function createCsdsHandlers(cores: () => readonly StreamCore[], cache: WatchableCache): grpc.UntypedServiceImplementation {
  return {
    FetchClientStatus: (call: grpc.ServerUnaryCall<CsdsRequest, Plain>, callback: grpc.sendUnaryData<Plain>) => {
      callback(null, clientStatus(cores(), cache, call.request));
    },
    StreamClientStatus: (call: grpc.ServerDuplexStream<CsdsRequest, Plain>) => {
      call.on('data', (request: CsdsRequest) => call.write(clientStatus(cores(), cache, request)));
      call.on('end', () => call.end());
    },
  };
}
