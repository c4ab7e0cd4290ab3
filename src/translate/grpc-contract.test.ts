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
import { buildRegistry } from '../registry/build.ts';
import { startBackend, type Backend } from '../xds/contract/backends.ts';
import { callSequentially, countBy, openXdsChannel, type XdsTestChannel } from '../xds/contract/xds-client.ts';
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

/** Translates the case for a fresh gRPC client, publishes it, and opens a channel to `target`. */
function serve(c: TranslationCase, target: string): XdsTestChannel {
  const nodeId = `sidecar~127.0.0.1~client-${++clients}.default~default.svc.cluster.local`;
  const parsed = parseProxy(nodeId, { GENERATOR: 'grpc' });
  if (!parsed.ok) throw new Error(parsed.problem);
  const ctx = createMeshContext(buildRegistry(c.registry).registry, c.config);
  const outcome = h.cache.setResources(nodeId, translateIr(translateProxy(ctx, parsed.proxy).ir));
  if (!outcome.ok) throw new Error(outcome.problems.join('; '));
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
});
