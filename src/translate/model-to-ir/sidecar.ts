/**
 * Envoy sidecar listeners (istio.md §4.1): `virtualOutbound` 15001 handing connections to
 * per-port listeners (`0.0.0.0_<port>` for HTTP with RDS `<port>`, `<vip>_<port>` for TCP),
 * and `virtualInbound` 15006 with one chain per inbound target port.
 */
import type { ClusterIR, FilterChainIR, ListenerIR, RouteTableIR, SocketListenerIR, TcpHandlerIR, VirtualHostIR } from '../../ir/types.ts';
import type { OutboundTrafficPolicy, RegistryService, ServicePort } from '../../registry/types.ts';
import type { Problem } from './cluster.ts';
import { accessLogOf, gatewayRef, labelsMatch, type MeshContext } from './context.ts';
import { destinationCluster, type RouteEnvironment } from './http-route.ts';
import { matchApplies } from './http-match.ts';
import { BLACKHOLE_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER, inboundClusterName, listenerName, outboundClusterName, PASSTHROUGH_CLUSTER } from './names.ts';
import { dedupeDomains, serviceVirtualHost } from './outbound.ts';
import type { ProxyDescriptor } from './proxy.ts';
import { virtualServiceFor } from './scope.ts';

export const isHttpProtocol = (p: ServicePort): boolean => p.protocol === 'HTTP' || p.protocol === 'HTTP2' || p.protocol === 'GRPC';

const tcp = (statPrefix: string, cluster: string): TcpHandlerIR => ({ type: 'tcp', statPrefix, clusters: [{ cluster, weight: 100 }] });

function socket(name: string, address: string, port: number, chains: FilterChainIR[], extra: Partial<SocketListenerIR> = {}): SocketListenerIR {
  return { type: 'socket', name, address, port, bindToPort: false, useOriginalDst: false, listenerFilters: [], chains, trafficDirection: 'OUTBOUND', ...extra };
}

export function virtualOutbound(policy: OutboundTrafficPolicy): SocketListenerIR {
  const catchAll = policy === 'ALLOW_ANY' ? PASSTHROUGH_CLUSTER : BLACKHOLE_CLUSTER;
  return socket('virtualOutbound', '0.0.0.0', 15001, [{ name: 'virtualOutbound-blackhole', match: { destinationPort: 15001 }, handler: tcp(BLACKHOLE_CLUSTER, BLACKHOLE_CLUSTER) }], {
    bindToPort: true,
    useOriginalDst: true,
    listenerFilters: ['original_dst'],
    defaultChain: { name: 'virtualOutbound-catchall-tcp', handler: tcp(catchAll, catchAll) },
  });
}

/** The catch-all virtual host of every outbound route table. */
export function catchAllHost(policy: OutboundTrafficPolicy): VirtualHostIR {
  const match = { path: { prefix: '/' }, caseSensitive: true, headers: [], queryParams: [] };
  if (policy === 'ALLOW_ANY') {
    return { name: 'allow_any', domains: ['*'], routes: [{ name: 'allow_any', match, action: { type: 'forward', clusters: [{ cluster: PASSTHROUGH_CLUSTER, weight: 100 }], timeoutMs: 0, mirrors: [], hashPolicies: [] }, source: 'default' }] };
  }
  return { name: 'block_all', domains: ['*'], routes: [{ name: 'block_all', match, action: { type: 'directResponse', status: 502 }, source: 'default' }] };
}

/** TCP routing for a non-HTTP service port: the first applicable VS tcp rule, else the service cluster. */
function tcpHandler(ctx: MeshContext, proxy: ProxyDescriptor, service: RegistryService, port: ServicePort, env: RouteEnvironment): TcpHandlerIR {
  const statPrefix = outboundClusterName(port.port, '', service.hostname);
  const vs = virtualServiceFor(ctx, service.hostname, proxy.namespace, 'mesh');
  const rule = (vs?.spec.tcp ?? []).find((r) => (r.match ?? [undefined]).some((m) => matchApplies(m, env, vs?.metadata.namespace ?? '', gatewayRef)));
  if (vs === undefined || rule === undefined) return tcp(statPrefix, statPrefix);
  const dests = (rule.route ?? []).filter((d, _i, all) => all.length === 1 || (d.weight ?? 0) > 0);
  return { type: 'tcp', statPrefix, clusters: dests.map((d) => ({ cluster: destinationCluster(d.destination, vs, env), weight: dests.length === 1 ? 100 : (d.weight ?? 0) })) };
}

