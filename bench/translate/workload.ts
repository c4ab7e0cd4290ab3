/**
 * Synthetic mesh for the translation benchmark: N services × 3 ports in 10 namespaces, one
 * VirtualService (header match + 90/10 split) and one DestinationRule (2 subsets, pool, outlier)
 * per service, and E endpoints per service (EndpointSlice + Pods with version labels).
 */
import type { V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import type { DestinationRule, VirtualService } from '../../src/model/types.ts';

export interface Workload {
  readonly services: V1Service[];
  readonly endpointSlices: V1EndpointSlice[];
  readonly pods: V1Pod[];
  readonly virtualServices: VirtualService[];
  readonly destinationRules: DestinationRule[];
}

const ns = (i: number): string => `ns-${i % 10}`;
const ip = (base: number, n: number): string => `${base}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

export function slice(i: number, endpoints: number, generation = 0): V1EndpointSlice {
  return {
    metadata: { name: `svc-${i}-abc`, namespace: ns(i), labels: { 'kubernetes.io/service-name': `svc-${i}` } },
    addressType: 'IPv4',
    ports: [
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'grpc', port: 9090, protocol: 'TCP' },
      { name: 'tcp-db', port: 5432, protocol: 'TCP' },
    ],
    endpoints: Array.from({ length: endpoints }, (_, e) => ({
      addresses: [ip(10, i * 16 + e + generation)],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', name: `svc-${i}-${e}`, namespace: ns(i) },
      zone: `zone-${e % 3}`,
    })),
  };
}

export function virtualService(i: number, weight = 90): VirtualService {
  const host = `svc-${i}`;
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: host, namespace: ns(i) },
    spec: {
      hosts: [host],
      http: [
        { name: 'canary', match: [{ headers: { 'x-version': { exact: 'v2' } } }], route: [{ destination: { host, subset: 'v2', port: { number: 80 } } }], timeout: '5s' },
        {
          name: 'split',
          route: [
            { destination: { host, subset: 'v1', port: { number: 80 } }, weight },
            { destination: { host, subset: 'v2', port: { number: 80 } }, weight: 100 - weight },
          ],
          retries: { attempts: 3, perTryTimeout: '1s', retryOn: '5xx' },
        },
      ],
    },
  };
}

export function workload(count: number, endpoints: number): Workload {
  const w: Workload = { services: [], endpointSlices: [], pods: [], virtualServices: [], destinationRules: [] };
  for (let i = 0; i < count; i++) {
    const name = `svc-${i}`;
    w.services.push({
      metadata: { name, namespace: ns(i) },
      spec: {
        clusterIP: ip(172, i + 1),
        selector: { app: name },
        ports: [
          { name: 'http', port: 80, targetPort: 8080 },
          { name: 'grpc', port: 9090, targetPort: 9090 },
          { name: 'tcp-db', port: 5432, targetPort: 5432 },
        ],
      },
    });
    w.endpointSlices.push(slice(i, endpoints));
    for (let e = 0; e < endpoints; e++) w.pods.push({ metadata: { name: `${name}-${e}`, namespace: ns(i), labels: { app: name, version: e % 2 === 0 ? 'v1' : 'v2' } } });
    w.virtualServices.push(virtualService(i));
    w.destinationRules.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name, namespace: ns(i) },
      spec: {
        host: name,
        trafficPolicy: { connectionPool: { http: { http2MaxRequests: 1000 } }, outlierDetection: { consecutive5xxErrors: 5, interval: '10s' } },
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
        ],
      },
    });
  }
  return w;
}
