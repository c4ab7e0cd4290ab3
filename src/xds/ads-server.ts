/**
 * The ADS gRPC server: StreamAggregatedResources (SotW), DeltaAggregatedResources and CSDS on
 * one @grpc/grpc-js server. It reads from the cache through `WatchableCache` only.
 *
 * Responses are pre-encoded bytes (resources encoded once per version, see resource.ts), so the
 * service definitions below use identity serializers for responses and protobufjs for requests.
 */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import type { Logger } from '../log.ts';
import { widenServerConnectionWindows } from './connection-window.ts';
import { csdsServiceDefinition, createCsdsHandlers } from './csds.ts';
import { createDeltaStream } from './delta-stream.ts';
import { createXdsMetrics, type XdsMetrics } from './metrics.ts';
import { decodeDeltaRequest, decodeSotwRequest, type DeltaRequest, type NodeInfo, type SotwRequest } from './requests.ts';
import type { WatchableCache } from './snapshot-cache.ts';
import { createSotwStream } from './sotw-stream.ts';
import { createStreamShare, type StreamContext, type StreamCore, type StreamKind, type TransportWriter } from './stream-core.ts';
import { describeStream, type StreamStatus } from './stream-status.ts';
import { encodeControlPlane } from './wire.ts';

const ADS_SERVICE = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

export interface AdsServerOptions {
  readonly cache: WatchableCache;
  readonly log: Logger;
  readonly metrics?: XdsMetrics;
  /** Maps a client node to its proxy group; default: every node in group "default". */
  readonly resolveGroup?: (node: NodeInfo) => string;
  /** Identifies this process in control_plane and version strings; default: random. */
  readonly instanceId?: string;
  readonly keepaliveTimeMs?: number;
  readonly keepaliveTimeoutMs?: number;
  readonly maxReceiveMessageBytes?: number;
  readonly maxSendMessageBytes?: number;
}

export interface AdsServer {
  /** Binds and starts serving; resolves to the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /** Refuses new streams, ends open ones (clients reconnect elsewhere), then shuts down within `graceMs`. */
  drain(graceMs?: number): Promise<void>;
  /** Stops at once. */
  close(): void;
  streams(): readonly StreamStatus[];
  /** Internal view for CSDS and debug handlers. */
  streamCores(): readonly StreamCore[];
  readonly metrics: XdsMetrics;
  readonly instanceId: string;
}

const identity = (bytes: Buffer): Buffer => bytes;

function adsDefinition(): grpc.ServiceDefinition {
  const method = <T>(name: string, decode: (bytes: Buffer) => T): grpc.MethodDefinition<T, Buffer> => ({
    path: `/${ADS_SERVICE}/${name}`,
    requestStream: true,
    responseStream: true,
    requestSerialize: () => Buffer.alloc(0),
    requestDeserialize: decode,
    responseSerialize: identity,
    responseDeserialize: identity,
  });
  return {
    StreamAggregatedResources: method<SotwRequest>('StreamAggregatedResources', decodeSotwRequest),
    DeltaAggregatedResources: method<DeltaRequest>('DeltaAggregatedResources', decodeDeltaRequest),
  };
}

interface LiveStream {
  readonly core: StreamCore;
  readonly call: grpc.ServerDuplexStream<unknown, Buffer>;
}

export function createAdsServer(options: AdsServerOptions): AdsServer {
  const log = options.log.child({ component: 'ads' });
  const metrics = options.metrics ?? createXdsMetrics(new Registry());
  const instanceId = options.instanceId ?? randomBytes(6).toString('base64url');
  const controlPlane = encodeControlPlane(`weft/${instanceId}`);
  const resolveGroup = options.resolveGroup ?? ((): string => 'default');
  const live = new Map<number, LiveStream>();
  const share = createStreamShare();
  let nextStreamId = 1;
  let draining = false;
  widenServerConnectionWindows();
  const server = new grpc.Server({
    'grpc.keepalive_time_ms': options.keepaliveTimeMs ?? 30_000,
    'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? 4 * 1024 * 1024,
    'grpc.max_send_message_length': options.maxSendMessageBytes ?? 64 * 1024 * 1024,
  });

  function serve<T>(kind: StreamKind, call: grpc.ServerDuplexStream<T, Buffer>): void {
    if (draining) {
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'control plane is draining' });
      return;
    }
    const id = nextStreamId++;
    const ctx: StreamContext = { id, kind, share, cache: options.cache, log, metrics, controlPlane, versionPrefix: instanceId, resolveGroup };
    const writer: TransportWriter = { write: (bytes) => call.write(bytes), onceDrain: (listener) => call.once('drain', listener) };
    const stream = kind === 'sotw' ? createSotwStream(ctx, writer) : createDeltaStream(ctx, writer);
    live.set(id, { core: stream.core, call: call });
    metrics.streams.inc({ kind });
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      live.delete(id);
      stream.core.close();
      metrics.streams.dec({ kind });
    };
    call.on('data', (request: T) => {
      if (finished) return;
      (stream.handle as (r: T) => void)(request);
    });
    call.on('end', () => {
      finish();
      call.end();
    });
    call.on('cancelled', finish);
    call.on('error', finish);
    call.on('close', finish);
  }

  server.addService(adsDefinition(), {
    StreamAggregatedResources: (call: grpc.ServerDuplexStream<SotwRequest, Buffer>) => {
      serve('sotw', call);
    },
    DeltaAggregatedResources: (call: grpc.ServerDuplexStream<DeltaRequest, Buffer>) => {
      serve('delta', call);
    },
  });
  const streamCores = (): StreamCore[] => [...live.values()].map((s) => s.core);
  server.addService(csdsServiceDefinition(), createCsdsHandlers(streamCores, options.cache));

  return {
    metrics,
    instanceId,
    streamCores,
    streams: () => streamCores().map(describeStream),
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
          if (err !== null) {
            reject(err);
            return;
          }
          log.info({ host, port: bound, instanceId }, 'ADS server listening');
          resolve(bound);
        });
      });
    },
    drain(graceMs = 5_000) {
      draining = true;
      log.info({ streams: live.size, graceMs }, 'draining ADS server');
      for (const { call } of live.values()) call.end();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close() {
      draining = true;
      server.forceShutdown();
    },
  };
}
