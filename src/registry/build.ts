/**
 * Builds the whole registry from plain Kubernetes objects plus accepted ServiceEntries and
 * WorkloadEntries. Best effort: a broken object becomes a problem and the rest is built.
 */
import type { V1EndpointSlice, V1Namespace, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import type { ServiceEntry, WorkloadEntry } from '../model/types.ts';
import { fromEndpointSlice, fromService, indexPods, namespaceNames, type PodInfo } from './kubernetes.ts';
import { fromServiceEntry } from './service-entry.ts';
import { DEFAULT_MESH, serviceKey, type MeshSettings, type Registry, type RegistryEndpoint, type RegistryProblem, type RegistryService, type TlsSecret } from './types.ts';

export interface RegistryInput {
  readonly services?: readonly V1Service[];
  readonly endpointSlices?: readonly V1EndpointSlice[];
  readonly pods?: readonly V1Pod[];
  readonly namespaces?: readonly V1Namespace[];
  readonly secrets?: readonly V1Secret[];
  readonly serviceEntries?: readonly ServiceEntry[];
  readonly workloadEntries?: readonly WorkloadEntry[];
  readonly mesh?: Partial<MeshSettings>;
}

export interface RegistryOutcome {
  readonly registry: Registry;
  readonly problems: readonly RegistryProblem[];
}

export function compareEndpoints(a: RegistryEndpoint, b: RegistryEndpoint): number {
  return a.servicePort - b.servicePort || (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port);
}

/** Sorts in place; slices usually arrive in order already, and checking that is one pass. */
function sortEndpoints(list: RegistryEndpoint[]): void {
  for (let i = 1; i < list.length; i++) {
    const a = list[i - 1];
    const b = list[i];
    if (a !== undefined && b !== undefined && compareEndpoints(a, b) > 0) {
      list.sort(compareEndpoints);
      return;
    }
  }
}

function compareServices(a: RegistryService, b: RegistryService): number {
  return a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
}

function tlsSecrets(secrets: readonly V1Secret[]): TlsSecret[] {
  const out: TlsSecret[] = [];
  for (const s of secrets) {
    const data = s.data ?? {};
    const cert = data['tls.crt'] ?? data.cert;
    const key = data['tls.key'] ?? data.key;
    if (s.metadata?.name === undefined || s.metadata.namespace === undefined || cert === undefined || key === undefined) continue;
    const ca = data['ca.crt'] ?? data.cacert;
    const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
    out.push({
      namespace: s.metadata.namespace,
      name: s.metadata.name,
      certificate: decode(cert),
      privateKey: decode(key),
      ...(ca === undefined ? {} : { caCertificate: decode(ca) }),
    });
  }
  return out.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

/** Endpoints of Kubernetes services from their EndpointSlices (label `kubernetes.io/service-name`). */
function kubernetesEndpoints(input: RegistryInput, byName: ReadonlyMap<string, RegistryService>, into: Map<string, RegistryEndpoint[]>): void {
  const pods = indexPods(input.pods ?? []);
  for (const slice of input.endpointSlices ?? []) {
    const ns = slice.metadata?.namespace;
    const name = slice.metadata?.labels?.['kubernetes.io/service-name'];
    const service = ns === undefined || name === undefined ? undefined : byName.get(`${ns}/${name}`);
    if (service === undefined) continue;
    const key = serviceKey(service);
    const converted = fromEndpointSlice(slice, service, pods);
    const list = into.get(key);
    if (list === undefined) into.set(key, converted);
    else for (const e of converted) list.push(e);
  }
}

/**
 * Reuse across builds (ADR 0045): the same V1Service object (informers replace objects on change)
 * gives back the same RegistryService, and a service whose endpoints have the same content gets
 * its previous endpoint list back. Identical references let translation reuse that service's
 * clusters and load assignments. Invisible in outputs: only identity, never content, is reused.
 */
const servicesMemo = new WeakMap<V1Service, { readonly domainSuffix: string; readonly converted: ReturnType<typeof fromService> }>();
const endpointsMemo = new WeakMap<RegistryService, readonly RegistryEndpoint[]>();

function convertService(s: V1Service, domainSuffix: string): ReturnType<typeof fromService> {
  const last = servicesMemo.get(s);
  if (last?.domainSuffix === domainSuffix) return last.converted;
  const converted = fromService(s, domainSuffix);
  servicesMemo.set(s, { domainSuffix, converted });
  return converted;
}

const sameLabels = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
  if (a === b) return true;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

const sameEndpoint = (a: RegistryEndpoint, b: RegistryEndpoint): boolean =>
  a.address === b.address && a.servicePort === b.servicePort && a.port === b.port && a.health === b.health && a.weight === b.weight && a.workload === b.workload &&
  a.locality.region === b.locality.region && a.locality.zone === b.locality.zone && a.locality.subZone === b.locality.subZone && sameLabels(a.labels, b.labels);

/** The previous list of `service` when `next` has the same content (both sorted), else `next`. */
function reuseEndpoints(service: RegistryService, next: readonly RegistryEndpoint[]): readonly RegistryEndpoint[] {
  const last = endpointsMemo.get(service);
  if (last !== undefined && last.length === next.length && last.every((e, i) => { const n = next[i]; return n !== undefined && sameEndpoint(e, n); })) return last;
  endpointsMemo.set(service, next);
  return next;
}

export function buildRegistry(input: RegistryInput): RegistryOutcome {
  const mesh: MeshSettings = { ...DEFAULT_MESH, ...input.mesh };
  const problems: RegistryProblem[] = [];
  const services: RegistryService[] = [];
  const byName = new Map<string, RegistryService>();
  for (const s of input.services ?? []) {
    const converted = convertService(s, mesh.domainSuffix);
    if (!converted.ok) {
      problems.push(converted.problem);
      continue;
    }
    services.push(converted.value);
    byName.set(`${converted.value.namespace}/${converted.value.name}`, converted.value);
  }
  const endpoints = new Map<string, RegistryEndpoint[]>();
  kubernetesEndpoints(input, byName, endpoints);
  for (const entry of input.serviceEntries ?? []) {
    const outcome = fromServiceEntry(entry, input.workloadEntries ?? []);
    for (const service of outcome.services) {
      services.push(service);
      endpoints.set(serviceKey(service), outcome.endpoints.get(service.hostname) ?? []);
    }
  }
  for (const list of endpoints.values()) sortEndpoints(list);
  const shared = new Map<string, readonly RegistryEndpoint[]>();
  for (const service of services) {
    const key = serviceKey(service);
    const list = endpoints.get(key) ?? [];
    shared.set(key, service.origin === 'kubernetes' ? reuseEndpoints(service, list) : list);
  }
  const namespaces = new Set(namespaceNames(input.namespaces ?? []));
  for (const s of services) namespaces.add(s.namespace);
  return {
    registry: { mesh, services: services.sort(compareServices), endpoints: shared, namespaces: [...namespaces].sort(), secrets: tlsSecrets(input.secrets ?? []) },
    problems: problems.sort((a, b) => a.object.localeCompare(b.object)),
  };
}

/**
 * The endpoint-only path: one service's endpoints recomputed from its current slices, without
 * rebuilding anything else. `pods` is the pod index (`indexPods`) the caller keeps up to date.
 * Returns undefined when the service is unknown.
 */
export function serviceEndpoints(registry: Registry, namespace: string, name: string, slices: readonly V1EndpointSlice[], pods: ReadonlyMap<string, PodInfo>): readonly RegistryEndpoint[] | undefined {
  const service = registry.services.find((s) => s.origin === 'kubernetes' && s.namespace === namespace && s.name === name);
  if (service === undefined) return undefined;
  return slices.flatMap((slice) => fromEndpointSlice(slice, service, pods)).sort(compareEndpoints);
}
