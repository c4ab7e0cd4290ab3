/**
 * Bad input and bad clients never take the server down or leak: malformed requests, unknown
 * type URLs, oversized messages, clients that vanish mid-stream or never ACK, and churn.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadAssignment, mergeSets, service } from './fixtures.ts';
import { messageType } from './protos.ts';
import { ENVOY_NODE, GRPC_NODE, startHarness, until, type Harness } from './testing/harness.ts';
import { PIPELINE_DEPTH } from './stream-core.ts';
import { TYPE_URLS } from './type-urls.ts';

const { endpoint: EDS, cluster: CDS } = TYPE_URLS;
const ep = (port: number) => ({ address: '127.0.0.1', port });
const services = (...names: string[]) => mergeSets(...names.map((n) => service(n, [ep(1000)])));

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  h.cache.setResources('default', services('a', 'b'));
});
afterEach(async () => {
  await h.stop();
});

function rawStream(bytes: Buffer): Promise<grpc.StatusObject> {
  const client = new grpc.Client(h.address, grpc.credentials.createInsecure());
  const call = client.makeBidiStreamRequest(
    '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
    (b: Buffer) => b,
    (b: Buffer) => b,
  );
  call.on('error', () => undefined);
  call.on('data', () => undefined);
  call.write(bytes);
  return new Promise((resolve) =>
    call.on('status', (status: grpc.StatusObject) => {
      client.close();
      resolve(status);
    }),
  );
}

async function stillServes(): Promise<void> {
  const c = h.connect('sotw');
  c.send({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'] });
  expect((await c.next()).names).toEqual(['a']);
  c.close();
}

describe('robustness', () => {
  it('ends only the offending stream on a malformed request', async () => {
    const status = await rawStream(Buffer.from([0x0f, 0x01, 0x02, 0x03]));
    expect(status.code).not.toBe(grpc.status.OK);
    await stillServes();
  });

  it('refuses requests above the message size limit', async () => {
    await h.stop();
    h = await startHarness({ maxReceiveMessageBytes: 64 * 1024 });
    h.cache.setResources('default', services('a'));
    const status = await rawStream(Buffer.alloc(128 * 1024, 0x20));
    expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    await stillServes();
  });

  it('ignores unknown type URLs and keeps serving the stream', async () => {
    const c = h.connect('sotw');
    c.send({ node: ENVOY_NODE, type_url: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret', resource_names: ['x'] });
    c.send({ type_url: 'not a type url at all', resource_names: ['x'] });
    c.send({ type_url: EDS, resource_names: ['a'] });
    const r = await c.next();
    expect(r.typeUrl).toBe(EDS);
    expect(h.server.streams()[0]?.types.map((t) => t.type)).toEqual(['eds']);
  });

  it('forgets a client that vanishes mid-stream: no stream, no watches, later changes harmless', async () => {
    const c = h.connect('delta');
    c.send({ node: ENVOY_NODE, type_url: EDS, resource_names_subscribe: ['a', 'b', 'missing'] });
    await c.next();
    c.close();
    await until(() => h.server.streams().length === 0);
    expect(h.cache.stats().namedWatches).toBe(0);
    const outcome = h.cache.updateResources('default', EDS, { upsert: [loadAssignment('a', [ep(5)])] });
    if (outcome.ok) await outcome.publish.converged;
    await stillServes();
  });

  it('a client that never ACKs holds one response per type and does not delay others', async () => {
    const silent = h.connect('sotw');
    silent.send({ node: ENVOY_NODE, type_url: EDS, resource_names: ['a'] });
    await silent.next();
    const healthy = h.connect('sotw');
    healthy.send({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'] });
    let last = await healthy.next();
    for (let port = 1; port <= 50; port++) {
      healthy.ack(last);
      h.cache.updateResources('default', EDS, { upsert: [loadAssignment('a', [ep(port)])] });
      last = await healthy.next();
    }
    expect(healthy.received).toHaveLength(51);
    expect(silent.received).toHaveLength(1);
    const silentStatus = h.server.streams().find((s) => s.node.id === ENVOY_NODE.id);
    expect(silentStatus?.types[0]?.status).toBe('STALE');
  });

  it('a client that has ACKed gets changes over unACKed responses, at most PIPELINE_DEPTH in flight', async () => {
    const c = h.connect('sotw');
    c.send({ node: ENVOY_NODE, type_url: EDS, resource_names: ['a'] });
    c.ack(await c.next());
    const core = h.server.streamCores().find((s) => s.node.id === ENVOY_NODE.id);
    const state = core?.types.get(EDS);
    await until(() => state?.inflight === undefined);
    const unacked = [];
    for (let k = 1; k <= PIPELINE_DEPTH; k++) {
      h.cache.updateResources('default', EDS, { upsert: [loadAssignment('a', [ep(7000 + k)])] });
      unacked.push(await c.next());
    }
    expect(new Set(unacked.map((r) => r.nonce)).size).toBe(PIPELINE_DEPTH);
    h.cache.updateResources('default', EDS, { upsert: [loadAssignment('a', [ep(7100)])] });
    await until(() => (state?.dirty.size ?? 0) > 0);
    expect(c.received).toHaveLength(1 + PIPELINE_DEPTH);
    expect(state?.superseded).toHaveLength(PIPELINE_DEPTH - 1);
    // Answering the oldest (a stale nonce) frees its slot: the withheld change goes out.
    const oldest = unacked[0];
    if (oldest === undefined) throw new Error('no response');
    c.ack(oldest);
    const withheld = await c.next();
    expect(JSON.stringify(withheld.resources)).toContain('7100');
    expect(state?.superseded).toHaveLength(PIPELINE_DEPTH - 1);
  });

  it('drains: open streams end with OK, new streams are refused, the server stops', async () => {
    const c = h.connect('sotw');
    c.send({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'] });
    await c.next();
    const drained = h.server.drain(2_000);
    expect((await c.ended).code).toBe(grpc.status.OK);
    await drained;
    const late = h.connect('sotw');
    late.send({ node: GRPC_NODE, type_url: EDS, resource_names: ['a'] });
    expect((await late.ended).code).not.toBe(grpc.status.OK);
  });

  it('survives 10,000 stream connects and disconnects and returns to zero streams and watches', async () => {
    let answered = 0;
    const open = (client: grpc.Client, i: number): Promise<void> =>
      new Promise((resolve) => {
        const call = client.makeBidiStreamRequest(
          '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
          (b: Buffer) => b,
          (b: Buffer) => b,
        );
        call.on('error', () => undefined);
        call.on('status', () => {
          resolve();
        });
        call.on('data', () => {
          answered++;
          // Half leave politely (half-close), half vanish (cancel).
          if (i % 2 === 0) call.end();
          else call.cancel();
        });
        call.write(churnRequest());
      });
    for (let batch = 0; batch < 100; batch++) {
      // A fresh connection per batch: connects and disconnects at the TCP level too.
      const client = new grpc.Client(h.address, grpc.credentials.createInsecure());
      await Promise.all(Array.from({ length: 100 }, (_, i) => open(client, i)));
      client.close();
    }
    expect(answered).toBe(10_000);
    await until(() => h.server.streams().length === 0, 10_000, 'all streams closed');
    expect(h.cache.stats().namedWatches).toBe(0);
    const gauge = (await h.server.metrics.streams.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect(gauge).toBe(0);
    await stillServes();
  }, 120_000);
});

function churnRequest(): Buffer {
  const type = messageType('envoy.service.discovery.v3.DiscoveryRequest');
  return Buffer.from(type.encode(type.fromObject({ node: ENVOY_NODE, type_url: CDS })).finish());
}
