/**
 * What streams share (ADR 13): interned name sets watched once per distinct set, held versions
 * shared copy-on-write, one encoded response per (versions, subscription, cache generation), and
 * changes written in the same turn as the publish. Streams run in-process on fake transports so
 * the tests can look at identities and at what was written before any timer could run.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createDeltaStream } from './delta-stream.ts';
import { loadAssignment, mergeSets, service } from './fixtures.ts';
import { createXdsMetrics } from './metrics.ts';
import { messageType } from './protos.ts';
import { decodeDeltaRequest, decodeSotwRequest } from './requests.ts';
import { createSnapshotCache, type SnapshotCache } from './snapshot-cache.ts';
import { createSotwStream } from './sotw-stream.ts';
import { createStreamShare, type StreamContext, type StreamCore, type StreamShare, type Transition } from './stream-core.ts';
import { ENVOY_NODE, GRPC_NODE } from './testing/harness.ts';
import { TYPE_URLS } from './type-urls.ts';

const log = pino({ level: 'silent' });
const { cluster: CDS, endpoint: EDS } = TYPE_URLS;
const ep = (port: number) => ({ address: '127.0.0.1', port });
const sotwType = messageType('envoy.service.discovery.v3.DiscoveryRequest');
const deltaType = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
const sotwResponseType = messageType('envoy.service.discovery.v3.DiscoveryResponse');

interface FakeStream {
  readonly core: StreamCore;
  readonly written: Buffer[];
  request(body: Record<string, unknown>): void;
  /** ACKs the last response written. */
  ack(): void;
  lastNonce(): string;
}

function setup(): { cache: SnapshotCache; share: StreamShare; open: (kind: 'sotw' | 'delta') => FakeStream } {
  const cache = createSnapshotCache({ log });
  cache.setResources('default', mergeSets(service('a', [ep(1)]), service('b', [ep(2)]), service('c', [ep(3)])));
  const share = createStreamShare();
  const metrics = createXdsMetrics(new Registry());
  let id = 0;
  return {
    cache,
    share,
    open: (kind) => {
      const ctx: StreamContext = { id: ++id, kind, share, cache, log, metrics, controlPlane: new Uint8Array(0), versionPrefix: 'test', resolveGroup: () => 'default' };
      const written: Buffer[] = [];
      const writer = { write: (bytes: Buffer) => written.push(bytes) > 0, onceDrain: () => undefined };
      const stream = kind === 'sotw' ? createSotwStream(ctx, writer) : createDeltaStream(ctx, writer);
      const request = (body: Record<string, unknown>): void => {
        const bytes = Buffer.from((kind === 'sotw' ? sotwType : deltaType).encode((kind === 'sotw' ? sotwType : deltaType).fromObject(body)).finish());
        if (kind === 'sotw') (stream.handle as (r: ReturnType<typeof decodeSotwRequest>) => void)(decodeSotwRequest(bytes));
        else (stream.handle as (r: ReturnType<typeof decodeDeltaRequest>) => void)(decodeDeltaRequest(bytes));
      };
      const lastResponse = (): { type_url: string; nonce: string; version_info?: string } => {
        const last = written.at(-1);
        if (last === undefined) throw new Error('nothing written');
        return sotwResponseType.toObject(sotwResponseType.decode(last)) as { type_url: string; nonce: string; version_info?: string };
      };
      return {
        core: stream.core,
        written,
        request,
        lastNonce: () => lastResponse().nonce,
        ack() {
          const response = lastResponse();
          const state = stream.core.types.get(response.type_url as typeof EDS);
          request(kind === 'sotw' ? { type_url: response.type_url, response_nonce: response.nonce, version_info: response.version_info, resource_names: [...(state?.names ?? [])] } : { type_url: response.type_url, response_nonce: response.nonce });
        },
      };
    },
  };
}

const flushed = (): Promise<void> =>
  new Promise((resolve) => {
    queueMicrotask(resolve);
  });

