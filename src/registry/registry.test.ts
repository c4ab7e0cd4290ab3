import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildRegistry } from './build.ts';
import { endpointHealth, fromService, podLocality, portProtocol } from './kubernetes.ts';
import { parseLocality } from './service-entry.ts';

describe('portProtocol', () => {
  it.each([
    ['http', undefined, 'HTTP'],
    ['http-web', undefined, 'HTTP'],
    ['HTTP2', undefined, 'HTTP2'],
    ['grpc', undefined, 'GRPC'],
    ['grpc-web', undefined, 'HTTP'],
    ['https-admin', undefined, 'HTTPS'],
    ['tcp-db', undefined, 'TCP'],
    ['mongo', undefined, 'TCP'],
    ['web', undefined, 'UNKNOWN'],
    [undefined, undefined, 'UNKNOWN'],
    ['web', 'kubernetes.io/h2c', 'HTTP2'],
    ['tcp', 'http', 'HTTP'],
  ] as const)('%s / appProtocol %s → %s', (name, appProtocol, expected) => {
    expect(portProtocol(name, appProtocol)).toBe(expected);
  });
});

describe('endpointHealth', () => {
  it.each([
    [undefined, 'HEALTHY'],
    [{ ready: true }, 'HEALTHY'],
    [{ ready: false }, 'UNHEALTHY'],
    [{ ready: false, serving: true, terminating: true }, 'DRAINING'],
    [{ ready: false, serving: false, terminating: true }, 'UNHEALTHY'],
  ] as const)('%j → %s', (conditions, expected) => {
    expect(endpointHealth(conditions)).toBe(expected);
  });
});

describe('locality', () => {
  it.each([
    [{ 'istio-locality': 'r.z.s' }, 'zone-x', { region: 'r', zone: 'z', subZone: 's' }],
    [{ 'topology.kubernetes.io/region': 'r1', 'topology.kubernetes.io/zone': 'z-label' }, 'z-slice', { region: 'r1', zone: 'z-slice', subZone: '' }],
    [{ 'topology.kubernetes.io/zone': 'z-label' }, undefined, { region: '', zone: 'z-label', subZone: '' }],
  ])('pod labels %j with slice zone %s', (labels, zone, expected) => {
    expect(podLocality(labels, zone)).toEqual(expected);
  });

  it.each([
    ['us-west/zone1/rack2', { region: 'us-west', zone: 'zone1', subZone: 'rack2' }],
    ['us-west', { region: 'us-west', zone: '', subZone: '' }],
    [undefined, { region: '', zone: '', subZone: '' }],
  ])('WorkloadEntry locality %s', (text, expected) => {
    expect(parseLocality(text)).toEqual(expected);
  });
});

describe('fromService', () => {
  const svc = (spec: NonNullable<V1Service['spec']>, name = 'web'): V1Service => ({ metadata: { name, namespace: 'shop' }, spec });

  it.each([
    ['no ports', svc({ clusterIP: '10.0.0.1' }), 'service has no TCP ports'],
    ['only UDP ports', svc({ ports: [{ port: 53, protocol: 'UDP' }] }), 'service has no TCP ports'],
    ['ExternalName', svc({ type: 'ExternalName', externalName: 'x.example.com' }), 'ExternalName services are not supported'],
    ['no name', { spec: { ports: [{ port: 80 }] } }, 'metadata.name and metadata.namespace are required'],
  ])('reports %s', (_label, service, message) => {
    const result = fromService(service, 'cluster.local');
    expect(result.ok ? undefined : result.problem.message).toBe(message);
  });

  it('maps a ClusterIP service: FQDN, VIP, sorted ports, numeric string target ports, exportTo annotation', () => {
    const result = fromService(
      { metadata: { name: 'web', namespace: 'shop', annotations: { 'networking.istio.io/exportTo': 'shop, .' } }, spec: { clusterIP: '10.0.0.1', selector: { app: 'web' }, ports: [{ name: 'tcp', port: 9000, targetPort: 'metrics' }, { name: 'http', port: 80, targetPort: '8080' }] } },
      'cluster.local',
    );
    expect(result).toEqual({
      ok: true,
      value: {
        hostname: 'web.shop.svc.cluster.local',
        namespace: 'shop',
        name: 'web',
        origin: 'kubernetes',
        addresses: ['10.0.0.1'],
        ports: [
          { name: 'http', port: 80, targetPort: 8080, protocol: 'HTTP' },
          { name: 'tcp', port: 9000, targetPort: 'metrics', protocol: 'TCP' },
        ],
        resolution: 'ClientSideLB',
        location: 'MESH_INTERNAL',
        selector: { app: 'web' },
        exportTo: ['.', 'shop'],
      },
    });
  });

  it('treats a headless service as passthrough', () => {
    const result = fromService(svc({ clusterIP: 'None', ports: [{ name: 'tcp', port: 5432 }] }), 'cluster.local');
    expect(result.ok && result.value.resolution).toBe('Passthrough');
  });
});

