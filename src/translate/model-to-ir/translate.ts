/**
 * Model → IR for one proxy: registry + accepted config + the proxy's descriptor → ProxyIR.
 * Best effort: every problem is collected and translation goes on. `proxyGroupKey` names the
 * proxies that receive identical config, so one translation serves the whole group.
 */
import { createHash } from 'node:crypto';
import type { ProxyIR } from '../../ir/types.ts';
import type { Problem } from './cluster.ts';
import { labelsMatch, type MeshContext } from './context.ts';
import { gatewayListeners } from './gateway.ts';
import { grpcOutbound } from './grpc.ts';
import { buildOutboundClusters } from './outbound.ts';
import type { ProxyDescriptor } from './proxy.ts';
import { outboundPolicy, sidecarFor, visibleServices } from './scope.ts';
import { builtInClusters, sidecarInbound, sidecarOutbound } from './sidecar.ts';

export interface ProxyTranslation {
  readonly ir: ProxyIR;
  readonly problems: readonly Problem[];
}

const byName = <T extends { readonly name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function translateProxy(ctx: MeshContext, proxy: ProxyDescriptor): ProxyTranslation {
  const problems: Problem[] = [];
  const sidecar = proxy.type === 'router' ? undefined : sidecarFor(ctx, proxy);
  const services = visibleServices(ctx, proxy.namespace, sidecar);
  const policy = outboundPolicy(ctx, sidecar);
  const { clusters, endpoints } = buildOutboundClusters(ctx, services, proxy, problems);
  let ir: ProxyIR;
  switch (proxy.flavor) {
    case 'grpc': {
      const out = grpcOutbound(ctx, proxy, services, new Set(clusters.map((c) => c.name)), problems);
      ir = { flavor: 'grpc', listeners: out.listeners, routeTables: out.routeTables, clusters, endpoints };
      break;
    }
    case 'router': {
      const out = gatewayListeners(ctx, proxy, problems);
      ir = { flavor: 'router', listeners: out.listeners, routeTables: out.routeTables, clusters: [...clusters, ...builtInClusters(ctx.registry.mesh.connectTimeoutMs)], endpoints };
      break;
    }
    case 'sidecar': {
      const out = sidecarOutbound(ctx, proxy, services, policy, problems);
      const inbound = sidecarInbound(ctx, proxy);
      const all = [...clusters, ...inbound.clusters, ...builtInClusters(ctx.registry.mesh.connectTimeoutMs)];
      ir = { flavor: 'sidecar', listeners: [...out.listeners, inbound.listener], routeTables: out.routeTables, clusters: all, endpoints };
      break;
    }
  }
  return {
    ir: {
      flavor: ir.flavor,
      listeners: [...ir.listeners].sort(byName),
      routeTables: [...ir.routeTables].sort(byName),
      clusters: [...ir.clusters].sort(byName),
      endpoints: [...ir.endpoints].sort((a, b) => (a.clusterName < b.clusterName ? -1 : a.clusterName > b.clusterName ? 1 : 0)),
    },
    problems: dedupeProblems(problems),
  };
}

function dedupeProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Map<string, Problem>();
  for (const p of problems) seen.set(`${p.object}\u0000${p.message}`, p);
  return [...seen.values()].sort((a, b) => a.object.localeCompare(b.object) || a.message.localeCompare(b.message));
}

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** Which sourceLabels selectors of mesh VirtualServices hold for this proxy, as a bit string. */
function sourceLabelSignature(ctx: MeshContext, proxy: ProxyDescriptor): string {
  const bits: string[] = [];
  for (const vs of ctx.config.virtualServices) {
    const matches = [...(vs.spec.http ?? []).flatMap((r) => r.match ?? []), ...(vs.spec.tcp ?? []).flatMap((r) => r.match ?? []), ...(vs.spec.tls ?? []).flatMap((r) => r.match ?? [])];
    for (const m of matches) if (m.sourceLabels !== undefined) bits.push(labelsMatch(m.sourceLabels, proxy.labels) ? '1' : '0');
  }
  return bits.length === 0 ? '-' : shortHash(bits.join(''));
}

function inboundSignature(ctx: MeshContext, proxy: ProxyDescriptor): string {
  const selecting = ctx.registry.services.filter(
    (s) => s.origin === 'kubernetes' && s.namespace === proxy.namespace && Object.keys(s.selector).length > 0 && labelsMatch(s.selector, proxy.labels),
  );
  return selecting.length === 0 ? '-' : shortHash(selecting.map((s) => s.hostname).join(','));
}

/**
 * Proxies with equal keys get identical config: flavor, namespace, the Sidecar that scopes them,
 * the inbound services that select them (sidecars), their labels (gateways: selectors), and the
 * sourceLabels matches that hold for them.
 */
export function proxyGroupKey(ctx: MeshContext, proxy: ProxyDescriptor): string {
  const sidecar = proxy.type === 'router' ? undefined : sidecarFor(ctx, proxy);
  const scope = sidecar === undefined ? '-' : `${sidecar.metadata.namespace}.${sidecar.metadata.name}`;
  const source = sourceLabelSignature(ctx, proxy);
  switch (proxy.flavor) {
    case 'grpc':
      return `grpc/${proxy.namespace}/${scope}/${source}`;
    case 'sidecar':
      return `sidecar/${proxy.namespace}/${scope}/${inboundSignature(ctx, proxy)}/${source}`;
    case 'router': {
      const labels = Object.entries(proxy.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');
      return `router/${proxy.namespace}/${shortHash(labels)}`;
    }
  }
}
