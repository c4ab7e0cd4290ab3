/**
 * The outbound half every flavor shares: clusters and endpoints for the visible services, and
 * the virtual host of one service port (VirtualService routes, or the default route).
 */
import type { ClusterIR, EndpointSetIR, ProxyFlavor, RouteIR, VirtualHostIR } from '../../ir/types.ts';
import type { DestinationRule, VirtualService } from '../../model/types.ts';
import type { RegistryEndpoint, RegistryService, ServicePort } from '../../registry/types.ts';
import { buildCluster, subsetsOf, type Problem } from './cluster.ts';
import { destinationRuleFor, endpointsOf, type MeshContext } from './context.ts';
import { buildEndpointSet, endpointIrs } from './endpoint.ts';
import { MATCH_ALL } from './http-match.ts';
import { DEFAULT_RETRY, translateHttpRoutes, type RouteEnvironment } from './http-route.ts';
import { outboundClusterName } from './names.ts';
import type { ProxyDescriptor } from './proxy.ts';
import { serviceDomains, virtualServiceFor } from './scope.ts';

export interface ClusterSet {
  readonly clusters: ClusterIR[];
  readonly endpoints: EndpointSetIR[];
}

interface Memo {
  readonly dr: DestinationRule | undefined;
  readonly endpoints: readonly RegistryEndpoint[];
  readonly connectTimeoutMs: number;
  readonly set: ClusterSet;
  readonly problems: readonly Problem[];
}

/**
 * Per service object, per flavor: the last clusters built, reused while the service, its
 * DestinationRule and its endpoint list are the same objects. Reuse keeps the IR (and the xDS
 * objects built from it) identical by reference, which makes diffs and cache encodes cheap.
 */
const memos = new Map<ProxyFlavor, WeakMap<RegistryService, Memo>>();

/** Clusters (default + one per DR subset) for every port of every service, with EDS load assignments. */
export function buildOutboundClusters(ctx: MeshContext, services: readonly RegistryService[], proxy: ProxyDescriptor, problems: Problem[]): ClusterSet {
  const clusters: ClusterIR[] = [];
  const endpoints: EndpointSetIR[] = [];
  let memo = memos.get(proxy.flavor);
  if (memo === undefined) memos.set(proxy.flavor, (memo = new WeakMap()));
  for (const service of services) {
    if (proxy.flavor === 'grpc' && service.resolution !== 'ClientSideLB') continue;
    const dr = destinationRuleFor(ctx, service, proxy.namespace);
    const all = endpointsOf(ctx, service);
    const connectTimeoutMs = ctx.registry.mesh.connectTimeoutMs;
    const last = memo.get(service);
    if (last !== undefined && last.dr === dr && last.endpoints === all && last.connectTimeoutMs === connectTimeoutMs) {
      clusters.push(...last.set.clusters);
      endpoints.push(...last.set.endpoints);
      problems.push(...last.problems);
      continue;
    }
    const own = servicesClusters(service, dr, all, proxy.flavor, connectTimeoutMs);
    memo.set(service, { dr, endpoints: all, connectTimeoutMs, set: own.set, problems: own.problems });
    clusters.push(...own.set.clusters);
    endpoints.push(...own.set.endpoints);
    problems.push(...own.problems);
  }
  return { clusters, endpoints };
}

function servicesClusters(service: RegistryService, dr: DestinationRule | undefined, all: readonly RegistryEndpoint[], flavor: ProxyFlavor, connectTimeoutMs: number): { set: ClusterSet; problems: Problem[] } {
  const clusters: ClusterIR[] = [];
  const endpoints: EndpointSetIR[] = [];
  const problems: Problem[] = [];
  const subsets = [{ name: '', labels: {} }, ...subsetsOf(dr)];
  for (const port of service.ports) {
    const onPort = all.filter((e) => e.servicePort === port.port);
    const irs = endpointIrs(onPort);
    for (const subset of subsets) {
      const cluster = buildCluster({ service, port, subset: subset.name, dr, flavor, connectTimeoutMs }, problems);
      const set = buildEndpointSet(cluster.name, onPort, port.port, subset.labels, irs);
      if (cluster.discovery === 'EDS') endpoints.push(set);
      clusters.push(cluster.discovery === 'STRICT_DNS' ? { ...cluster, inlineEndpoints: set } : cluster);
    }
  }
  return { set: { clusters, endpoints }, problems };
}

export function defaultRoute(cluster: string): RouteIR {
  return {
    name: 'default',
    match: MATCH_ALL,
    action: {
      type: 'forward',
      clusters: [{ cluster, weight: 100 }],
      timeoutMs: 0,
      retry: DEFAULT_RETRY,
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

interface VirtualHostMemo {
  readonly service: RegistryService;
  readonly vs: VirtualService | undefined;
  readonly vh: VirtualHostIR;
  readonly problems: readonly Problem[];
  readonly referenced: readonly string[];
}

/**
 * Per `ctx.routeDeps` (same services, DestinationRules and mesh naming), the last virtual host of
 * each (flavor, client namespace, client labels, service port): reused while the service and the
 * VirtualService that owns its host are the same objects, with its problems and referenced
 * clusters replayed. A VirtualService change rebuilds only the hosts it owns.
 */
const virtualHostMemos = new WeakMap<object, Map<string, VirtualHostMemo>>();

function buildVirtualHost(req: VirtualHostRequest, vs: VirtualService | undefined, problems: Problem[], referenced: Set<string>): VirtualHostIR {
  const { ctx, proxy, service, port } = req;
  const env: RouteEnvironment = { ctx, problems, referenced, gateway: 'mesh', port: port.port, labels: proxy.labels, namespace: proxy.namespace };
  const routes = vs === undefined ? [defaultRoute(outboundClusterName(port.port, '', service.hostname))] : translateHttpRoutes(vs, env);
  return { name: `${service.hostname}:${port.port}`, domains: serviceDomains(service, port.port, proxy.namespace, req.flavor === 'grpc'), routes };
}

/** `JSON.stringify(labels)` once per labels object, not once per service port. */
const labelsKeys = new WeakMap<object, string>();

function labelsKey(labels: Readonly<Record<string, string>>): string {
  let key = labelsKeys.get(labels);
  if (key === undefined) labelsKeys.set(labels, (key = JSON.stringify(labels)));
  return key;
}

/** The `host:port` virtual host of one service port for a sidecar or gRPC client. */
export function serviceVirtualHost(req: VirtualHostRequest): VirtualHostIR {
  const { ctx, proxy, service, port } = req;
  const vs = virtualServiceFor(ctx, service.hostname, proxy.namespace, 'mesh');
  let memo = virtualHostMemos.get(ctx.routeDeps);
  if (memo === undefined) virtualHostMemos.set(ctx.routeDeps, (memo = new Map<string, VirtualHostMemo>()));
  const key = `${req.flavor}|${proxy.namespace}|${labelsKey(proxy.labels)}|${service.hostname}|${service.namespace}|${String(port.port)}`;
  const last = memo.get(key);
  if (last?.service === service && last.vs === vs) {
    req.problems.push(...last.problems);
    for (const name of last.referenced) req.referenced.add(name);
    return last.vh;
  }
  const problems: Problem[] = [];
  const referenced = new Set<string>();
  const vh = buildVirtualHost(req, vs, problems, referenced);
  memo.set(key, { service, vs, vh, problems, referenced: [...referenced] });
  req.problems.push(...problems);
  for (const name of referenced) req.referenced.add(name);
  return vh;
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
    if (domains.length === vh.domains.length) out.push(vh);
    else if (domains.length > 0) out.push({ ...vh, domains });
  }
  return out;
}
