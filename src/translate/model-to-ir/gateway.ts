/**
 * Ingress/egress gateway Envoys (`router~…`): each Gateway whose selector matches the proxy's
 * labels contributes its servers; servers are grouped by the pod port the gateway Service maps
 * them to (80 → 8080) into listeners `0.0.0.0_<targetPort>`. HTTP → RDS `http.<targetPort>`,
 * HTTPS (SIMPLE/MUTUAL) → TLS terminated with the credentialName Secret and RDS
 * `https.<port>.<portName>.<gw>.<ns>`, TLS PASSTHROUGH → SNI chains from VS tls routes, TCP →
 * VS tcp routes.
 */
import type { FilterChainIR, ListenerIR, RouteTableIR, ServerTlsIR, TcpHandlerIR, VirtualHostIR } from '../../ir/types.ts';
import type { Gateway, VirtualService } from '../../model/types.ts';
import type { Problem } from './cluster.ts';
import { accessLogOf, exportedTo, gatewayRef, labelsMatch, vsGateways, type MeshContext } from './context.ts';
import { destinationCluster, translateHttpRoutes, type RouteEnvironment } from './http-route.ts';
import { matchApplies } from './http-match.ts';
import { gatewayHttpRouteName, gatewayHttpsRouteName, hostMatches, listenerName } from './names.ts';
import { dedupeDomains } from './outbound.ts';
import type { ProxyDescriptor } from './proxy.ts';

type Server = NonNullable<Gateway['spec']['servers']>[number];

interface BoundServer {
  readonly gateway: Gateway;
  readonly server: Server;
  readonly ref: string;
  readonly targetPort: number;
}

/** Server port → pod port through the Service that selects the gateway pods. */
function targetPortOf(ctx: MeshContext, proxy: ProxyDescriptor, port: number): number {
  for (const s of ctx.registry.services) {
    if (s.origin !== 'kubernetes' || Object.keys(s.selector).length === 0 || !labelsMatch(s.selector, proxy.labels)) continue;
    const p = s.ports.find((x) => x.port === port);
    if (p !== undefined && typeof p.targetPort === 'number') return p.targetPort;
  }
  return port;
}

export function selectedServers(ctx: MeshContext, proxy: ProxyDescriptor): BoundServer[] {
  return ctx.config.gateways
    .filter((g) => g.spec.selector !== undefined && Object.keys(g.spec.selector).length > 0 && labelsMatch(g.spec.selector, proxy.labels))
    .flatMap((gateway) =>
      (gateway.spec.servers ?? []).map((server) => ({
        gateway,
        server,
        ref: `${gateway.metadata.namespace}/${gateway.metadata.name}`,
        targetPort: targetPortOf(ctx, proxy, server.port?.number ?? 0),
      })),
    );
}

/** The VS hosts a server admits (`ns/host` rules, istio.md §1.3). */
function admittedHosts(bound: BoundServer, vs: VirtualService, vsHosts: readonly string[]): string[] {
  const gwNs = bound.gateway.metadata.namespace;
  const vsNs = vs.metadata.namespace;
  return vsHosts.filter((h) =>
    (bound.server.hosts ?? []).some((entry) => {
      const slash = entry.indexOf('/');
      const ns = slash < 0 ? '*' : entry.slice(0, slash);
      const host = slash < 0 ? entry : entry.slice(slash + 1);
      const nsOk = ns === '*' || ns === vsNs || (ns === '.' && vsNs === gwNs);
      return nsOk && hostMatches(host, h);
    }),
  );
}

function boundVirtualServices(ctx: MeshContext, bound: BoundServer): VirtualService[] {
  return ctx.config.virtualServices.filter((vs) => vsGateways(vs).includes(bound.ref) && exportedTo(vs.spec.exportTo, vs.metadata.namespace, bound.gateway.metadata.namespace));
}

function httpHosts(ctx: MeshContext, bound: BoundServer, env: RouteEnvironment): VirtualHostIR[] {
  const hosts: VirtualHostIR[] = [];
  for (const vs of boundVirtualServices(ctx, bound)) {
    const routes = translateHttpRoutes(vs, { ...env, gateway: bound.ref });
    for (const host of admittedHosts(bound, vs, ctx.vsHosts.get(vs) ?? [])) {
      const redirect = bound.server.tls?.httpsRedirect === true ? { requireTls: true as const } : {};
      hosts.push({ name: `${host}:${bound.server.port?.number ?? 0}`, domains: [host], routes, ...redirect });
    }
  }
  return hosts;
}

