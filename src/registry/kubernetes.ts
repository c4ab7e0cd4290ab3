/**
 * Kubernetes Services, EndpointSlices, Pods and Namespaces → registry services and endpoints.
 * Pure: the caller hands in the objects its informers hold.
 */
import type { V1Endpoint, V1EndpointSlice, V1Namespace, V1Pod, V1Service } from '@kubernetes/client-node';
import type { EndpointHealth, Locality, Protocol, RegistryEndpoint, RegistryProblem, RegistryService, ServicePort } from './types.ts';

const PROTOCOLS: Readonly<Record<string, Protocol>> = {
  http: 'HTTP',
  http2: 'HTTP2',
  grpc: 'GRPC',
  'grpc-web': 'HTTP',
  h2c: 'HTTP2',
  'kubernetes.io/h2c': 'HTTP2',
  https: 'HTTPS',
  tls: 'TLS',
  tcp: 'TCP',
  mongo: 'TCP',
  mysql: 'TCP',
  redis: 'TCP',
};

/** Istio's protocol selection: appProtocol first, then the port name's prefix (`http-web` → HTTP). */
export function portProtocol(name: string | undefined, appProtocol: string | undefined): Protocol {
  const fromApp = appProtocol === undefined ? undefined : PROTOCOLS[appProtocol.toLowerCase()];
  if (fromApp !== undefined) return fromApp;
  const lower = (name ?? '').toLowerCase();
  const prefix = lower.startsWith('grpc-web') ? 'grpc-web' : (lower.split('-')[0] ?? '');
  return PROTOCOLS[prefix] ?? 'UNKNOWN';
}

export function serviceHostname(name: string, namespace: string, domainSuffix: string): string {
  return `${name}.${namespace}.svc.${domainSuffix}`;
}

export type Converted<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: RegistryProblem };

const objectName = (kind: string, ns: string | undefined, name: string | undefined): string => `${kind}/${ns ?? ''}/${name ?? ''}`;

/** One Kubernetes Service; a Service without ports or without a name is a problem, not a crash. */
export function fromService(service: V1Service, domainSuffix: string): Converted<RegistryService> {
  const meta = service.metadata ?? {};
  const object = objectName('Service', meta.namespace, meta.name);
  if (meta.name === undefined || meta.namespace === undefined) return { ok: false, problem: { object, message: 'metadata.name and metadata.namespace are required' } };
  const spec = service.spec ?? {};
  if (spec.type === 'ExternalName') return { ok: false, problem: { object, message: 'ExternalName services are not supported' } };
  const ports: ServicePort[] = [];
  for (const p of spec.ports ?? []) {
    if (p.protocol !== undefined && p.protocol !== 'TCP') continue;
    const target = p.targetPort ?? p.port;
    const targetPort = typeof target === 'string' && /^\d+$/.test(target) ? Number(target) : target;
    ports.push({ name: p.name ?? '', port: p.port, targetPort, protocol: portProtocol(p.name, p.appProtocol) });
  }
  if (ports.length === 0) return { ok: false, problem: { object, message: 'service has no TCP ports' } };
  ports.sort((a, b) => a.port - b.port);
  const clusterIps = (spec.clusterIPs ?? (spec.clusterIP === undefined ? [] : [spec.clusterIP])).filter((ip) => ip !== '' && ip !== 'None');
  const exportAnnotation = meta.annotations?.['networking.istio.io/exportTo'];
  return {
    ok: true,
    value: {
      hostname: serviceHostname(meta.name, meta.namespace, domainSuffix),
      namespace: meta.namespace,
      name: meta.name,
      origin: 'kubernetes',
      addresses: clusterIps,
      ports,
      resolution: clusterIps.length === 0 ? 'Passthrough' : 'ClientSideLB',
      location: 'MESH_INTERNAL',
      selector: spec.selector ?? {},
      exportTo: exportAnnotation === undefined ? ['*'] : exportAnnotation.split(',').map((s) => s.trim()).sort(),
    },
  };
}

/** `ready` → HEALTHY; serving while terminating → DRAINING; anything else → UNHEALTHY. */
export function endpointHealth(conditions: { ready?: boolean; serving?: boolean; terminating?: boolean } | undefined): EndpointHealth {
  if (conditions?.terminating === true) return conditions.serving === true ? 'DRAINING' : 'UNHEALTHY';
  if (conditions?.ready ?? true) return 'HEALTHY';
  return 'UNHEALTHY';
}

