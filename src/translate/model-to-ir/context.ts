/**
 * The mesh as translation sees it: the registry plus accepted Istio config, indexed once per
 * rebuild so that each proxy group's translation is lookups, not scans.
 */
import type { DestinationRule, Gateway, Sidecar, VirtualService } from '../../model/types.ts';
import { serviceKey, type Registry, type RegistryEndpoint, type RegistryService } from '../../registry/types.ts';
import { hostMatches, resolveHost } from './names.ts';

export interface AcceptedConfig {
  readonly virtualServices: readonly VirtualService[];
  readonly destinationRules: readonly DestinationRule[];
  readonly gateways: readonly Gateway[];
  readonly sidecars: readonly Sidecar[];
}

export const NO_CONFIG: AcceptedConfig = { virtualServices: [], destinationRules: [], gateways: [], sidecars: [] };

export interface MeshContext {
  readonly registry: Registry;
  readonly config: AcceptedConfig;
  /** VS hosts resolved to FQDNs, per VS (same order as `config.virtualServices`). */
  readonly vsHosts: ReadonlyMap<VirtualService, readonly string[]>;
  /** Services by hostname (a hostname may exist in several namespaces). */
  readonly servicesByHost: ReadonlyMap<string, readonly RegistryService[]>;
  /** VirtualServices by resolved host; wildcard-host ones are in `vsWildcard` (both in config order). */
  readonly vsByHost: ReadonlyMap<string, readonly VirtualService[]>;
  readonly vsWildcard: readonly VirtualService[];
  /** DestinationRules by resolved host, with wildcard-host ones apart. */
  readonly drByHost: ReadonlyMap<string, readonly DestinationRule[]>;
  readonly drWildcard: readonly DestinationRule[];
  /**
   * The same object for contexts whose services, DestinationRules (element by element, by
   * identity), domain suffix and root namespace are the same: what route translation reads besides
   * the VirtualService itself. A memo key, never part of any output.
   */
  readonly routeDeps: object;
}

let lastRouteDeps: { readonly services: readonly RegistryService[]; readonly drs: readonly DestinationRule[]; readonly suffix: string; readonly root: string; readonly token: object } | undefined;