function l4Handler(ctx: MeshContext, bound: BoundServer, env: RouteEnvironment, sni: readonly string[] | undefined): TcpHandlerIR | undefined {
  const statPrefix = listenerName('0.0.0.0', bound.targetPort);
  for (const vs of boundVirtualServices(ctx, bound)) {
    const rules = sni === undefined ? (vs.spec.tcp ?? []) : (vs.spec.tls ?? []).filter((r) => (r.match ?? []).some((m) => (m.sniHosts ?? []).some((h) => sni.includes(h))));
    const rule = rules.find((r) => (r.match ?? [undefined]).some((m) => matchApplies(m, { ...env, gateway: bound.ref }, vs.metadata.namespace, gatewayRef)));
    if (rule === undefined) continue;
    const dests = (rule.route ?? []).filter((d, _i, all) => all.length === 1 || (d.weight ?? 0) > 0);
    return { type: 'tcp', statPrefix, clusters: dests.map((d) => ({ cluster: destinationCluster(d.destination, vs, env), weight: dests.length === 1 ? 100 : (d.weight ?? 0) })) };
  }
  return undefined;
}

function serverTls(ctx: MeshContext, bound: BoundServer, problems: Problem[]): ServerTlsIR | undefined {
  const name = bound.server.tls?.credentialName;
  const secret = ctx.registry.secrets.find((s) => s.namespace === bound.gateway.metadata.namespace && s.name === name);
  if (secret === undefined) {
    problems.push({ object: `Gateway/${bound.ref}`, message: `credentialName ${name ?? '(unset)'} names no TLS Secret in ${bound.gateway.metadata.namespace}; server ${bound.server.port?.name ?? ''} skipped` });
    return undefined;
  }
  return { secret: `${secret.namespace}/${secret.name}`, certificateChain: secret.certificate, privateKey: secret.privateKey, alpn: ['h2', 'http/1.1'] };
}

function serverChains(ctx: MeshContext, bound: BoundServer, env: RouteEnvironment, tables: Map<string, VirtualHostIR[]>, problems: Problem[]): FilterChainIR[] {
  const protocol = (bound.server.port?.protocol ?? '').toUpperCase();
  const mode = bound.server.tls?.mode;
  const name = listenerName('0.0.0.0', bound.targetPort);
  const sni = (bound.server.hosts ?? []).map((h) => h.slice(h.indexOf('/') + 1)).filter((h) => h !== '*');
  const serverNames = sni.length > 0 ? { serverNames: sni } : {};
  const http = (rds: string): FilterChainIR['handler'] => ({ type: 'http', statPrefix: name, rds, faultFilter: true, corsFilter: true, ...accessLogOf(ctx) });
  if (protocol === 'HTTP' || protocol === 'HTTP2' || protocol === 'GRPC') {
    const rds = gatewayHttpRouteName(bound.targetPort);
    tables.set(rds, [...(tables.get(rds) ?? []), ...httpHosts(ctx, bound, env)]);
    return [{ name, handler: http(rds) }];
  }
  if ((protocol === 'HTTPS' || protocol === 'TLS') && mode === 'PASSTHROUGH') {
    const handler = l4Handler(ctx, bound, env, sni);
    return handler === undefined ? [] : [{ name, match: { transportProtocol: 'tls', ...serverNames }, handler }];
  }
  if (protocol === 'HTTPS') {
    const tls = serverTls(ctx, bound, problems);
    if (tls === undefined) return [];
    const rds = gatewayHttpsRouteName(bound.server.port?.number ?? 0, bound.server.port?.name ?? '', bound.gateway.metadata.name, bound.gateway.metadata.namespace);
    tables.set(rds, [...(tables.get(rds) ?? []), ...httpHosts(ctx, bound, env)]);
    return [{ name, match: { transportProtocol: 'tls', ...serverNames }, tls, handler: http(rds) }];
  }
  const handler = l4Handler(ctx, bound, env, undefined);
  return handler === undefined ? [] : [{ name, handler }];
}

export function gatewayListeners(ctx: MeshContext, proxy: ProxyDescriptor, problems: Problem[]): { listeners: ListenerIR[]; routeTables: RouteTableIR[] } {
  const referenced = new Set<string>();
  const byPort = new Map<number, FilterChainIR[]>();
  const tables = new Map<string, VirtualHostIR[]>();
  for (const bound of selectedServers(ctx, proxy)) {
    const env: RouteEnvironment = { ctx, problems, referenced, gateway: bound.ref, port: bound.server.port?.number ?? 0, labels: proxy.labels, namespace: proxy.namespace };
    byPort.set(bound.targetPort, [...(byPort.get(bound.targetPort) ?? []), ...serverChains(ctx, bound, env, tables, problems)]);
  }
  const listeners: ListenerIR[] = [...byPort.entries()]
    .filter(([, chains]) => chains.length > 0)
    .sort(([a], [b]) => a - b)
    .map(([port, chains]) => ({
      type: 'socket' as const,
      name: listenerName('0.0.0.0', port),
      address: '0.0.0.0',
      port,
      bindToPort: true,
      useOriginalDst: false,
      listenerFilters: chains.some((c) => c.match?.transportProtocol === 'tls') ? (['tls_inspector'] as const) : [],
      chains,
      trafficDirection: 'OUTBOUND' as const,
    }));
  const routeTables = [...tables.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, hosts]) => ({ name, ignorePortInHostMatching: true, virtualHosts: dedupeDomains(hosts, problems, name) }));
  return { listeners, routeTables };
}