describe('buildRegistry', () => {
  it('keeps going past broken objects and sorts what it keeps', () => {
    const { registry, problems } = buildRegistry({
      services: [
        { metadata: { name: 'z', namespace: 'a' }, spec: { clusterIP: '10.0.0.3', ports: [{ name: 'http', port: 80 }] } },
        { metadata: { name: 'broken', namespace: 'a' }, spec: {} },
        { metadata: { name: 'b', namespace: 'a' }, spec: { clusterIP: '10.0.0.2', ports: [{ name: 'http', port: 80 }] } },
      ],
      endpointSlices: [
        {
          metadata: { name: 's', namespace: 'a', labels: { 'kubernetes.io/service-name': 'b' } },
          addressType: 'IPv4',
          ports: [{ name: 'http', port: 8080 }],
          endpoints: [{ addresses: ['10.1.0.2'] }, { addresses: ['10.1.0.1'] }],
        },
        { metadata: { name: 'orphan', namespace: 'a', labels: { 'kubernetes.io/service-name': 'gone' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.9.9.9'] }] },
      ],
      mesh: { outboundTrafficPolicy: 'REGISTRY_ONLY' },
    });
    expect(problems).toEqual([{ object: 'Service/a/broken', message: 'service has no TCP ports' }]);
    expect(registry.services.map((s) => s.hostname)).toEqual(['b.a.svc.cluster.local', 'z.a.svc.cluster.local']);
    expect(registry.endpoints.get('b.a.svc.cluster.local/a')?.map((e) => `${e.address}:${e.port}`)).toEqual(['10.1.0.1:8080', '10.1.0.2:8080']);
    expect(registry.endpoints.get('z.a.svc.cluster.local/a')).toEqual([]);
    expect(registry.mesh.outboundTrafficPolicy).toBe('REGISTRY_ONLY');
    expect(registry.namespaces).toEqual(['a']);
  });
});

describe('buildRegistry reuse across builds', () => {
  const svc = (name: string): V1Service => ({ metadata: { name, namespace: 'default' }, spec: { clusterIP: '10.96.0.9', ports: [{ name: 'http', port: 80 }] } });
  const slice = (name: string, ip: string, ready = true): V1EndpointSlice => ({
    metadata: { name: `${name}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080 }],
    endpoints: [{ addresses: [ip], conditions: { ready } }],
  });
  const a = svc('a');
  const b = svc('b');
  const base = { services: [a, b], endpointSlices: [slice('a', '10.244.0.1'), slice('b', '10.244.0.2')] };

  it.each([
    ['the same objects', base, { a: true, b: true }],
    ['new slice objects, same content', { ...base, endpointSlices: [slice('a', '10.244.0.1'), slice('b', '10.244.0.2')] }, { a: true, b: true }],
    ['one service’s endpoint moved', { ...base, endpointSlices: [slice('a', '10.244.0.3'), slice('b', '10.244.0.2')] }, { a: false, b: true }],
    ['one service’s endpoint not ready', { ...base, endpointSlices: [slice('a', '10.244.0.1'), slice('b', '10.244.0.2', false)] }, { a: true, b: false }],
  ])('%s: services are reused, endpoint lists only when equal', (_name, next, sameEndpoints) => {
    const first = buildRegistry(base).registry;
    const second = buildRegistry(next).registry;
    expect(second.services[0]).toBe(first.services[0]);
    expect(second.services[1]).toBe(first.services[1]);
    const key = (n: string): string => `${n}.default.svc.cluster.local/default`;
    expect(second.endpoints.get(key('a')) === first.endpoints.get(key('a'))).toBe(sameEndpoints.a);
    expect(second.endpoints.get(key('b')) === first.endpoints.get(key('b'))).toBe(sameEndpoints.b);
  });

  it('a changed Service object is converted again', () => {
    const first = buildRegistry(base).registry;
    const second = buildRegistry({ ...base, services: [svc('a'), b] }).registry;
    expect(second.services[0]).not.toBe(first.services[0]);
    expect(second.services[0]).toEqual(first.services[0]);
  });
});
