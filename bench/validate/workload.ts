/** Synthetic manifests for the validation benchmark: realistic VirtualServices, DestinationRules and Gateways. */
import { stringify } from 'yaml';

export function virtualService(i: number): Record<string, unknown> {
  const host = `svc-${i}`;
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: host, namespace: `ns-${i % 10}` },
    spec: {
      hosts: [host, `${host}.example.com`],
      gateways: ['mesh', `ns-${i % 10}/edge`],
      http: [
        {
          name: 'canary',
          match: [{ headers: { 'x-version': { exact: 'new' } }, uri: { prefix: '/api' } }],
          route: [{ destination: { host, subset: 'new', port: { number: 8080 } } }],
          fault: { delay: { percentage: { value: 10 }, fixedDelay: '2s' } },
          timeout: '5s',
        },
        {
          route: [
            { destination: { host, subset: 'stable' }, weight: 90 },
            { destination: { host, subset: 'new' }, weight: 10 },
          ],
          retries: { attempts: 3, perTryTimeout: '1s', retryOn: '5xx,connect-failure' },
          headers: { request: { set: { 'x-route': 'default' } } },
        },
      ],
    },
  };
}

export function destinationRule(i: number): Record<string, unknown> {
  const host = `svc-${i}`;
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: host, namespace: `ns-${i % 10}` },
    spec: {
      host,
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 100, connectTimeout: '30ms' }, http: { http1MaxPendingRequests: 10, maxRequestsPerConnection: 1 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
        loadBalancer: { simple: 'ROUND_ROBIN' },
      },
      subsets: [
        { name: 'stable', labels: { version: 'v1' } },
        { name: 'new', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } } },
      ],
    },
  };
}

export function gateway(ns: number): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'edge', namespace: `ns-${ns}` },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }] },
  };
}

/** `pairs` VirtualServices and as many DestinationRules, plus one Gateway per namespace. */
export function workload(pairs: number): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  for (let i = 0; i < pairs; i++) objects.push(virtualService(i), destinationRule(i));
  for (let ns = 0; ns < 10; ns++) objects.push(gateway(ns));
  return objects;
}

export const asYaml = (objects: readonly Record<string, unknown>[]): string => objects.map((o) => stringify(o)).join('---\n');
