/**
 * An in-process cache + ADS server on 127.0.0.1:0 for tests, plus node shapes of the clients
 * we care about (Envoy, grpc-js).
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createAdsServer, type AdsServer, type AdsServerOptions } from '../ads-server.ts';
import { createXdsMetrics } from '../metrics.ts';
import { createSnapshotCache, type SnapshotCache } from '../snapshot-cache.ts';
import { connectAdsClient, type AdsTestClient } from './ads-client.ts';

export interface Harness {
  readonly cache: SnapshotCache;
  readonly server: AdsServer;
  readonly address: string;
  readonly port: number;
  connect(kind: 'sotw' | 'delta'): AdsTestClient;
  stop(): Promise<void>;
}

export const ENVOY_NODE = { id: 'sidecar~10.0.0.1~envoy.ns~ns.svc.cluster.local', cluster: 'default', user_agent_name: 'envoy', locality: {} };
export const GRPC_NODE = { id: 'grpc-client-1', cluster: 'default', user_agent_name: 'gRPC Node Pure JS', locality: {}, client_features: ['envoy.lb.does_not_support_overprovisioning'] };

export async function startHarness(options: Partial<AdsServerOptions> = {}): Promise<Harness> {
  const log = options.log ?? pino({ level: 'silent' });
  const metrics = options.metrics ?? createXdsMetrics(new Registry());
  const cache = createSnapshotCache({ log, onConverged: (s) => { metrics.convergence.observe(s); } });
  const server = createAdsServer({ cache, log, metrics, ...options });
  const port = await server.listen('127.0.0.1', 0);
  const address = `127.0.0.1:${port}`;
  const clients: AdsTestClient[] = [];
  return {
    cache,
    server,
    address,
    port,
    connect(kind) {
      const client = connectAdsClient(kind, address);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.close();
      await server.drain(1_000);
    },
  };
}

/** Resolves when `predicate` holds, checking after each event-loop turn; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
