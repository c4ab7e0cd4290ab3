import { describe, expect, it } from 'vitest';
import { buildRegistry } from '../../registry/build.ts';
import { createMeshContext, NO_CONFIG } from './context.ts';
import { parseProxy } from './proxy.ts';
import { proxyGroupKey } from './translate.ts';

describe('parseProxy', () => {
  it.each([
    ['sidecar~10.0.0.1~reviews-1.default~default.svc.cluster.local', {}, { type: 'sidecar', flavor: 'sidecar', namespace: 'default', podName: 'reviews-1', ips: ['10.0.0.1'] }],
    ['sidecar~10.0.0.1~app.ns~ns.svc.cluster.local', { GENERATOR: 'grpc' }, { type: 'sidecar', flavor: 'grpc', namespace: 'ns', podName: 'app' }],
    ['router~10.0.0.2,fd00::2~gw-1.istio-system~istio-system.svc.cluster.local', { LABELS: { istio: 'ingressgateway' } }, { type: 'router', flavor: 'router', ips: ['10.0.0.2', 'fd00::2'], labels: { istio: 'ingressgateway' } }],
    ['sidecar~10.0.0.1~pod~x.svc.cluster.local', { NAMESPACE: 'meta-ns' }, { namespace: 'meta-ns', podName: 'pod' }],
  ])('%s %j', (id, metadata, expected) => {
    const parsed = parseProxy(id, metadata);
    expect(parsed.ok && parsed.proxy).toMatchObject(expected);
  });

  it.each([
    ['not-a-node-id', 'is not type~ip~id~domain'],
    ['ztunnel~1.2.3.4~a.b~b.svc.cluster.local', 'is not sidecar or router'],
    ['sidecar~1.2.3.4~pod~', 'names no namespace'],
  ])('rejects %s', (id, message) => {
    const parsed = parseProxy(id);
    expect(parsed.ok ? '' : parsed.problem).toContain(message);
  });
});

describe('proxyGroupKey', () => {
  const ctx = createMeshContext(
    buildRegistry({
      services: [{ metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.0.0.1', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] } }],
    }).registry,
    NO_CONFIG,
  );
  const key = (id: string, metadata: Record<string, unknown>): string => {
    const parsed = parseProxy(id, metadata);
    if (!parsed.ok) throw new Error(parsed.problem);
    return proxyGroupKey(ctx, parsed.proxy);
  };

  it('groups replicas of one workload and separates flavors, namespaces and inbound services', () => {
    const web1 = key('sidecar~10.1.0.1~web-1.default~default.svc.cluster.local', { LABELS: { app: 'web' } });
    const web2 = key('sidecar~10.1.0.2~web-2.default~default.svc.cluster.local', { LABELS: { app: 'web' } });
    const client = key('sidecar~10.1.0.3~client-1.default~default.svc.cluster.local', { LABELS: { app: 'client' } });
    const grpc = key('sidecar~10.1.0.4~web-3.default~default.svc.cluster.local', { LABELS: { app: 'web' }, GENERATOR: 'grpc' });
    const other = key('sidecar~10.1.0.5~web-1.other~other.svc.cluster.local', { LABELS: { app: 'web' } });
    expect(web1).toBe(web2);
    expect(new Set([web1, client, grpc, other]).size).toBe(4);
  });
});
