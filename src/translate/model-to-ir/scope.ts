/**
 * What a proxy can see: the Sidecar resource that applies to it, the services exported to its
 * namespace and allowed by that Sidecar's egress hosts, the VirtualService that owns a host, and
 * the virtual host domains Istio generates for a service (istio.md §4.2).
 */
import type { Sidecar, VirtualService } from '../../model/types.ts';
import type { OutboundTrafficPolicy, RegistryService } from '../../registry/types.ts';
import { exportedTo, labelsMatch, vsGateways, type MeshContext } from './context.ts';
import { hostMatches } from './names.ts';
import type { ProxyDescriptor } from './proxy.ts';

/** Workload-selected Sidecar in the proxy's namespace, else the namespace default, else the root namespace default. */
export function sidecarFor(ctx: MeshContext, proxy: ProxyDescriptor): Sidecar | undefined {
  const own = ctx.config.sidecars.filter((s) => s.metadata.namespace === proxy.namespace);
  const selected = own.find((s) => s.spec.workloadSelector?.labels !== undefined && labelsMatch(s.spec.workloadSelector.labels, proxy.labels));
  return (
    selected ??
    own.find((s) => s.spec.workloadSelector === undefined) ??
    ctx.config.sidecars.find((s) => s.metadata.namespace === ctx.registry.mesh.rootNamespace && s.spec.workloadSelector === undefined)
  );
}

export function outboundPolicy(ctx: MeshContext, sidecar: Sidecar | undefined): OutboundTrafficPolicy {
  const mode = sidecar?.spec.outboundTrafficPolicy?.mode;
  if (mode === 'REGISTRY_ONLY' || mode === 'ALLOW_ANY') return mode;
  return ctx.registry.mesh.outboundTrafficPolicy;
}

/** Sidecar egress host `ns/dnsName` against a service (ns `*`, `.`, `~`, name; dnsName `*`, `*.x`, FQDN). */
function egressAllows(entry: string, sidecarNs: string, service: RegistryService): boolean {
  const slash = entry.indexOf('/');
  const ns = slash < 0 ? '*' : entry.slice(0, slash);
  const host = slash < 0 ? entry : entry.slice(slash + 1);
  if (ns === '~') return false;
  const nsOk = ns === '*' || (ns === '.' ? service.namespace === sidecarNs : service.namespace === ns);
  return nsOk && hostMatches(host, service.hostname);
}

/** Services the proxy sees, sorted as the registry is. */
export function visibleServices(ctx: MeshContext, namespace: string, sidecar: Sidecar | undefined): RegistryService[] {
  const egressHosts = (sidecar?.spec.egress ?? []).flatMap((e) => e.hosts ?? []);
  return ctx.registry.services.filter(
    (s) =>
      exportedTo(s.exportTo, s.namespace, namespace) &&
      (sidecar === undefined || egressHosts.some((h) => egressAllows(h, sidecar.metadata.namespace, s))),
  );
}

/**
 * The VirtualService that routes `host` for a gateway (`mesh` or `ns/name`): exact host before
 * wildcard, the client's namespace first, then by namespace/name (Istio picks one per host).
 */
export function virtualServiceFor(ctx: MeshContext, host: string, namespace: string, gateway: string): VirtualService | undefined {
  let best: { vs: VirtualService; rank: number } | undefined;
  const candidates = [...(ctx.vsByHost.get(host) ?? []), ...ctx.vsWildcard];
  for (const vs of candidates) {
    if (!vsGateways(vs).includes(gateway) || !exportedTo(vs.spec.exportTo, vs.metadata.namespace, namespace)) continue;
    const hosts = ctx.vsHosts.get(vs) ?? [];
    const exact = hosts.includes(host);
    if (!exact && !hosts.some((h) => h.startsWith('*') && hostMatches(h, host))) continue;
    const rank = (exact ? 0 : 2) + (vs.metadata.namespace === namespace ? 0 : 1);
    if (best === undefined || rank < best.rank) best = { vs, rank };
  }
  return best?.vs;
}

/** Virtual host domains for a service as seen from `namespace`; gRPC adds `domain:port` for each. */
export function serviceDomains(service: RegistryService, port: number, namespace: string, withPort: boolean): string[] {
  const names: string[] = [service.hostname];
  if (service.origin === 'kubernetes') {
    const base = `${service.name}.${service.namespace}`;
    if (service.namespace === namespace) names.push(service.name);
    names.push(`${base}.svc`, base);
  }
  names.push(...service.addresses);
  return withPort ? names.flatMap((n) => [n, `${n}:${port}`]) : names;
}
