/**
 * Incremental (delta) ADS checklist items (xds.md §2) against the real server over loopback
 * gRPC, with the delta test client built on @grpc/grpc-js.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAssignment, mergeSets, service } from './fixtures.ts';
import { ENVOY_NODE, startHarness, until, type Harness } from './testing/harness.ts';
import { TYPE_URLS } from './type-urls.ts';

const { cluster: CDS, endpoint: EDS } = TYPE_URLS;
const ep = (port: number) => ({ address: '127.0.0.1', port });
const services = (...names: string[]) => mergeSets(...names.map((n) => service(n, [ep(1000)])));

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

describe('delta ADS checklist', () => {
  it('item 5: subscription changes apply even with a stale nonce', async () => {
    h.cache.setResources('default', services('a', 'b'));
    const c = h.connect('delta');
    c.send({ node: ENVOY_NODE, type_url: EDS, resource_names_subscribe: ['a'] });
    expect((await c.next()).names).toEqual(['a']);
    c.send({ type_url: EDS, resource_names_subscribe: ['b'], response_nonce: 'stale-nonce' });
    await until(() => h.server.streams()[0]?.types[0]?.subscribed.length === 2);
    const first = c.received[0];
    if (first !== undefined) c.ack(first);
    expect((await c.next()).names).toEqual(['b']);
  });

  it('item 9: a resubscribed name is sent again although unchanged', async () => {
    h.cache.setResources('default', services('a'));
    const c = h.connect('delta');
    c.send({ node: ENVOY_NODE, type_url: EDS, resource_names_subscribe: ['a'] });
    const r = await c.next();
    c.ack(r);
    c.send({ type_url: EDS, resource_names_unsubscribe: ['a'] });
    c.send({ type_url: EDS, resource_names_subscribe: ['a'] });
    expect((await c.next()).names).toEqual(['a']);
  });

  it('item 15: a subscribed name that does not exist is reported in removed_resources, then sent once it exists', async () => {
    const c = h.connect('delta');
    c.send({ node: ENVOY_NODE, type_url: EDS, resource_names_subscribe: ['ghost'] });
    const r = await c.next();
    expect(r.removed).toEqual(['ghost']);
    expect(r.resources).toEqual([]);
    c.ack(r);
    h.cache.setResources('default', services('ghost'));
    expect((await c.next()).names).toEqual(['ghost']);
  });

  it('item 16: initial_resource_versions on reconnect: changed ones sent, gone ones removed, current ones skipped', async () => {
    h.cache.setResources('default', services('a', 'b'));
    const current = h.cache.get('default', EDS, 'a')?.version ?? '';
    const c = h.connect('delta');
    c.send({ node: ENVOY_NODE, type_url: EDS, resource_names_subscribe: ['a', 'b', 'gone'], initial_resource_versions: { a: current, b: 'old-version', gone: 'x' } });
    const r = await c.next();
    expect(r.names).toEqual(['b']);
    expect(r.removed).toEqual(['gone']);
  });

  it('item 16: a wildcard reconnect with a deleted cluster gets it in removed_resources', async () => {
    h.cache.setResources('default', services('a'));
    const c = h.connect('delta');
    c.send({ node: ENVOY_NODE, type_url: CDS, initial_resource_versions: { stale: 'v1' } });
    const r = await c.next();
    expect(r.names).toEqual(['a']);
    expect(r.removed).toEqual(['stale']);
  });

  it('item 17: unsubscribing an explicit name still covered by the wildcard re-sends it', async () => {
    h.cache.setResources('default', services('a', 'b'));
    const c = h.connect('delta');
    c.send({ node: ENVOY_NODE, type_url: CDS, resource_names_subscribe: ['*', 'a'] });
    const r = await c.next();
    expect([...r.names].sort()).toEqual(['a', 'b']);
    c.ack(r);
    c.send({ type_url: CDS, resource_names_unsubscribe: ['a'] });
    expect((await c.next()).names).toEqual(['a']);
  });

  it('item 18: per-resource versions drive the diff; system_version_info does not', async () => {
    h.cache.setResources('default', services('a', 'b'));
    const c1 = h.connect('delta');
    c1.send({ node: ENVOY_NODE, type_url: EDS, resource_names_subscribe: ['a'] });
    const r1 = await c1.next();
    expect(r1.resources[0]?.version).toBe(h.cache.get('default', EDS, 'a')?.version);
    const c2 = h.connect('delta');
    c2.send({ node: ENVOY_NODE, type_url: EDS, resource_names_subscribe: ['a'], initial_resource_versions: { a: r1.resources[0]?.version } });
    await until(() => h.server.streams().length === 2 && h.server.streams()[1]?.types.length === 1);
    c2.send({ type_url: EDS, resource_names_subscribe: ['b'] });
    expect((await c2.next()).names).toEqual(['b']);
    const flipped = h.cache.updateResources('default', EDS, { upsert: [loadAssignment('a', [ep(1)])] });
    expect(flipped.ok).toBe(true);
    h.cache.updateResources('default', EDS, { upsert: [loadAssignment('a', [ep(1000)])] });
    expect(h.cache.get('default', EDS, 'a')?.version).toBe(r1.resources[0]?.version);
  });

  it('item 7 (delta): NACKed content is not re-sent until it changes', async () => {
    h.cache.setResources('default', services('a', 'b'));
    const c = h.connect('delta');
    c.send({ node: ENVOY_NODE, type_url: EDS, resource_names_subscribe: ['a', 'b'] });
    c.nack(await c.next(), [], 'bad endpoints');
    h.cache.updateResources('default', EDS, { upsert: [loadAssignment('b', [ep(9)])] });
    expect((await c.next()).names).toEqual(['b']);
    await until(() => h.server.streams()[0]?.types[0]?.lastNack?.message === 'bad endpoints');
  });

  it('item 22 (delta): the first wildcard request is answered even when there is nothing', async () => {
    const c = h.connect('delta');
    c.send({ node: ENVOY_NODE, type_url: CDS });
    const r = await c.next();
    expect(r.resources).toEqual([]);
    expect(r.removed).toEqual([]);
  });
});
