import { describe, expect, it } from 'vitest';
import type { V1EndpointSlice } from '@kubernetes/client-node';
import { buildRegistry, serviceEndpoints } from '../registry/build.ts';
import { indexPods } from '../registry/kubernetes.ts';
import { TYPE_URLS } from '../xds/type-urls.ts';
import { diffResources, endpointUpserts, replaceEndpointSets, serviceEndpointSets, withServiceEndpoints } from './incremental.ts';
import { translateIr } from './ir-to-xds/translate.ts';
import { createMeshContext } from './model-to-ir/context.ts';
import { parseProxy } from './model-to-ir/proxy.ts';
import { translateProxy } from './model-to-ir/translate.ts';
import { parseCase } from './testing/case.ts';

const BASE = `
apiVersion: v1
kind: Service
metadata: {name: a}
spec: {clusterIP: 10.96.0.1, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec: {clusterIP: 10.96.0.2, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: a}
spec: {host: a, subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: a-1, labels: {kubernetes.io/service-name: a}}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints:
  - {addresses: [10.244.0.1], targetRef: {kind: Pod, name: a-1}}
---
apiVersion: v1
kind: Pod
metadata: {name: a-1, labels: {version: v1}}
---
apiVersion: v1
kind: Pod
metadata: {name: a-2, labels: {version: v2}}
`;

const VS = (weight: number): string => `
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a}
spec:
  hosts: [a]
  http: [{route: [{destination: {host: a, subset: v1}, weight: ${weight}}, {destination: {host: a, subset: v2}, weight: ${100 - weight}}]}]
`;

const proxy = (generator?: string) => {
  const parsed = parseProxy('sidecar~10.244.9.9~c-1.default~default.svc.cluster.local', generator === undefined ? {} : { GENERATOR: generator });
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.proxy;
};

function translate(text: string, generator?: string) {
  const c = parseCase(text);
  const ctx = createMeshContext(buildRegistry(c.registry).registry, c.config);
  const ir = translateProxy(ctx, proxy(generator)).ir;
  return { c, ctx, ir, xds: translateIr(ir) };
}

describe('diffResources', () => {
  it.each([undefined, 'grpc'])('finds no change between two translations of the same input (%s)', (generator) => {
    const first = translate(BASE + VS(50), generator);
    const second = translate(BASE + VS(50), generator);
    const diff = diffResources(first.xds, second.xds);
    expect(diff.changedCount).toBe(0);
    expect(diff.changes.size).toBe(0);
    expect(diff.resources[TYPE_URLS.cluster][0]).toBe(first.xds[TYPE_URLS.cluster][0]);
  });

  it.each([
    [undefined, ['80']],
    ['grpc', ['outbound|80||a.default.svc.cluster.local']],
  ])('a VirtualService weight change changes only the route configuration (%s)', (generator, names) => {
    const before = translate(BASE + VS(50), generator);
    const after = translate(BASE + VS(100), generator);
    const diff = diffResources(before.xds, after.xds);
    expect([...diff.changes.keys()]).toEqual([TYPE_URLS.route]);
    expect(diff.changes.get(TYPE_URLS.route)?.upsert.map((r) => r.name)).toEqual(names);
  });

  it('reports removed resources by name', () => {
    const before = translate(BASE + VS(50));
    const after = translate(BASE.replace(/apiVersion: v1\nkind: Service\nmetadata: \{name: b\}\nspec: .*\n---/, ''));
    const diff = diffResources(before.xds, after.xds);
    expect(diff.changes.get(TYPE_URLS.cluster)?.remove).toEqual(['outbound|80||b.default.svc.cluster.local']);
    expect(diff.changes.get(TYPE_URLS.endpoint)?.remove).toEqual(['outbound|80||b.default.svc.cluster.local']);
  });
});

describe('endpoint-only update', () => {
  const slice: V1EndpointSlice = {
    metadata: { name: 'a-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'a' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080 }],
    endpoints: [
      { addresses: ['10.244.0.1'], targetRef: { kind: 'Pod', name: 'a-1', namespace: 'default' } },
      { addresses: ['10.244.0.2'], targetRef: { kind: 'Pod', name: 'a-2', namespace: 'default' } },
    ],
  };

  it.each([undefined, 'grpc'])('gives the same load assignments as a full rebuild, and only for the changed service (%s)', (generator) => {
    const before = translate(BASE + VS(50), generator);
    const service = before.ctx.registry.services.find((s) => s.name === 'a');
    if (service === undefined) throw new Error('no service a');
    const endpoints = serviceEndpoints(before.ctx.registry, 'default', 'a', [slice], indexPods(before.c.registry.pods ?? []));
    expect(endpoints).toHaveLength(2);
    const ctx = withServiceEndpoints(before.ctx, service, endpoints ?? []);
    const sets = serviceEndpointSets(ctx, before.ir, 'default', service);
    expect(sets.map((s) => s.clusterName)).toEqual(['outbound|80|v1|a.default.svc.cluster.local', 'outbound|80|v2|a.default.svc.cluster.local', 'outbound|80||a.default.svc.cluster.local']);

    const full = translate(BASE.replace('  - {addresses: [10.244.0.1], targetRef: {kind: Pod, name: a-1}}', '  - {addresses: [10.244.0.1], targetRef: {kind: Pod, name: a-1}}\n  - {addresses: [10.244.0.2], targetRef: {kind: Pod, name: a-2}}') + VS(50), generator);
    expect(replaceEndpointSets(before.ir, sets)).toEqual(full.ir);
    const upserts = endpointUpserts(sets);
    const diff = diffResources(before.xds, full.xds);
    expect(diff.changes.get(TYPE_URLS.endpoint)?.upsert.map((r) => r.cluster_name)).toEqual(['outbound|80|v2|a.default.svc.cluster.local', 'outbound|80||a.default.svc.cluster.local']);
    expect(upserts.filter((u) => diff.changes.get(TYPE_URLS.endpoint)?.upsert.some((d) => d.cluster_name === u.cluster_name))).toEqual(diff.changes.get(TYPE_URLS.endpoint)?.upsert);
  });
});