/** VS tls rules for a TLS/HTTPS service port: one chain per applicable rule, matched by SNI. */
function tlsChains(ctx: MeshContext, proxy: ProxyDescriptor, service: RegistryService, port: ServicePort, env: RouteEnvironment): FilterChainIR[] {
  const vs = virtualServiceFor(ctx, service.hostname, proxy.namespace, 'mesh');
  if (vs === undefined) return [];
  const chains: FilterChainIR[] = [];
  const statPrefix = outboundClusterName(port.port, '', service.hostname);
  for (const rule of vs.spec.tls ?? []) {
    const matches = (rule.match ?? []).filter((m) => matchApplies(m, env, vs.metadata.namespace, gatewayRef));
    const serverNames = [...new Set(matches.flatMap((m) => m.sniHosts ?? []))].sort();
    if (serverNames.length === 0) continue;
    const dests = (rule.route ?? []).filter((d, _i, all) => all.length === 1 || (d.weight ?? 0) > 0);
    const clusters = dests.map((d) => ({ cluster: destinationCluster(d.destination, vs, env), weight: dests.length === 1 ? 100 : (d.weight ?? 0) }));
    chains.push({ name: `${statPrefix}|${serverNames.join(',')}`, match: { serverNames, transportProtocol: 'tls' }, handler: { type: 'tcp', statPrefix, clusters } });
  }
  return chains;
}

export interface SidecarOutbound {
  readonly listeners: ListenerIR[];
  readonly routeTables: RouteTableIR[];
}

export function sidecarOutbound(ctx: MeshContext, proxy: ProxyDescriptor, services: readonly RegistryService[], policy: OutboundTrafficPolicy, problems: Problem[]): SidecarOutbound {
  const referenced = new Set<string>();
  const hostsByPort = new Map<number, VirtualHostIR[]>();
  const tcpListeners = new Map<string, SocketListenerIR>();
  for (const service of services) {
    for (const port of service.ports) {
      if (isHttpProtocol(port)) {
        const list = hostsByPort.get(port.port) ?? [];
        list.push(serviceVirtualHost({ ctx, proxy, service, port, flavor: 'sidecar', problems, referenced }));
        hostsByPort.set(port.port, list);
        continue;
      }
      const env: RouteEnvironment = { ctx, problems, referenced, gateway: 'mesh', port: port.port, labels: proxy.labels, namespace: proxy.namespace };
      const bind = service.addresses[0] ?? '0.0.0.0';
      const name = listenerName(bind, port.port);
      if (tcpListeners.has(name) || (bind === '0.0.0.0' && hostsByPort.has(port.port))) {
        problems.push({ object: `Service ${service.hostname}`, message: `outbound listener ${name} conflicts with another service; port ${port.port} skipped` });
        continue;
      }
      const sni = port.protocol === 'TLS' || port.protocol === 'HTTPS' ? tlsChains(ctx, proxy, service, port, env) : [];
      const plain: FilterChainIR = { name, handler: tcpHandler(ctx, proxy, service, port, env) };
      tcpListeners.set(name, sni.length === 0 ? socket(name, bind, port.port, [plain]) : socket(name, bind, port.port, sni, { listenerFilters: ['tls_inspector'], defaultChain: plain }));
    }
  }
  const routeTables: RouteTableIR[] = [];
  const listeners: ListenerIR[] = [...tcpListeners.values()];
  for (const [port, hosts] of [...hostsByPort.entries()].sort(([a], [b]) => a - b)) {
    const name = String(port);
    const sorted = [...hosts].sort((a, b) => a.name.localeCompare(b.name));
    routeTables.push({ name, ignorePortInHostMatching: true, virtualHosts: [...dedupeDomains(sorted, problems, name), catchAllHost(policy)] });
    const listener = listenerName('0.0.0.0', port);
    if (tcpListeners.has(listener)) continue;
    listeners.push(socket(listener, '0.0.0.0', port, [{ name: listener, handler: { type: 'http', statPrefix: listener, rds: name, faultFilter: true, corsFilter: true, ...accessLogOf(ctx) } }]));
  }
  listeners.push(virtualOutbound(policy));
  return { listeners, routeTables };
}

