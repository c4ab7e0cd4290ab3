/**
 * Builders for Envoy v3 resources in the plain-data form the cache takes. Used by tests and
 * benchmarks; the shapes are the minimum grpc-js-xds accepts (xds.md §3.6: every locality has a
 * load_balancing_weight, listeners carry an HCM with the router filter last).
 */
import type { ResourceInput } from './resource.ts';
import type { ResourceSet } from './snapshot-cache.ts';
import { TYPE_URLS } from './type-urls.ts';

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ROUTER = 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router';
const FAULT = 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault';

export interface ClusterOptions {
  readonly lbPolicy?: 'ROUND_ROBIN' | 'RING_HASH';
  readonly maxRequests?: number;
  readonly outlierDetection?: ResourceInput;
  readonly extra?: ResourceInput;
}

export function cluster(name: string, options: ClusterOptions = {}): ResourceInput {
  return {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: name },
    connect_timeout: { seconds: 1 },
    lb_policy: options.lbPolicy ?? 'ROUND_ROBIN',
    ...(options.maxRequests === undefined ? {} : { circuit_breakers: { thresholds: [{ max_requests: { value: options.maxRequests } }] } }),
    ...(options.outlierDetection === undefined ? {} : { outlier_detection: options.outlierDetection }),
    ...options.extra,
  };
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export function loadAssignment(clusterName: string, endpoints: readonly Endpoint[]): ResourceInput {
  return {
    cluster_name: clusterName,
    endpoints: [
      {
        locality: { region: 'local', zone: 'a' },
        load_balancing_weight: { value: 1 },
        lb_endpoints: endpoints.map((e) => ({
          endpoint: { address: { socket_address: { address: e.address, port_value: e.port } } },
          health_status: 'HEALTHY',
        })),
      },
    ],
  };
}

export interface ListenerOptions {
  /** HTTP fault filter config (HTTPFault: delay/abort) applied before the router. */
  readonly fault?: ResourceInput;
}

/** A gRPC client ("api") listener pointing at RDS `routeName`. */
export function apiListener(name: string, routeName: string, options: ListenerOptions = {}): ResourceInput {
  const filters = [
    ...(options.fault === undefined ? [] : [{ name: 'envoy.filters.http.fault', typed_config: { '@type': FAULT, ...options.fault } }]),
    { name: 'envoy.filters.http.router', typed_config: { '@type': ROUTER } },
  ];
  return {
    name,
    api_listener: {
      api_listener: { '@type': HCM, stat_prefix: name, rds: { config_source: { ads: {}, resource_api_version: 'V3' }, route_config_name: routeName }, http_filters: filters },
    },
  };
}

/** A route configuration with one virtual host matching every domain. */
export function routeConfig(name: string, routes: readonly ResourceInput[]): ResourceInput {
  return { name, virtual_hosts: [{ name: `${name}-vh`, domains: ['*'], routes }] };
}

export function routeTo(clusterName: string, extra: ResourceInput = {}): ResourceInput {
  return { match: { prefix: '' }, route: { cluster: clusterName, ...extra } };
}

/** A complete, consistent service: listener → route → cluster → endpoints, all named `name`. */
export function service(name: string, endpoints: readonly Endpoint[]): ResourceSet {
  return {
    [TYPE_URLS.listener]: [apiListener(name, name)],
    [TYPE_URLS.route]: [routeConfig(name, [routeTo(name)])],
    [TYPE_URLS.cluster]: [cluster(name)],
    [TYPE_URLS.endpoint]: [loadAssignment(name, endpoints)],
  };
}

/** Concatenates resource sets type by type. */
export function mergeSets(...sets: readonly ResourceSet[]): ResourceSet {
  const out: Partial<Record<keyof ResourceSet, ResourceInput[]>> = {};
  for (const set of sets) {
    for (const typeUrl of Object.values(TYPE_URLS)) {
      const inputs = set[typeUrl];
      if (inputs !== undefined) (out[typeUrl] ??= []).push(...inputs);
    }
  }
  return out;
}
