/**
 * The benchmark workloads as plain Envoy v3 resources. bench/peers/go-control-plane/main.go
 * builds the same shapes for the peer; keep the two in step.
 *
 * - mesh (workload 1): N services as Istio gives them to sidecars: N EDS clusters, N
 *   ClusterLoadAssignments of 10 endpoints, one HTTP listener `outbound-80` whose RDS `80` has one
 *   virtual host per service.
 * - grpc (workload 2): the same N clusters and endpoints, plus one api listener and one route
 *   configuration per service (`svc-i`), as proxyless gRPC clients resolve `xds:///svc-i`.
 */
import { cluster, loadAssignment, type Endpoint } from '../../src/xds/fixtures.ts';
import type { ResourceInput } from '../../src/xds/resource.ts';
import type { ResourceSet } from '../../src/xds/snapshot-cache.ts';
import { TYPE_URLS } from '../../src/xds/type-urls.ts';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';

export const ENDPOINTS_PER_SERVICE = 10;

export function serviceName(i: number): string {
  return `svc-${i}`;
}

export function endpoints(i: number, portShift: number): Endpoint[] {
  return Array.from({ length: ENDPOINTS_PER_SERVICE }, (_, j) => ({ address: `10.${(i >> 8) & 255}.${i & 255}.${j + 1}`, port: 8080 + (j === 0 ? portShift : 0) }));
}

function hcm(routeName: string): ResourceInput {
  return {
    '@type': HCM,
    stat_prefix: routeName,
    rds: { config_source: { ads: {}, resource_api_version: 'V3' }, route_config_name: routeName },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER } }],
  };
}

function meshListener(): ResourceInput {
  return {
    name: 'outbound-80',
    address: { socket_address: { address: '0.0.0.0', port_value: 80 } },
    filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: hcm('80') }] }],
  };
}

function virtualHost(i: number, timeoutSeconds: number): ResourceInput {
  const name = serviceName(i);
  return { name, domains: [name, `${name}.default.svc.cluster.local`], routes: [{ match: { prefix: '/' }, route: { cluster: name, timeout: { seconds: timeoutSeconds } } }] };
}

export interface WorkloadState {
  readonly services: number;
  /** service index → endpoint port shift */
  readonly portShift: Map<number, number>;
  /** service index → route timeout seconds */
  readonly timeouts: Map<number, number>;
}

export function loadAssignmentFor(i: number, portShift: number): ResourceInput {
  return loadAssignment(serviceName(i), endpoints(i, portShift));
}

export function meshRoute(state: WorkloadState): ResourceInput {
  return { name: '80', virtual_hosts: Array.from({ length: state.services }, (_, i) => virtualHost(i, state.timeouts.get(i) ?? 15)) };
}

export function grpcRoute(i: number, timeoutSeconds: number): ResourceInput {
  return { name: serviceName(i), virtual_hosts: [{ ...virtualHost(i, timeoutSeconds), domains: ['*'] }] };
}

export function meshResources(state: WorkloadState): ResourceSet {
  const ids = Array.from({ length: state.services }, (_, i) => i);
  return {
    [TYPE_URLS.cluster]: ids.map((i) => cluster(serviceName(i))),
    [TYPE_URLS.endpoint]: ids.map((i) => loadAssignment(serviceName(i), endpoints(i, state.portShift.get(i) ?? 0))),
    [TYPE_URLS.listener]: [meshListener()],
    [TYPE_URLS.route]: [meshRoute(state)],
  };
}

export function grpcResources(state: WorkloadState): ResourceSet {
  const ids = Array.from({ length: state.services }, (_, i) => i);
  return {
    [TYPE_URLS.cluster]: ids.map((i) => cluster(serviceName(i))),
    [TYPE_URLS.endpoint]: ids.map((i) => loadAssignment(serviceName(i), endpoints(i, state.portShift.get(i) ?? 0))),
    [TYPE_URLS.listener]: ids.map((i) => ({ name: serviceName(i), api_listener: { api_listener: hcm(serviceName(i)) } })),
    [TYPE_URLS.route]: ids.map((i) => grpcRoute(i, state.timeouts.get(i) ?? 15)),
  };
}