describe('streams share subscriptions, versions and encoded responses', () => {
  it.each([
    ['SotW EDS by name', 'sotw' as const, { node: GRPC_NODE, type_url: EDS, resource_names: ['a', 'b'] }],
    ['SotW CDS wildcard', 'sotw' as const, { node: ENVOY_NODE, type_url: CDS, resource_names: [] }],
    ['delta EDS by name', 'delta' as const, { node: GRPC_NODE, type_url: EDS, resource_names_subscribe: ['a', 'b'] }],
  ])('%s: streams with the same subscription get the very same response bytes, before and after a change', async (_case, kind, first) => {
    const { cache, open } = setup();
    const [x, y] = [open(kind), open(kind)];
    x.request(first);
    y.request(first);
    await flushed();
    expect(x.written).toHaveLength(1);
    expect(y.written[0]).toBe(x.written[0]);
    x.ack();
    y.ack();
    cache.updateResources('default', EDS, { upsert: [loadAssignment('a', [ep(9)])] });
    cache.setResources('default', mergeSets(service('a', [ep(9)]), service('b', [ep(2)]), service('c', [ep(3)]), service('d', [ep(4)])));
    await flushed();
    expect(x.written).toHaveLength(2);
    expect(y.written[1]).toBe(x.written[1]);
  });

  it('a stream with another subscription gets its own bytes', async () => {
    const { open } = setup();
    const [x, y] = [open('sotw'), open('sotw')];
    x.request({ node: GRPC_NODE, type_url: EDS, resource_names: ['a', 'b'] });
    y.request({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'] });
    await flushed();
    expect(y.written[0]).not.toBe(x.written[0]);
    expect(y.written[0]?.length).toBeLessThan(x.written[0]?.length ?? 0);
  });

  it('a stream whose state diverged gets its own answer, and shares again once it caught up', async () => {
    const { cache, open } = setup();
    const [x, y] = [open('sotw'), open('sotw')];
    for (const s of [x, y]) s.request({ node: GRPC_NODE, type_url: EDS, resource_names: ['a', 'b'] });
    await flushed();
    x.ack();
    y.ack();
    y.request({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'], response_nonce: y.lastNonce() });
    await flushed();
    // Item 9: re-subscribing b sends it again to y, and to y only.
    y.request({ node: GRPC_NODE, type_url: EDS, resource_names: ['a', 'b'], response_nonce: y.lastNonce() });
    await flushed();
    expect(x.written).toHaveLength(1);
    expect(y.written).toHaveLength(2);
    y.ack();
    cache.updateResources('default', EDS, { upsert: [loadAssignment('b', [ep(7)])] });
    await flushed();
    expect(x.written).toHaveLength(2);
    expect(y.written).toHaveLength(3);
    expect(y.written[2]).toBe(x.written[1]);
  });

  it('keeps one name set, one held-versions table and one cache watch per distinct subscription, and drops them when streams close', async () => {
    const { cache, share, open } = setup();
    const streams = Array.from({ length: 5 }, () => open('sotw'));
    for (const s of streams) s.request({ node: GRPC_NODE, type_url: EDS, resource_names: ['a', 'b', 'c'] });
    await flushed();
    const states = streams.map((s) => s.core.types.get(EDS));
    expect(new Set(states.map((s) => s?.names)).size).toBe(1);
    expect(new Set(states.map((s) => s?.held.pureTable)).size).toBe(1);
    expect(share.nameSets.size()).toBe(1);
    expect(cache.stats().namedWatches).toBe(3);
    for (const s of streams) s.core.close();
    expect(share.nameSets.size()).toBe(0);
    expect(cache.stats().namedWatches).toBe(0);
  });

  it('forgets transitions from tables nobody holds, so old versions and bytes are not kept alive', async () => {
    const { cache, share, open } = setup();
    const [x, y] = [open('sotw'), open('sotw')];
    for (const s of [x, y]) s.request({ node: GRPC_NODE, type_url: EDS, resource_names: ['a', 'b'] });
    await flushed();
    const first = [...share.emptyTable.transitions.values()] as Transition[];
    expect(first).toHaveLength(1);
    const synced = first[0]?.next;
    for (let port = 10; port < 13; port++) {
      x.ack();
      y.ack();
      cache.updateResources('default', EDS, { upsert: [loadAssignment('a', [ep(port)])] });
      await flushed();
    }
    expect(x.written).toHaveLength(4);
    expect(synced?.holders).toBe(0);
    expect(synced?.transitions.size).toBe(0);
    expect(x.core.types.get(EDS)?.held.pureTable).toBe(y.core.types.get(EDS)?.held.pureTable);
  });

  it('writes a change in the same turn as the publish: no timer between the change and the write', async () => {
    const { cache, open } = setup();
    const x = open('sotw');
    x.request({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'] });
    await flushed();
    x.ack();
    await flushed();
    cache.updateResources('default', EDS, { upsert: [loadAssignment('a', [ep(5)])] });
    await flushed();
    expect(x.written).toHaveLength(2);
  });
});
