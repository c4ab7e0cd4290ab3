/**
 * Our translation, served to real @grpc/grpc-js-xds channels: the scenario configs (from the
 * golden cases) with endpoints replaced by real gRPC servers on loopback, published through the
 * real cache and ADS server. Proves grpc-js-xds accepts what we emit (a NACK fails every call)
 * and routes as the scenarios require. Delays are scaled down.
 */
import type { V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualService } from '../model/types.ts';
import { buildRegistry, serviceEndpoints } from '../registry/build.ts';
import { indexPods } from '../registry/kubernetes.ts';
import { startBackend, type Backend } from '../xds/contract/backends.ts';
import { callSequentially, countBy, openXdsChannel, type CallResult, type XdsTestChannel } from '../xds/contract/xds-client.ts';
import { TYPE_URLS } from '../xds/type-urls.ts';
import { endpointUpserts, serviceEndpointSets, withServiceEndpoints } from './incremental.ts';
import { startHarness, type Harness } from '../xds/testing/harness.ts';
import { translateIr } from './ir-to-xds/translate.ts';
import { createMeshContext } from './model-to-ir/context.ts';
import { parseProxy } from './model-to-ir/proxy.ts';
import { translateProxy } from './model-to-ir/translate.ts';
import { parseCase, type TranslationCase } from './testing/case.ts';

const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'model-to-ir');
let h: Harness;
const backends: Backend[] = [];
const channels: XdsTestChannel[] = [];
let clients = 0;

beforeAll(async () => {
  h = await startHarness({ resolveGroup: (node) => node.id });
});
afterAll(async () => {
  await h.stop();
});
afterEach(async () => {
  for (const c of channels.splice(0)) c.close();
  await Promise.all(backends.splice(0).map((b) => b.stop()));
});

interface Workload {
  readonly service: string;
  readonly portName: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** One EndpointSlice + Pod per backend: 127.0.0.1 at the backend's port, with the pod's labels. */
async function workloads(list: readonly Workload[]): Promise<{ slices: V1EndpointSlice[]; pods: V1Pod[] }> {
  const slices: V1EndpointSlice[] = [];
  const pods: V1Pod[] = [];
  for (const [i, w] of list.entries()) {
    const backend = await startBackend(Object.values(w.labels).join('-') || `${w.service}-${i}`);
    backends.push(backend);
    const pod = `${w.service}-${i}`;
    pods.push({ metadata: { name: pod, namespace: 'default', labels: { ...w.labels } } });
    slices.push({
      metadata: { name: pod, namespace: 'default', labels: { 'kubernetes.io/service-name': w.service } },
      addressType: 'IPv4',
      ports: [{ name: w.portName, port: backend.port, protocol: 'TCP' }],
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: pod, namespace: 'default' } }],
    });
  }
  return { slices, pods };
}

/** Translates the case for the gRPC client `nodeId` and publishes it to its group. */
function publish(c: TranslationCase, nodeId: string): void {
  const parsed = parseProxy(nodeId, { GENERATOR: 'grpc' });
  if (!parsed.ok) throw new Error(parsed.problem);
  const ctx = createMeshContext(buildRegistry(c.registry).registry, c.config);
  const outcome = h.cache.setResources(nodeId, translateIr(translateProxy(ctx, parsed.proxy).ir));
  if (!outcome.ok) throw new Error(outcome.problems.join('; '));
}

const newNodeId = (): string => `sidecar~127.0.0.1~client-${++clients}.default~default.svc.cluster.local`;

/** Translates the case for a fresh gRPC client, publishes it, and opens a channel to `target`. */
function serve(c: TranslationCase, target: string, nodeId = newNodeId()): XdsTestChannel {
  publish(c, nodeId);
  const channel = openXdsChannel(h.address, target, nodeId);
  channels.push(channel);
  return channel;
}

function loadCase(name: string, slices: V1EndpointSlice[], pods: V1Pod[]): TranslationCase {
  const c = parseCase(readFileSync(join(testdata, `${name}.in.yaml`), 'utf8'));
  return { ...c, registry: { ...c.registry, endpointSlices: slices, pods } };
}

const within = (count: number | undefined, expected: number, tolerance: number): boolean => Math.abs((count ?? 0) - expected) <= tolerance;

