/**
 * Proxyless gRPC (Istio's grpc generator, istio.md §4.5, xds.md §3.6): API listeners
 * `host:port` (and `name:port` in the client's namespace) per service port, route table `outbound|port||host` holding that service's
 * virtual host (domains with and without `:port`), EDS clusters. grpc-js-xds NACKs redirect and
 * direct_response, so those rules are left out and reported; retries get the 25ms base back-off
 * it requires.
 */
import type { ForwardActionIR, ListenerIR, RouteIR, RouteTableIR, VirtualHostIR } from '../../ir/types.ts';
import type { RegistryService } from '../../registry/types.ts';
import type { Problem } from './cluster.ts';
import type { MeshContext } from './context.ts';
import { outboundClusterName } from './names.ts';
import { serviceVirtualHost } from './outbound.ts';
import type { ProxyDescriptor } from './proxy.ts';

export const GRPC_RETRY_BACKOFF_MS = 25;

/**
 * A route as grpc-js-xds accepts it: forward only; clusters that do not exist left out (a client
 * waits for every cluster a route names, ~15 s for a missing one, before serving any call); no
 * mirrors (not implemented by gRPC); a back-off on retries.
 */
function grpcRoute(route: RouteIR, problems: Problem[], known: ReadonlySet<string>): RouteIR | undefined {
  const action = route.action;
  if (action.type !== 'forward') {
    problems.push({ object: route.source, message: `${action.type} is not supported by proxyless gRPC clients; the route is left out for them` });
    return undefined;
  }
  const clusters = action.clusters.filter((c) => known.has(c.cluster));
  if (clusters.length === 0) {
    problems.push({ object: route.source, message: 'no destination of the route exists; the route is left out for proxyless gRPC clients' });
    return undefined;
  }
  const retry = action.retry === undefined || action.retry.backoffBaseMs !== undefined ? action.retry : { ...action.retry, backoffBaseMs: GRPC_RETRY_BACKOFF_MS };
  const forward: ForwardActionIR = { ...action, clusters, mirrors: [] };
  if (retry !== undefined) return { ...route, action: { ...forward, retry } };
  return { ...route, action: forward };
}

/**
 * `host:port` for the FQDN, plus the short name for services in the client's own namespace
 * (Istio expands `xds:///reviews:9080` with the node's DNS domain; the answer must carry the
 * name the client asked for).
 */
export function listenerNames(service: RegistryService, port: number, namespace: string): string[] {
  const names = [`${service.hostname}:${port}`];
  if (service.origin === 'kubernetes' && service.namespace === namespace) names.push(`${service.name}:${port}`);
  return names;
}

interface PortOutput {
  readonly table: RouteTableIR;
  readonly listeners: readonly ListenerIR[];
  readonly problems: readonly Problem[];
}

/**
 * The last output per virtual host object and client namespace, valid while every cluster its
 * routes name is known (or unknown) as it was: the same objects come back, so unchanged route
 * tables and listeners cost nothing downstream.
 */
const portMemos = new WeakMap<VirtualHostIR, Map<string, { readonly output: PortOutput; readonly known: readonly boolean[] }>>();

const routeClusters = (vh: VirtualHostIR): string[] => vh.routes.flatMap((r) => (r.action.type === 'forward' ? r.action.clusters.map((c) => c.cluster) : []));

function portOutput(vh: VirtualHostIR, service: RegistryService, port: number, namespace: string, known: ReadonlySet<string>): PortOutput {
  const clusters = routeClusters(vh);
  const memo = portMemos.get(vh) ?? new Map<string, { readonly output: PortOutput; readonly known: readonly boolean[] }>();
  portMemos.set(vh, memo);
  const last = memo.get(namespace);
  if (last !== undefined && last.known.length === clusters.length && clusters.every((c, i) => known.has(c) === last.known[i])) return last.output;
  const problems: Problem[] = [];
  const table = outboundClusterName(port, '', service.hostname);
  const routes = vh.routes.flatMap((r) => grpcRoute(r, problems, known) ?? []);
  const listeners: ListenerIR[] = listenerNames(service, port, namespace).map((name) => ({
    type: 'api',
    name,
    address: service.addresses[0] ?? '0.0.0.0',
    port,
    http: { type: 'http', statPrefix: table, rds: table, faultFilter: true, corsFilter: false },
  }));
  const output = { table: { name: table, ignorePortInHostMatching: false, virtualHosts: [{ ...vh, routes }] }, listeners, problems };
  memo.set(namespace, { output, known: clusters.map((c) => known.has(c)) });
  return output;
}

export function grpcOutbound(ctx: MeshContext, proxy: ProxyDescriptor, services: readonly RegistryService[], known: ReadonlySet<string>, problems: Problem[]): { listeners: ListenerIR[]; routeTables: RouteTableIR[] } {
  const listeners: ListenerIR[] = [];
  const routeTables: RouteTableIR[] = [];
  const referenced = new Set<string>();
  for (const service of services) {
    if (service.resolution !== 'ClientSideLB') continue;
    for (const port of service.ports) {
      const vh = serviceVirtualHost({ ctx, proxy, service, port, flavor: 'grpc', problems, referenced });
      const output = portOutput(vh, service, port.port, proxy.namespace, known);
      routeTables.push(output.table);
      listeners.push(...output.listeners);
      problems.push(...output.problems);
    }
  }
  return { listeners, routeTables };
}
