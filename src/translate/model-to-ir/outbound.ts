/**
 * The outbound half every flavor shares: clusters and endpoints for the visible services, and
 * the virtual host of one service port (VirtualService routes, or the default route).
 */
import type { ClusterIR, EndpointSetIR, ProxyFlavor, RouteIR, VirtualHostIR } from '../../ir/types.ts';
import type { RegistryService, ServicePort } from '../../registry/types.ts';
import { buildCluster, subsetsOf, type Problem } from './cluster.ts';
import { destinationRuleFor, endpointsOf, type MeshContext } from './context.ts';
import { buildEndpointSet } from './endpoint.ts';
import { DEFAULT_RETRY_ON, translateHttpRoutes, type RouteEnvironment } from './http-route.ts';
import { outboundClusterName } from './names.ts';
import type { ProxyDescriptor } from './proxy.ts';
import { serviceDomains, virtualServiceFor } from './scope.ts';

export interface ClusterSet {
  readonly clusters: ClusterIR[];
  readonly endpoints: EndpointSetIR[];
}

/** Clusters (default + one per DR subset) for every port of every service, with EDS load assignments. */
export function buildOutboundClusters(ctx: MeshContext, services: readonly RegistryService[], proxy: ProxyDescriptor, problems: Problem[]): ClusterSet {
  const clusters: ClusterIR[] = [];
  const endpoints: EndpointSetIR[] = [];
  for (const service of services) {
    if (proxy.flavor === 'grpc' && service.resolution !== 'ClientSideLB') continue;
    const dr = destinationRuleFor(ctx, service, proxy.namespace);
    const all = endpointsOf(ctx, service);
    for (const port of service.ports) {
      for (const subset of [{ name: '', labels: {} }, ...subsetsOf(dr)]) {
        const cluster = buildCluster({ service, port, subset: subset.name, dr, flavor: proxy.flavor, connectTimeoutMs: ctx.registry.mesh.connectTimeoutMs }, problems);
        const set = buildEndpointSet(cluster.name, all, port.port, subset.labels);
        if (cluster.discovery === 'EDS') endpoints.push(set);
        clusters.push(cluster.discovery === 'STRICT_DNS' ? { ...cluster, inlineEndpoints: set } : cluster);
      }
    }
  }
  return { clusters, endpoints };
}

export function defaultRoute(cluster: string): RouteIR {
  return {
    name: 'default',
    match: { path: { prefix: '/' }, caseSensitive: true, headers: [], queryParams: [] },
    action: {
      type: 'forward',
      clusters: [{ cluster, weight: 100 }],
      timeoutMs: 0,
      retry: { attempts: 2, retryOn: DEFAULT_RETRY_ON, retriableStatusCodes: [503], retryIgnorePreviousHosts: true },
      mirrors: [],
      hashPolicies: [],
    },
    source: 'default',
  };
}

export interface VirtualHostRequest {
  readonly ctx: MeshContext;
  readonly proxy: ProxyDescriptor;
  readonly service: RegistryService;
  readonly port: ServicePort;
  readonly flavor: ProxyFlavor;
  readonly problems: Problem[];
  readonly referenced: Set<string>;
}

/** The `host:port` virtual host of one service port for a sidecar or gRPC client. */
export function serviceVirtualHost(req: VirtualHostRequest): VirtualHostIR {
  const { ctx, proxy, service, port } = req;
  const vs = virtualServiceFor(ctx, service.hostname, proxy.namespace, 'mesh');
  const env: RouteEnvironment = { ctx, problems: req.problems, referenced: req.referenced, gateway: 'mesh', port: port.port, labels: proxy.labels, namespace: proxy.namespace };
  const routes = vs === undefined ? [defaultRoute(outboundClusterName(port.port, '', service.hostname))] : translateHttpRoutes(vs, env);
  return { name: `${service.hostname}:${port.port}`, domains: serviceDomains(service, port.port, proxy.namespace, req.flavor === 'grpc'), routes };
}

/** Drops domains an earlier virtual host already claimed (Envoy rejects duplicates in one route table). */
export function dedupeDomains(hosts: readonly VirtualHostIR[], problems: Problem[], table: string): VirtualHostIR[] {
  const seen = new Set<string>();
  const out: VirtualHostIR[] = [];
  for (const vh of hosts) {
    const domains = vh.domains.filter((d) => {
      if (seen.has(d)) {
        problems.push({ object: `route ${table}`, message: `domain ${d} of ${vh.name} is already used by another virtual host` });
        return false;
      }
      seen.add(d);
      return true;
    });
    if (domains.length > 0) out.push({ ...vh, domains });
  }
  return out;
}