describe('translated scenarios served to grpc-js-xds', { timeout: 60_000 }, () => {
  it('grpc-round-robin: 3 backends share 3,000 calls over one channel, 1/3 each ± 5%', async () => {
    const { slices, pods } = await workloads([1, 2, 3].map((i) => ({ service: 'backend', portName: 'grpc', labels: { app: 'backend', replica: `r${i}` } })));
    const channel = serve(loadCase('grpc-round-robin', slices, pods), 'backend.default.svc.cluster.local:8000');
    const counts = countBy(await callSequentially(channel, 3_000));
    for (const name of ['backend-r1', 'backend-r2', 'backend-r3']) expect(within(counts[name], 1_000, 150), JSON.stringify(counts)).toBe(true);
  });

  it('hello-canary: 70/30 without the header; version: new always reaches new, ~10% failing on the delay + timeout', async () => {
    const { slices, pods } = await workloads([
      { service: 'hello', portName: 'http', labels: { app: 'hello', version: 'latest' } },
      { service: 'hello', portName: 'http', labels: { app: 'hello', version: 'new' } },
    ]);
    const c = loadCase('hello-canary', slices, pods);
    const scaled = c.config.virtualServices.map((vs): VirtualService => ({
      ...vs,
      spec: { ...vs.spec, http: (vs.spec.http ?? []).map((r) => (r.fault === undefined ? r : { ...r, timeout: '100ms', fault: { delay: { percentage: { value: 10 }, fixedDelay: '1s' } } })) },
    }));
    const channel = serve({ ...c, config: { ...c.config, virtualServices: scaled } }, 'hello:80');
    const split = countBy(await callSequentially(channel, 1_000));
    expect(within(split['hello-latest'], 700, 50) && within(split['hello-new'], 300, 50), JSON.stringify(split)).toBe(true);
    const withHeader = countBy(await callSequentially(channel, 300, { version: 'new' }));
    expect(withHeader['hello-latest'], JSON.stringify(withHeader)).toBeUndefined();
    expect(within(withHeader['error:DEADLINE_EXCEEDED'], 30, 20), JSON.stringify(withHeader)).toBe(true);
    expect((withHeader['hello-new'] ?? 0) + (withHeader['error:DEADLINE_EXCEEDED'] ?? 0)).toBe(300);
  });

  it('bookinfo reviews: end-user jason reaches v2, everyone else v1', async () => {
    const { slices, pods } = await workloads(['v1', 'v2', 'v3'].map((v) => ({ service: 'reviews', portName: 'http', labels: { app: 'reviews', version: v } })));
    const channel = serve(loadCase('bookinfo-gateway', slices, pods), 'reviews.default.svc.cluster.local:9080');
    expect(countBy(await callSequentially(channel, 50, { 'end-user': 'jason' }))).toEqual({ 'reviews-v2': 50 });
    expect(countBy(await callSequentially(channel, 50, { 'end-user': 'someone' }))).toEqual({ 'reviews-v1': 50 });
    expect(countBy(await callSequentially(channel, 50))).toEqual({ 'reviews-v1': 50 });
  });

  it('pay-notify-shift: REGISTRY_ONLY blocks msgd until the ServiceEntry exists; 50/50, then 100% v0.2 with no failed call', async () => {
    const { slices, pods } = await workloads([
      { service: 'svcb', portName: 'http', labels: { app: 'svcb', version: 'v0.1' } },
      { service: 'svcb', portName: 'http', labels: { app: 'svcb', version: 'v0.2' } },
    ]);
    const msgd = await startBackend('msgd');
    backends.push(msgd);
    const base = loadCase('pay-notify-shift', slices, pods);
    const entries = (base.registry.serviceEntries ?? []).map((se) => ({
      ...se,
      spec: { ...se.spec, endpoints: [{ address: '127.0.0.1', ports: { http: msgd.port } }] },
    }));
    const withoutEntry = { ...base, registry: { ...base.registry, serviceEntries: [] } };
    const nodeId = newNodeId();
    const external = serve(withoutEntry, 'msgd.external:9997', nodeId);
    expect(await external.call({ deadlineMs: 1_000 })).toMatchObject({ ok: false });

    const withEntry = { ...base, registry: { ...base.registry, serviceEntries: entries } };
    publish(withEntry, nodeId);
    expect(await external.call({ deadlineMs: 5_000 })).toEqual({ ok: true, backend: 'msgd' });

    const svcb = openXdsChannel(h.address, 'svcb.default.svc.cluster.local:8080', nodeId);
    channels.push(svcb);
    const half = countBy(await callSequentially(svcb, 1_000));
    expect(within(half['svcb-v0.1'], 500, 50) && within(half['svcb-v0.2'], 500, 50), JSON.stringify(half)).toBe(true);

    const allNew = withEntry.config.virtualServices.map((vs): VirtualService => ({
      ...vs,
      spec: { ...vs.spec, http: [{ route: [{ destination: { host: 'svcb', subset: 'v0-2' }, weight: 100 }] }] },
    }));
    const during = Array.from({ length: 200 }, () => svcb.call());
    publish({ ...withEntry, config: { ...withEntry.config, virtualServices: allNew } }, nodeId);
    const results = await Promise.all(during);
    // Until the client has the new routes (30 v0.2 answers in a row), every call must still succeed.
    for (let streak = 0, n = 0; streak < 30; n++) {
      if (n > 1_000) throw new Error('the 100% rule never took effect');
      const r = await svcb.call();
      results.push(r);
      streak = r.ok && r.backend === 'svcb-v0.2' ? streak + 1 : 0;
    }
    const switched = countBy(results);
    expect(Object.keys(switched).filter((k) => k.startsWith('error:')), JSON.stringify(switched)).toEqual([]);
    const after = countBy(await callSequentially(svcb, 200));
    expect(after).toEqual({ 'svcb-v0.2': 200 });
  });

  it('bad input: broken objects and a route to an unknown host do not stop the good service', async () => {
    const { slices, pods } = await workloads([{ service: 'good', portName: 'http', labels: { app: 'good' } }]);
    const channel = serve(loadCase('bad-input', slices, pods), 'good.default.svc.cluster.local:80');
    expect(countBy(await callSequentially(channel, 20))).toEqual({ good: 20 });
  });

  it('scaling: a new pod receives traffic and a removed pod stops, through the endpoint-only path, with no failed call', async () => {
    const { slices, pods } = await workloads(['a', 'b', 'c'].map((n) => ({ service: 'backend', portName: 'grpc', labels: { app: 'backend', pod: n } })));
    const [first, second, third] = slices;
    if (first === undefined || second === undefined || third === undefined) throw new Error('slices');
    const nodeId = newNodeId();
    const c = loadCase('grpc-round-robin', [first, second], pods);
    const channel = serve(c, 'backend.default.svc.cluster.local:8000', nodeId);
    expect(Object.keys(countBy(await callSequentially(channel, 30))).sort()).toEqual(['backend-a', 'backend-b']);

    const parsed = parseProxy(nodeId, { GENERATOR: 'grpc' });
    if (!parsed.ok) throw new Error(parsed.problem);
    const ctx = createMeshContext(buildRegistry(c.registry).registry, c.config);
    const ir = translateProxy(ctx, parsed.proxy).ir;
    const service = ctx.registry.services.find((s) => s.name === 'backend');
    if (service === undefined) throw new Error('backend service');
    const podIndex = indexPods(pods);
    const scaleTo = (current: V1EndpointSlice[]): void => {
      const endpoints = serviceEndpoints(ctx.registry, 'default', 'backend', current, podIndex) ?? [];
      const sets = serviceEndpointSets(withServiceEndpoints(ctx, service, endpoints), ir, 'default', service);
      const outcome = h.cache.updateResources(nodeId, TYPE_URLS.endpoint, { upsert: endpointUpserts(sets) });
      if (!outcome.ok) throw new Error(outcome.problems.join('; '));
    };
    const results: CallResult[] = [];
    const callUntil = async (done: (r: CallResult) => boolean): Promise<void> => {
      for (let n = 0; ; n++) {
        if (n > 1_000) throw new Error('endpoint change never took effect');
        const r = await channel.call();
        results.push(r);
        if (done(r)) return;
      }
    };
    scaleTo([first, second, third]);
    await callUntil((r) => r.ok && r.backend === 'backend-c');
    scaleTo([second, third]);
    let streak = 0;
    await callUntil((r) => (streak = r.ok && r.backend !== 'backend-a' ? streak + 1 : 0) >= 30);
    const after = countBy(await callSequentially(channel, 60));
    expect(Object.keys(after).sort()).toEqual(['backend-b', 'backend-c']);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});