const sameElements = <T>(a: readonly T[], b: readonly T[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function routeDepsOf(registry: Registry, drs: readonly DestinationRule[]): object {
  const last = lastRouteDeps;
  const { domainSuffix: suffix, rootNamespace: root } = registry.mesh;
  if (last?.suffix === suffix && last.root === root && sameElements(last.services, registry.services) && sameElements(last.drs, drs)) return last.token;
  const token = {};
  lastRouteDeps = { services: registry.services, drs, suffix, root, token };
  return token;
}

function index<T>(items: readonly T[], hostsOf: (item: T) => readonly string[]): { byHost: Map<string, T[]>; wildcard: T[] } {
  const byHost = new Map<string, T[]>();
  const wildcard: T[] = [];
  for (const item of items) {
    const hosts = hostsOf(item);
    if (hosts.some((h) => h.startsWith('*'))) wildcard.push(item);
    for (const h of new Set(hosts)) {
      if (h.startsWith('*')) continue;
      let list = byHost.get(h);
      if (list === undefined) byHost.set(h, (list = []));
      list.push(item);
    }
  }
  return { byHost, wildcard };
}

const byNsName = (a: { metadata: { namespace: string; name: string } }, b: { metadata: { namespace: string; name: string } }): number =>
  a.metadata.namespace.localeCompare(b.metadata.namespace) || a.metadata.name.localeCompare(b.metadata.name);

export function createMeshContext(registry: Registry, config: AcceptedConfig): MeshContext {
  const sorted: AcceptedConfig = {
    virtualServices: [...config.virtualServices].sort(byNsName),
    destinationRules: [...config.destinationRules].sort(byNsName),
    gateways: [...config.gateways].sort(byNsName),
    sidecars: [...config.sidecars].sort(byNsName),
  };
  const suffix = registry.mesh.domainSuffix;
  const vsHosts = new Map(sorted.virtualServices.map((vs) => [vs, (vs.spec.hosts ?? []).map((h) => resolveHost(h, vs.metadata.namespace, suffix))]));
  const servicesByHost = new Map<string, RegistryService[]>();
  for (const s of registry.services) {
    const list = servicesByHost.get(s.hostname);
    if (list === undefined) servicesByHost.set(s.hostname, [s]);
    else list.push(s);
  }
  const vs = index(sorted.virtualServices, (v) => vsHosts.get(v) ?? []);
  const dr = index(sorted.destinationRules, (d) => [resolveHost(d.spec.host ?? '', d.metadata.namespace, suffix)]);
  const routeDeps = routeDepsOf(registry, sorted.destinationRules);
  return { registry, config: sorted, vsHosts, servicesByHost, vsByHost: vs.byHost, vsWildcard: vs.wildcard, drByHost: dr.byHost, drWildcard: dr.wildcard, routeDeps };
}

/** MeshConfig.accessLogFile as an HTTP handler field: `{ accessLog }` when set, `{}` when not. */
export function accessLogOf(ctx: MeshContext): { readonly accessLog?: string } {
  const path = ctx.registry.mesh.accessLogFile;
  return path === '' ? {} : { accessLog: path };
}

/** Istio `exportTo`: `*` everyone, `.` own namespace, `~` nobody, else the listed namespaces. */
export function exportedTo(exportTo: readonly string[] | undefined, ownNamespace: string, clientNamespace: string): boolean {
  if (exportTo === undefined || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || e === clientNamespace || (e === '.' && ownNamespace === clientNamespace));
}

export function labelsMatch(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>): boolean {
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

/** The service a destination host names, as seen from `namespace` (own namespace first). */
export function findService(ctx: MeshContext, host: string, namespace: string): RegistryService | undefined {
  const candidates = ctx.servicesByHost.get(host) ?? [];
  return candidates.find((s) => s.namespace === namespace) ?? candidates.find((s) => exportedTo(s.exportTo, s.namespace, namespace));
}

export function endpointsOf(ctx: MeshContext, service: RegistryService): readonly RegistryEndpoint[] {
  return ctx.registry.endpoints.get(serviceKey(service)) ?? [];
}

/**
 * The DestinationRule for a service as seen from a client namespace: the client's namespace
 * first, then the service's, then the root namespace (Istio's lookup order), exact host before wildcard.
 */
export function destinationRuleFor(ctx: MeshContext, service: RegistryService, clientNamespace: string): DestinationRule | undefined {
  const { domainSuffix: suffix, rootNamespace: root } = ctx.registry.mesh;
  // The first candidate with the lowest (namespace rank, exact before wildcard): one pass, no copies.
  let best: DestinationRule | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  const consider = (dr: DestinationRule): void => {
    const ns = dr.metadata.namespace;
    const host = resolveHost(dr.spec.host ?? '', ns, suffix);
    if (!hostMatches(host, service.hostname) || !exportedTo(dr.spec.exportTo, ns, clientNamespace)) return;
    const rank = ns === clientNamespace ? 0 : ns === service.namespace ? 1 : ns === root ? 2 : 3;
    const score = rank * 2 + (host === service.hostname ? 0 : 1);
    if (score < bestScore) {
      best = dr;
      bestScore = score;
    }
  };
  for (const dr of ctx.drByHost.get(service.hostname) ?? []) consider(dr);
  for (const dr of ctx.drWildcard) consider(dr);
  return best;
}

/** Gateways a VS binds to, as `ns/name` (`mesh` stays `mesh`); empty ⇒ `mesh`. */
export function vsGateways(vs: VirtualService): readonly string[] {
  const gateways = vs.spec.gateways ?? [];
  if (gateways.length === 0) return ['mesh'];
  return gateways.map((g) => gatewayRef(g, vs.metadata.namespace));
}

/** `name` → `vsNamespace/name`; legacy `name.ns` → `ns/name`. */
export function gatewayRef(ref: string, namespace: string): string {
  if (ref === 'mesh' || ref.includes('/')) return ref;
  const dot = ref.indexOf('.');
  if (dot > 0) return `${ref.slice(dot + 1).split('.')[0] ?? ''}/${ref.slice(0, dot)}`;
  return `${namespace}/${ref}`;
}
