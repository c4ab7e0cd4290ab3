import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { apiListener, cluster, loadAssignment, mergeSets, routeConfig, routeTo, service } from './fixtures.ts';
import type { Publish } from './publish.ts';
import { createSnapshotCache, type SnapshotCache, type Watcher } from './snapshot-cache.ts';
import { TYPE_URLS, type XdsTypeUrl } from './type-urls.ts';

const log = pino({ level: 'silent' });
const { cluster: CDS, endpoint: EDS, listener: LDS, route: RDS } = TYPE_URLS;
const ep = (port: number) => ({ address: '127.0.0.1', port });

function recorder(): Watcher & { calls: { typeUrl: XdsTypeUrl; names: string[] }[] } {
  const calls: { typeUrl: XdsTypeUrl; names: string[] }[] = [];
  return { calls, onChange: (typeUrl, names) => void calls.push({ typeUrl, names: [...names].sort() }) };
}

describe('snapshot cache', () => {
  it('versions each resource by content, the same across cache instances (restarts, replicas)', () => {
    const a = createSnapshotCache({ log });
    const b = createSnapshotCache({ log });
    a.setResources('g', service('svc', [ep(1)]));
    b.setResources('g', service('svc', [ep(1)]));
    const va = a.get('g', EDS, 'svc')?.version;
    expect(va).toMatch(/^[\w-]{22}$/);
    expect(b.get('g', EDS, 'svc')?.version).toBe(va);
    a.updateResources('g', EDS, { upsert: [loadAssignment('svc', [ep(2)])] });
    expect(a.get('g', EDS, 'svc')?.version).not.toBe(va);
  });

  it('encodes a resource once and shares the bytes between groups', () => {
    const cache = createSnapshotCache({ log });
    cache.setResources('ns-a', service('svc', [ep(1)]));
    cache.setResources('ns-b', service('svc', [ep(1)]));
    const a = cache.get('ns-a', CDS, 'svc');
    expect(a).toBeDefined();
    expect(cache.get('ns-b', CDS, 'svc')).toBe(a);
    expect(cache.stats().resources).toBe(4);
  });

  it('wakes only the watchers of the changed name', () => {
    const cache = createSnapshotCache({ log });
    cache.setResources('g', mergeSets(service('a', [ep(1)]), service('b', [ep(1)])));
    const onA = recorder();
    const onB = recorder();
    cache.watch('g', EDS, 'a', onA);
    cache.watch('g', EDS, 'b', onB);
    cache.updateResources('g', EDS, { upsert: [loadAssignment('a', [ep(2)])] });
    expect(onA.calls).toEqual([{ typeUrl: EDS, names: ['a'] }]);
    expect(onB.calls).toEqual([]);
  });

  it('does not wake anyone when a resource is set again with the same content', () => {
    const cache = createSnapshotCache({ log });
    cache.setResources('g', service('a', [ep(1)]));
    const w = recorder();
    cache.watchAll('g', CDS, w);
    const outcome = cache.setResources('g', service('a', [ep(1)]));
    expect(outcome.ok && outcome.changed).toBe(0);
    expect(w.calls).toEqual([]);
  });

  it('wakes watchers of a name that did not exist when it appears', () => {
    const cache = createSnapshotCache({ log });
    const w = recorder();
    cache.watch('g', LDS, 'later', w);
    cache.setResources('g', service('later', [ep(1)]));
    expect(w.calls).toEqual([{ typeUrl: LDS, names: ['later'] }]);
  });

  it('wakes wildcard watchers with every changed name, including removals', () => {
    const cache = createSnapshotCache({ log });
    cache.setResources('g', mergeSets(service('a', [ep(1)]), service('b', [ep(1)])));
    const w = recorder();
    cache.watchAll('g', CDS, w);
    cache.setResources('g', mergeSets(service('a', [ep(1)]), service('c', [ep(1)])));
    expect(w.calls).toEqual([{ typeUrl: CDS, names: ['b', 'c'] }]);
  });

  it('keeps groups apart: a change in one group wakes nobody in another', () => {
    const cache = createSnapshotCache({ log });
    const w = recorder();
    cache.watch('other', CDS, 'a', w);
    cache.setResources('g', service('a', [ep(1)]));
    expect(w.calls).toEqual([]);
    expect(cache.get('other', CDS, 'a')).toBeUndefined();
  });

  it.each([
    ['a cluster names a missing ClusterLoadAssignment', { [CDS]: [cluster('a')], [EDS]: [] }, 'cluster a names missing ClusterLoadAssignment a'],
    ['a ClusterLoadAssignment is named by no cluster', { [CDS]: [], [EDS]: [loadAssignment('x', [])] }, 'ClusterLoadAssignment x is not named by any cluster'],
    ['a listener names a missing RouteConfiguration', { [LDS]: [apiListener('l', 'r')], [RDS]: [] }, 'listener l names missing RouteConfiguration r'],
    ['a RouteConfiguration is named by no listener', { [LDS]: [], [RDS]: [routeConfig('r', [routeTo('a')])] }, 'RouteConfiguration r is not named by any listener'],
    ['two resources share a name', { [CDS]: [cluster('a'), cluster('a')], [EDS]: [loadAssignment('a', [])] }, 'duplicate cds name a'],
    ['a resource has no name', { [CDS]: [{ type: 'EDS' }] }, 'envoy.config.cluster.v3.Cluster without a name'],
  ])('refuses to publish when %s and keeps the last good state', (_case, set, problem) => {
    const cache = createSnapshotCache({ log });
    cache.setResources('g', service('good', [ep(1)]));
    const outcome = cache.setResources('g', set);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.problems).toContain(problem);
    expect(cache.get('g', CDS, 'good')).toBeDefined();
  });

  it('still checks consistency when an update adds or removes names', () => {
    const cache = createSnapshotCache({ log });
    cache.setResources('g', service('a', [ep(1)]));
    expect(cache.updateResources('g', EDS, { upsert: [loadAssignment('orphan', [])] }).ok).toBe(false);
    expect(cache.updateResources('g', EDS, { remove: ['a'] }).ok).toBe(false);
    expect(cache.updateResources('g', EDS, { upsert: [loadAssignment('a', [ep(2)])] }).ok).toBe(true);
  });

  const edsCluster = (name: string, serviceName: string) => cluster(name, { extra: { eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: serviceName } } });
  const services = (n: number) => mergeSets(...Array.from({ length: n }, (_, i) => service(`s${i}`, [ep(i + 1)])));

  it.each([
    ['a cluster is repointed to a missing CLA', CDS, { upsert: [edsCluster('s1', 'nope')] }, false],
    ['a cluster is repointed so that its CLA is orphaned', CDS, { upsert: [edsCluster('s1', 's2')] }, false],
    ['a cluster is removed and its CLA stays', CDS, { remove: ['s1'] }, false],
    ['a CLA still named by a cluster is removed', EDS, { remove: ['s1'] }, false],
    ['a listener is repointed to a missing route', LDS, { upsert: [apiListener('s1', 'nope')] }, false],
    ['a listener is removed and its route stays', LDS, { remove: ['s1'] }, false],
    ['a route still named by a listener is removed', RDS, { remove: ['s1'] }, false],
    ['a listener is repointed to a route another listener names', LDS, { upsert: [apiListener('s1', 's2'), apiListener('s2', 's1')] }, true],
    ['a CLA is updated', EDS, { upsert: [loadAssignment('s1', [ep(9)])] }, true],
    ['a name that does not exist is removed', EDS, { remove: ['ghost'] }, true],
  ])('keeps the reference index right when %s', (_case, typeUrl: XdsTypeUrl, change, ok) => {
    const cache = createSnapshotCache({ log });
    cache.setResources('g', services(3));
    expect(cache.updateResources('g', typeUrl, change).ok).toBe(ok);
  });

  it('tracks references across publishes: a CLA orphaned by an earlier repoint can be removed', () => {
    const cache = createSnapshotCache({ log });
    cache.setResources('g', services(2));
    expect(cache.setResources('g', { [CDS]: [edsCluster('s0', 's0'), edsCluster('s1', 's0')], [EDS]: [loadAssignment('s0', [ep(1)])] }).ok).toBe(true);
    expect(cache.updateResources('g', CDS, { remove: ['s0'] }).ok).toBe(true);
    expect(cache.updateResources('g', CDS, { remove: ['s1'] }).ok).toBe(false);
    expect(cache.setResources('g', { [CDS]: [], [EDS]: [] }).ok).toBe(true);
  });

  it.each([
    ['updating one CLA', (c: SnapshotCache) => c.updateResources('g', EDS, { upsert: [loadAssignment('s7', [ep(99)])] }), 1],
    ['adding a cluster and its CLA', (c: SnapshotCache) => c.setResources('g', { [CDS]: [...(services(500)[CDS] ?? []), cluster('new')], [EDS]: [...(services(500)[EDS] ?? []), loadAssignment('new', [])] }), 2 * 501 + 2],
    ['replacing the route type only', (c: SnapshotCache) => c.setResources('g', { [RDS]: services(500)[RDS]?.map((r, i) => (i === 3 ? routeConfig('s3', []) : r)) ?? [] }), 500 + 1],
  ])('costs O(change), not O(snapshot): %s', (_case, change, maxWork) => {
    const cache = createSnapshotCache({ log });
    expect(cache.setResources('g', services(500)).ok).toBe(true);
    const before = cache.stats().publishWork;
    expect(change(cache).ok).toBe(true);
    expect(cache.stats().publishWork - before).toBeLessThanOrEqual(maxWork);
  });

  it('resolves convergence once every woken watcher releases its hold', async () => {
    const cache = createSnapshotCache({ log });
    const seen: number[] = [];
    const cacheWithMetric = createSnapshotCache({ log, onConverged: (s) => void seen.push(s) });
    const releases: (() => void)[] = [];
    const holder: Watcher = { onChange: (_t, _n, p: Publish) => void releases.push(p.hold()) };
    cacheWithMetric.watch('g', CDS, 'a', holder);
    const outcome = cacheWithMetric.setResources('g', service('a', [ep(1)]));
    if (!outcome.ok) throw new Error('publish refused');
    let converged = false;
    void outcome.publish.converged.then(() => (converged = true));
    await Promise.resolve();
    expect(converged).toBe(false);
    for (const release of releases) release();
    await outcome.publish.converged;
    expect(seen).toHaveLength(1);
    const idle = cache.setResources('g', service('a', [ep(1)]));
    if (idle.ok) await idle.publish.converged;
  });

  it('drops interned resources once no group holds them', () => {
    const cache = createSnapshotCache({ log });
    cache.setResources('g', service('a', [ep(1)]));
    cache.removeGroup('g');
    expect(cache.stats().resources).toBe(0);
    expect(cache.groups()).toEqual([]);
  });

  it('finds route names in filter-chain listeners and in Any-as-bytes form', () => {
    const cache = createSnapshotCache({ log });
    const hcm = apiListener('x', 'r2').api_listener as { api_listener: Record<string, unknown> };
    const envoyListener = { name: 'l', address: { socket_address: { address: '0.0.0.0', port_value: 80 } }, filter_chains: [{ filters: [{ name: 'hcm', typed_config: hcm.api_listener }] }] };
    const outcome = cache.setResources('g', { [LDS]: [envoyListener], [RDS]: [routeConfig('r2', [])] });
    expect(outcome.ok).toBe(true);
  });
});
