/**
 * The discovery process (`weft discovery`, deployed as istiod): watches the registry and the Istio
 * config, keeps statuses (Lease holder only), translates, and serves ADS (SotW + delta + CSDS) on
 * the gRPC port and debug pages, health and metrics on the monitoring port (istiod's 15010/15014).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createIstioConfigController } from '../controllers/istio/controller.ts';
import type { Clock } from '../kube/clock.ts';
import { createKubeLeaseClient, createLeaderElector, type LeaderElector } from '../kube/leader-election.ts';
import type { Logger } from '../log.ts';
import { startHealthServer, type Route } from '../runtime/health-server.ts';
import { createAdsServer, createDebugHandlers, createSnapshotCache, createXdsMetrics } from '../xds/index.ts';
import { createPipeline, type Pipeline } from './pipeline.ts';
import { createRegistrySource } from './registry-source.ts';
import { untilAborted } from '../runtime/abort.ts';
import { startWebhook, type RunningWebhook, type WebhookOptions } from '../webhook/index.ts';

export interface DiscoveryPorts {
  readonly xds: number;
  readonly monitoring: number;
  /** Present when the webhook is on. */
  readonly webhook?: number;
}

export interface DiscoveryOptions {
  readonly kc: KubeConfig;
  readonly log: Logger;
  readonly clock: Clock;
  readonly grpcHost: string;
  readonly grpcPort: number;
  readonly monitoringHost: string;
  readonly monitoringPort: number;
  /** Elect the status writer through a Lease; off for a single in-process instance. */
  readonly leaderElect: boolean;
  readonly leaseNamespace: string;
  readonly identity: string;
  readonly signal: AbortSignal;
  /** The validating webhook (istiod's 15017); absent: off. */
  readonly webhook?: WebhookOptions;
  /** Called once serving, with the bound ports (port 0 picks free ones). */
  readonly onServing?: (ports: DiscoveryPorts) => void;
}

function json(view: () => unknown): Route {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(view(), null, 2)}\n`);
  };
}

/** istiod's registry debug pages, from the pipeline's current view. */
function registryRoutes(pipeline: Pipeline): Record<string, Route> {
  return {
    '/debug/registryz': json(() => pipeline.registry().services),
    '/debug/endpointz': json(() =>
      pipeline.registry().services.map((s) => ({ hostname: s.hostname, namespace: s.namespace, endpoints: pipeline.registry().endpoints.get(`${s.hostname}/${s.namespace}`) ?? [] })),
    ),
    '/debug/configz': json(() => pipeline.config()),
    '/debug/proxy_groups': json(() => Object.fromEntries(pipeline.groups())),
  };
}

/**
 * The webhook is an early check, never a reason for discovery not to serve xDS: if its CA cannot be
 * read or written (no namespace, no RBAC), discovery runs without it and status reports instead.
 */
async function startWebhookOrWarn(kc: KubeConfig, clock: Clock, log: Logger, options: WebhookOptions): Promise<RunningWebhook | undefined> {
  try {
    return await startWebhook(kc, clock, log, options);
  } catch (err) {
    log.error({ err, namespace: options.namespace, secret: options.caSecret }, 'webhook not started: its CA Secret is unavailable (start with --webhook=false to silence)');
    return undefined;
  }
}

export async function runDiscovery(options: DiscoveryOptions): Promise<void> {
  const { kc, clock } = options;
  const log = options.log.child({ component: 'discovery' });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const xdsMetrics = createXdsMetrics(registry);
  const cache = createSnapshotCache({ log, onConverged: (seconds) => { xdsMetrics.convergence.observe(seconds); } });
  const pipeline = createPipeline({ cache, clock, log });
  let elector: LeaderElector | undefined;
  const config = createIstioConfigController({ kc, log, clock, isLeader: () => elector?.isLeader() ?? true, onServedChange: (served) => { pipeline.setServedConfig(served); } });
  const source = createRegistrySource(kc, clock, log, (input) => { pipeline.setRegistryInput(input); });
  const ads = createAdsServer({ cache, log, metrics: xdsMetrics, resolveGroup: (node) => pipeline.resolveGroup(node) });
  const debug = createDebugHandlers({ streamCores: () => ads.streamCores(), cache, registry });
  let synced = false;
  const monitoring = await startHealthServer({
    host: options.monitoringHost,
    port: options.monitoringPort,
    registry,
    ready: { informers: () => synced },
    routes: { '/debug/syncz': debug.syncz, '/debug/config_dump': debug.configDump, ...registryRoutes(pipeline) },
  });
  const xdsPort = await ads.listen(options.grpcHost, options.grpcPort);
  // Before the informers: the webhook needs no cache, and the API server may call it at once.
  const webhook = options.webhook === undefined ? undefined : await startWebhookOrWarn(kc, clock, log, options.webhook);
  await Promise.all([source.start(), config.start()]);
  await pipeline.flush();
  synced = true;
  if (options.leaderElect) {
    elector = createLeaderElector({
      client: createKubeLeaseClient(kc, options.leaseNamespace, 'weft-discovery'),
      identity: options.identity,
      clock,
      log,
      onStartedLeading: () => { config.resyncStatuses(); },
      onStoppedLeading: () => undefined,
    });
    elector.start();
  }
  const ports: DiscoveryPorts = { xds: xdsPort, monitoring: monitoring.port, ...(webhook === undefined ? {} : { webhook: webhook.port }) };
  log.info(ports, 'discovery serving');
  options.onServing?.(ports);
  await untilAborted(options.signal);
  log.info('discovery draining');
  await ads.drain(5_000);
  await webhook?.stop();
  await elector?.stop();
  pipeline.stop();
  await Promise.all([source.stop(), config.stop()]);
  await monitoring.close();
}