/** Inbound listener and clusters for the services whose selector picks this workload. */
export function sidecarInbound(ctx: MeshContext, proxy: ProxyDescriptor): { listener: SocketListenerIR; clusters: ClusterIR[] } {
  const chains = new Map<number, FilterChainIR>();
  for (const service of ctx.registry.services) {
    if (service.origin !== 'kubernetes' || service.namespace !== proxy.namespace || Object.keys(service.selector).length === 0) continue;
    if (!labelsMatch(service.selector, proxy.labels)) continue;
    for (const port of service.ports) {
      if (typeof port.targetPort !== 'number' || chains.has(port.targetPort)) continue;
      const tp = port.targetPort;
      const cluster = inboundClusterName(tp);
      const name = listenerName('0.0.0.0', tp);
      const handler: FilterChainIR['handler'] = isHttpProtocol(port)
        ? {
            type: 'http',
            statPrefix: `inbound_0.0.0.0_${tp}`,
            inlineRoutes: {
              name: cluster,
              ignorePortInHostMatching: false,
              virtualHosts: [{ name: `inbound|http|${tp}`, domains: ['*'], routes: [{ name: 'default', match: { path: { prefix: '/' }, caseSensitive: true, headers: [], queryParams: [] }, action: { type: 'forward', clusters: [{ cluster, weight: 100 }], timeoutMs: 0, mirrors: [], hashPolicies: [] }, source: 'inbound' }] }],
            },
            faultFilter: false,
            corsFilter: false,
            ...accessLogOf(ctx),
          }
        : tcp(cluster, cluster);
      chains.set(tp, { name, match: { destinationPort: tp }, handler });
    }
  }
  const sorted = [...chains.entries()].sort(([a], [b]) => a - b);
  const listener = socket('virtualInbound', '0.0.0.0', 15006, sorted.map(([, c]) => c), {
    bindToPort: true,
    useOriginalDst: true,
    listenerFilters: ['original_dst'],
    trafficDirection: 'INBOUND',
    defaultChain: { name: 'virtualInbound', handler: tcp(INBOUND_PASSTHROUGH_CLUSTER, INBOUND_PASSTHROUGH_CLUSTER) },
  });
  const clusters = sorted.map(([tp]) => staticCluster(inboundClusterName(tp), 'ORIGINAL_DST', ctx.registry.mesh.connectTimeoutMs));
  return { listener, clusters };
}

export function staticCluster(name: string, discovery: 'ORIGINAL_DST' | 'STATIC', connectTimeoutMs: number): ClusterIR {
  return { name, discovery, lb: discovery === 'ORIGINAL_DST' ? 'CLUSTER_PROVIDED' : 'ROUND_ROBIN', connectTimeoutMs, http2: false, service: { host: '', port: 0, subset: '' } };
}

/** PassthroughCluster, BlackHoleCluster and InboundPassthroughCluster. */
export function builtInClusters(connectTimeoutMs: number): ClusterIR[] {
  return [
    staticCluster(BLACKHOLE_CLUSTER, 'STATIC', connectTimeoutMs),
    staticCluster(INBOUND_PASSTHROUGH_CLUSTER, 'ORIGINAL_DST', connectTimeoutMs),
    staticCluster(PASSTHROUGH_CLUSTER, 'ORIGINAL_DST', connectTimeoutMs),
  ];
}
