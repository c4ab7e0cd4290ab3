/**
 * The xDS side's public surface, for `weft discovery` and the translator:
 * cache (producers call setResources), ADS server (SotW + delta + CSDS), metrics, debug handlers.
 *
 * Wiring (the convergence histogram is fed by the cache, the rest by the server):
 *
 *   const metrics = createXdsMetrics(registry);
 *   const cache = createSnapshotCache({ log, onConverged: (s) => metrics.convergence.observe(s) });
 *   const ads = createAdsServer({ cache, log, metrics, resolveGroup: (node) => ... });
 *   await ads.listen('0.0.0.0', 15010);
 *   const debug = createDebugHandlers({ streamCores: () => ads.streamCores(), cache, registry });
 *   // on SIGTERM: await ads.drain(graceMs)
 */
export { createAdsServer, type AdsServer, type AdsServerOptions } from './ads-server.ts';
export { createDebugHandlers, createDebugServer, type DebugHandlers, type DebugSources } from './debug-http.ts';
export { createXdsMetrics, type XdsMetrics } from './metrics.ts';
export type { Publish } from './publish.ts';
export type { NodeInfo } from './requests.ts';
export type { ResourceInput, XdsResource } from './resource.ts';
export { createSnapshotCache, type PublishOutcome, type ResourceChange, type ResourceSet, type SnapshotCache, type WatchableCache } from './snapshot-cache.ts';
export type { StreamStatus, SyncStatus, TypeStatus } from './stream-status.ts';
export { ADS_ORDER, TYPE_URLS, type XdsTypeUrl } from './type-urls.ts';