/** Locality from the `istio-locality` label (`region.zone.subzone`), else the topology labels / slice zone. */
export function podLocality(labels: Readonly<Record<string, string>>, sliceZone: string | undefined): Locality {
  const istio = labels['istio-locality'];
  if (istio !== undefined) {
    const [region = '', zone = '', subZone = ''] = istio.split('.');
    return { region, zone, subZone };
  }
  return {
    region: labels['topology.kubernetes.io/region'] ?? '',
    zone: sliceZone ?? labels['topology.kubernetes.io/zone'] ?? '',
    subZone: labels['topology.istio.io/subzone'] ?? '',
  };
}

export interface PodInfo {
  readonly labels: Readonly<Record<string, string>>;
  readonly ip: string | undefined;
}

export function indexPods(pods: readonly V1Pod[]): ReadonlyMap<string, PodInfo> {
  const index = new Map<string, PodInfo>();
  for (const pod of pods) {
    const meta = pod.metadata;
    if (meta?.name === undefined || meta.namespace === undefined) continue;
    index.set(`${meta.namespace}/${meta.name}`, { labels: meta.labels ?? {}, ip: pod.status?.podIP });
  }
  return index;
}

/**
 * The endpoints one EndpointSlice contributes to `service`: every address × every slice port that
 * matches a service port by name (EndpointSlice ports carry the resolved target port number).
 */
export function fromEndpointSlice(slice: V1EndpointSlice, service: RegistryService, pods: ReadonlyMap<string, PodInfo>): RegistryEndpoint[] {
  if (slice.addressType === 'FQDN') return [];
  const out: RegistryEndpoint[] = [];
  // Per slice endpoint, what every port shares (labels, locality, health, workload): computed once, not per port.
  let shared: EndpointFacts[] | undefined;
  for (const slicePort of slice.ports ?? []) {
    if (slicePort.port === undefined || (slicePort.protocol !== undefined && slicePort.protocol !== 'TCP')) continue;
    const servicePort = service.ports.find((p) => p.name === (slicePort.name ?? ''));
    if (servicePort === undefined) continue;
    shared ??= (slice.endpoints ?? []).map((endpoint) => endpointFacts(endpoint, service.namespace, pods));
    for (const facts of shared) {
      for (const address of facts.addresses) {
        out.push({
          address,
          servicePort: servicePort.port,
          port: slicePort.port,
          labels: facts.labels,
          locality: facts.locality,
          health: facts.health,
          weight: 1,
          workload: facts.workload ?? `Address/${address}`,
        });
      }
    }
  }
  return out;
}

/**
 * A mesh has a handful of localities: endpoints share one frozen object per locality (plain data,
 * never mutated) instead of one each, which saves the GC copying thousands of them.
 */
const localities = new Map<string, Locality>();

function sharedLocality(l: Locality): Locality {
  const key = `${l.region}\u0000${l.zone}\u0000${l.subZone}`;
  const known = localities.get(key);
  if (known !== undefined) return known;
  const frozen = Object.freeze(l);
  if (localities.size < 10_000) localities.set(key, frozen);
  return frozen;
}

interface EndpointFacts {
  readonly addresses: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly locality: Locality;
  readonly health: EndpointHealth;
  /** undefined without a targetRef (the workload is then named by address). */
  readonly workload: string | undefined;
}

function endpointFacts(endpoint: V1Endpoint, serviceNamespace: string, pods: ReadonlyMap<string, PodInfo>): EndpointFacts {
  const ref = endpoint.targetRef;
  const pod = ref?.kind === 'Pod' ? pods.get(`${ref.namespace ?? serviceNamespace}/${ref.name ?? ''}`) : undefined;
  const labels = pod?.labels ?? {};
  return {
    addresses: endpoint.addresses,
    labels,
    locality: sharedLocality(podLocality(labels, endpoint.zone)),
    health: endpointHealth(endpoint.conditions),
    workload: ref === undefined ? undefined : `${ref.kind ?? 'Pod'}/${ref.namespace ?? serviceNamespace}/${ref.name ?? ''}`,
  };
}

export function namespaceNames(namespaces: readonly V1Namespace[]): string[] {
  return namespaces.flatMap((n) => (n.metadata?.name === undefined ? [] : [n.metadata.name])).sort();
}
