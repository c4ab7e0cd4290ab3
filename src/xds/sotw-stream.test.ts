/**
 * State-of-the-world checklist items (xds.md §2) against the real server over loopback gRPC.
 * "Nothing was sent" is proven with a barrier: a later request whose answer must be the very
 * next response, so any wrongly sent response would arrive first.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiListener, cluster, loadAssignment, mergeSets, routeConfig, routeTo, service } from './fixtures.ts';
import type { ResourceInput } from './resource.ts';
import type { SnapshotCache } from './snapshot-cache.ts';
import { ENVOY_NODE, GRPC_NODE, startHarness, until, type Harness } from './testing/harness.ts';
import { TYPE_URLS } from './type-urls.ts';

const { cluster: CDS, endpoint: EDS, listener: LDS, route: RDS } = TYPE_URLS;
const ep = (port: number) => ({ address: '127.0.0.1', port });

function services(...names: string[]) {
  return mergeSets(...names.map((n) => service(n, [ep(1000)])));
}

function setEndpoints(cache: SnapshotCache, name: string, port: number): void {
  const outcome = cache.updateResources('default', EDS, { upsert: [loadAssignment(name, [ep(port)])] });
  expect(outcome.ok).toBe(true);
}

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('SotW ADS checklist', () => {
  it('item 1: type URLs are independent sub-streams with their own nonce and ACK state', async () => {
    h.cache.setResources('default', services('a'));
    const c = h.connect('sotw');
    c.send({ node: ENVOY_NODE, type_url: CDS });
    const cds = await c.next();
    c.send({ type_url: EDS, resource_names: ['a'] });
    const eds = await c.next();
    expect(eds.typeUrl).toBe(EDS);
    c.ack(eds);
    await until(() => h.server.streams()[0]?.types.find((t) => t.type === 'eds')?.status === 'SYNCED');
    const types = h.server.streams()[0]?.types ?? [];
    expect(types.find((t) => t.type === 'cds')?.status).toBe('STALE');
    expect(cds.nonce).not.toBe(eds.nonce);
    c.ack(cds, []);
    await until(() => h.server.streams()[0]?.types.find((t) => t.type === 'cds')?.status === 'SYNCED');
  });

  it('item 2: the node from the first request is kept for the whole stream', async () => {
    await h.stop();
    h = await startHarness({ resolveGroup: (node) => node.cluster });
    h.cache.setResources('first', services('a'));
    h.cache.setResources('second', services('b'));
    const c = h.connect('sotw');
    c.send({ node: { ...GRPC_NODE, cluster: 'first' }, type_url: CDS, resource_names: ['a'] });
    c.ack(await c.next());
    c.send({ node: { ...GRPC_NODE, id: 'other', cluster: 'second' }, type_url: EDS, resource_names: ['a', 'b'] });
    const eds = await c.next();
    expect(eds.names).toEqual(['a']);
    expect(h.server.streams()[0]?.node.id).toBe(GRPC_NODE.id);
    expect(h.server.streams()[0]?.group).toBe('first');
  });

  it('item 3: every response carries a fresh nonce', async () => {
    h.cache.setResources('default', services('a', 'b'));
    const c = h.connect('sotw');
    c.send({ node: ENVOY_NODE, type_url: EDS, resource_names: ['a'] });
    const nonces = new Set<string>();
    let last = await c.next();
    nonces.add(last.nonce);
    for (const port of [1, 2, 3]) {
      c.ack(last);
      setEndpoints(h.cache, 'a', port);
      last = await c.next();
      nonces.add(last.nonce);
    }
    c.send({ type_url: CDS, resource_names: ['a'] });
    nonces.add((await c.next()).nonce);
    expect(nonces.size).toBe(5);
    expect(nonces.has('')).toBe(false);
  });

  it('item 4: a request with a stale nonce is ignored', async () => {
    h.cache.setResources('default', services('a', 'b', 'c'));
    const c = h.connect('sotw');
    c.send({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'] });
    const r1 = await c.next();
    c.ack(r1);
    await until(() => h.server.streams()[0]?.types[0]?.status === 'SYNCED');
    setEndpoints(h.cache, 'a', 2);
    const r2 = await c.next();
    // Raced the push of r2: still answers r1, and drops 'a'. Must be ignored.
    c.send({ type_url: EDS, resource_names: ['b'], response_nonce: r1.nonce, version_info: r1.versionInfo });
    c.ack(r2, ['a']);
    c.send({ type_url: EDS, resource_names: ['a', 'c'], response_nonce: r2.nonce, version_info: r2.versionInfo });
    expect((await c.next()).names).toEqual(['c']);
  });

  it('item 6: a NACK is recognised by error_detail even when version_info equals the sent version', async () => {
    h.cache.setResources('default', services('a'));
    const c = h.connect('sotw');
    c.send({ node: GRPC_NODE, type_url: CDS, resource_names: ['a'] });
    const r = await c.next();
    c.send({ type_url: CDS, resource_names: ['a'], response_nonce: r.nonce, version_info: r.versionInfo, error_detail: { code: 3, message: 'bad cluster' } });
    await until(() => h.server.streams()[0]?.types[0]?.lastNack !== undefined);
    const type = h.server.streams()[0]?.types[0];
    expect(type?.status).toBe('ERROR');
    expect(type?.ackedVersion).toBe('');
    expect(type?.lastNack?.message).toBe('bad cluster');
  });

  it('item 7: NACKed content is not sent again until it changes', async () => {
    h.cache.setResources('default', services('a', 'b'));
    const c = h.connect('sotw');
    c.send({ node: GRPC_NODE, type_url: EDS, resource_names: ['a', 'b'] });
    const r = await c.next();
    c.nack(r, ['a', 'b'], 'rejected');
    h.cache.setResources('default', services('a', 'b'));
    setEndpoints(h.cache, 'b', 2);
    expect((await c.next()).names).toEqual(['b']);
    const again = c.received.at(-1);
    if (again !== undefined) c.ack(again, ['a', 'b']);
    setEndpoints(h.cache, 'a', 3);
    expect((await c.next()).names).toEqual(['a']);
  });

  it('item 8: an ACK never triggers a response, only changes do', async () => {
    h.cache.setResources('default', services('a', 'b'));
    const c = h.connect('sotw');
    c.send({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'] });
    c.ack(await c.next());
    h.cache.setResources('default', services('a', 'b'));
    c.send({ type_url: EDS, resource_names: ['a', 'b'], response_nonce: c.received[0]?.nonce, version_info: c.received[0]?.versionInfo });
    expect((await c.next()).names).toEqual(['b']);
    expect(c.received).toHaveLength(2);
  });

  it('item 9: a resubscribed name is sent again even though it did not change', async () => {
    h.cache.setResources('default', services('a', 'b'));
    const c = h.connect('sotw');
    c.send({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'] });
    const r1 = await c.next();
    c.ack(r1, ['b']);
    const r2 = await c.next();
    expect(r2.names).toEqual(['b']);
    c.ack(r2, ['a', 'b']);
    expect((await c.next()).names).toEqual(['a']);
  });

  it("item 10: a gRPC client's empty list unsubscribes and is never a wildcard", async () => {
    h.cache.setResources('default', services('l1', 'l2'));
    const first = h.connect('sotw');
    first.send({ node: GRPC_NODE, type_url: CDS, resource_names: [] });
    first.send({ type_url: RDS, resource_names: ['l1'] });
    expect((await first.next()).typeUrl).toBe(RDS);
    const c = h.connect('sotw');
    c.send({ node: GRPC_NODE, type_url: LDS, resource_names: ['l1'] });
    const r = await c.next();
    expect(r.names).toEqual(['l1']);
    c.ack(r, []);
    await until(() => h.server.streams().find((s) => s.node.id === GRPC_NODE.id && s.types[0]?.type === 'lds')?.types[0]?.subscribed.length === 0);
    h.cache.setResources('default', services('l1', 'l2', 'l3'));
    c.send({ type_url: RDS, resource_names: ['l2'] });
    expect((await c.next()).typeUrl).toBe(RDS);
    expect(h.server.streams().every((st) => st.types.every((t) => !t.wildcard))).toBe(true);
  });

  it("item 10: Envoy's first empty LDS/CDS list is a wildcard, '*' is explicit, and names end the legacy wildcard", async () => {
    h.cache.setResources('default', services('a', 'b'));
    const envoy = h.connect('sotw');
    envoy.send({ node: ENVOY_NODE, type_url: LDS });
    const all = await envoy.next();
    expect(all.names).toEqual(['a', 'b']);
    envoy.ack(all, ['a']);
    await until(() => h.server.streams()[0]?.types[0]?.wildcard === false);
    h.cache.setResources('default', services('a', 'b', 'c'));
    envoy.send({ type_url: RDS, resource_names: ['a'] });
    expect((await envoy.next()).typeUrl).toBe(RDS);
    const grpcStar = h.connect('sotw');
    grpcStar.send({ node: GRPC_NODE, type_url: CDS, resource_names: ['*'] });
    expect((await grpcStar.next()).names).toEqual(['a', 'b', 'c']);
  });

  it('item 11: every LDS/CDS response carries the full subscribed set; omission deletes', async () => {
    h.cache.setResources('default', services('a', 'b', 'c'));
    const c = h.connect('sotw');
    c.send({ node: ENVOY_NODE, type_url: CDS });
    c.ack(await c.next(), []);
    h.cache.setResources('default', mergeSets(services('a', 'c'), { [CDS]: [cluster('b', { lbPolicy: 'RING_HASH' })], [EDS]: [loadAssignment('b', [ep(1000)])] }));
    const changed = await c.next();
    expect([...changed.names].sort()).toEqual(['a', 'b', 'c']);
    c.ack(changed, []);
    h.cache.setResources('default', services('a', 'b'));
    const removed = await c.next();
    expect([...removed.names].sort()).toEqual(['a', 'b']);
    c.ack(removed, []);
    h.cache.setResources('default', { [CDS]: [], [EDS]: [], [LDS]: [], [RDS]: [] });
    expect((await c.next()).names).toEqual([]);
  });

  it('item 12: RDS/EDS responses carry only what changed', async () => {
    h.cache.setResources('default', services('a', 'b', 'c'));
    const c = h.connect('sotw');
    c.send({ node: ENVOY_NODE, type_url: EDS, resource_names: ['a', 'b', 'c'] });
    c.ack(await c.next());
    setEndpoints(h.cache, 'b', 7);
    expect((await c.next()).names).toEqual(['b']);
  });

  it('item 13: no name appears twice in one response', async () => {
    h.cache.setResources('default', services('a', 'b'));
    const c = h.connect('sotw');
    c.send({ node: ENVOY_NODE, type_url: CDS, resource_names: ['*', 'a', 'a'] });
    expect([...(await c.next()).names].sort()).toEqual(['a', 'b']);
    c.send({ type_url: EDS, resource_names: ['a', 'a', 'b'] });
    expect([...(await c.next()).names].sort()).toEqual(['a', 'b']);
  });

  it('item 14: a subscribed name that does not exist yet is sent as soon as it exists', async () => {
    h.cache.setResources('default', services('other'));
    const c = h.connect('sotw');
    c.send({ node: GRPC_NODE, type_url: LDS, resource_names: ['later:8080'] });
    c.send({ type_url: RDS, resource_names: ['other'] });
    expect((await c.next()).typeUrl).toBe(RDS);
    h.cache.setResources('default', services('other', 'later:8080'));
    expect((await c.next()).names).toEqual(['later:8080']);
  });

  it('item 19: one change to all four types goes out CDS, EDS, LDS, RDS', async () => {
    h.cache.setResources('default', services('a'));
    const c = h.connect('sotw');
    c.send({ node: ENVOY_NODE, type_url: RDS, resource_names: ['a'] });
    c.send({ node: ENVOY_NODE, type_url: LDS });
    c.send({ node: ENVOY_NODE, type_url: EDS, resource_names: ['a'] });
    c.send({ node: ENVOY_NODE, type_url: CDS });
    await until(() => c.received.length === 4);
    for (const r of c.received.slice()) c.ack(r, r.typeUrl === EDS || r.typeUrl === RDS ? ['a'] : []);
    await until(() => h.server.streams()[0]?.types.every((t) => t.status === 'SYNCED') === true);
    const next: Record<string, ResourceInput[]> = {
      [CDS]: [cluster('a', { maxRequests: 5 })],
      [EDS]: [loadAssignment('a', [ep(2)])],
      [LDS]: [apiListener('a', 'a', { fault: {} })],
      [RDS]: [routeConfig('a', [routeTo('a', { timeout: { seconds: 3 } })])],
    };
    h.cache.setResources('default', next);
    await until(() => c.received.length === 8);
    expect(c.received.slice(4).map((r) => r.typeUrl)).toEqual([CDS, EDS, LDS, RDS]);
  });

  it('item 20: resource versions are content hashes; response versions carry the instance', async () => {
    h.cache.setResources('default', services('a'));
    const other = await startHarness({ instanceId: 'replica-b' });
    try {
      other.cache.setResources('default', services('a'));
      const c1 = h.connect('sotw');
      const c2 = other.connect('sotw');
      c1.send({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'] });
      c2.send({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'] });
      const [r1, r2] = await Promise.all([c1.next(), c2.next()]);
      expect(r1.versionInfo).not.toBe(r2.versionInfo);
      expect(r2.versionInfo.startsWith('replica-b.')).toBe(true);
      expect(h.cache.get('default', EDS, 'a')?.version).toBe(other.cache.get('default', EDS, 'a')?.version);
    } finally {
      await other.stop();
    }
  });

  it('item 21: a new stream is answered even when the client presents a version', async () => {
    h.cache.setResources('default', services('a'));
    const c = h.connect('sotw');
    c.send({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'], version_info: 'v-from-another-server' });
    expect((await c.next()).names).toEqual(['a']);
  });

  it('item 22: an empty first wildcard CDS is answered, and EDS for a warming cluster is served before the CDS ACK', async () => {
    const c = h.connect('sotw');
    c.send({ node: ENVOY_NODE, type_url: CDS });
    const empty = await c.next();
    expect(empty.names).toEqual([]);
    c.ack(empty, []);
    h.cache.setResources('default', services('new'));
    expect((await c.next()).names).toEqual(['new']);
    c.send({ type_url: EDS, resource_names: ['new'] });
    expect((await c.next()).names).toEqual(['new']);
  });

  it('item 23: resources are never wrapped in discovery Resource in SotW', async () => {
    h.cache.setResources('default', services('a'));
    const c = h.connect('sotw');
    c.send({ node: { ...ENVOY_NODE, client_features: ['xds.config.supports-resource-in-sotw'] }, type_url: CDS });
    const r = await c.next();
    expect(r.resources.map((x) => x.typeUrl)).toEqual([CDS]);
  });
});
