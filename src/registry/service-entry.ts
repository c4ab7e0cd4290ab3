/** ServiceEntry and WorkloadEntry → registry services (one per host) and their endpoints. Pure. */
import type { ServiceEntry, WorkloadEntry, WorkloadEntrySpec } from '../model/types.ts';
import { portProtocol } from './kubernetes.ts';
import type { Locality, Protocol, RegistryEndpoint, RegistryService, Resolution, ServicePort } from './types.ts';

const PROTOCOL_NAMES: Readonly<Record<string, Protocol>> = {
  HTTP: 'HTTP',
  HTTP2: 'HTTP2',
  GRPC: 'GRPC',
  'GRPC-WEB': 'HTTP',
  HTTPS: 'HTTPS',
  TLS: 'TLS',
  TCP: 'TCP',
  MONGO: 'TCP',
  MYSQL: 'TCP',
  REDIS: 'TCP',
};

function resolutionOf(spec: ServiceEntry['spec']): Resolution {
  switch (spec.resolution) {
    case 'STATIC':
      return 'ClientSideLB';
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
    case 'DYNAMIC_DNS':
      return 'DNSLB';
    case 'NONE':
    case undefined:
      return 'Passthrough';
  }
  return 'Passthrough';
}

/** Istio writes WorkloadEntry locality as `region/zone/subzone`. */
export function parseLocality(text: string | undefined): Locality {
  const [region = '', zone = '', subZone = ''] = (text ?? '').split('/');
  return { region, zone, subZone };
}

export interface ServiceEntryOutcome {
  readonly services: RegistryService[];
  /** Endpoints per hostname of this entry. */
  readonly endpoints: Map<string, RegistryEndpoint[]>;
}

function sePorts(entry: ServiceEntry): ServicePort[] {
  return (entry.spec.ports ?? [])
    .map((p) => ({
      name: p.name ?? '',
      port: p.number ?? 0,
      targetPort: p.targetPort ?? p.number ?? 0,
      protocol: p.protocol === undefined ? portProtocol(p.name, undefined) : (PROTOCOL_NAMES[p.protocol.toUpperCase()] ?? 'UNKNOWN'),
    }))
    .filter((p) => p.port > 0)
    .sort((a, b) => a.port - b.port);
}

function labelsMatch(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function toEndpoints(workload: string, spec: WorkloadEntrySpec, ports: readonly ServicePort[]): RegistryEndpoint[] {
  const address = spec.address ?? '';
  if (address === '') return [];
  return ports.map((p) => ({
    address,
    servicePort: p.port,
    port: spec.ports?.[p.name] ?? (typeof p.targetPort === 'number' ? p.targetPort : p.port),
    labels: spec.labels ?? {},
    locality: parseLocality(spec.locality),
    health: 'HEALTHY' as const,
    weight: spec.weight ?? 1,
    workload,
  }));
}

/**
 * One ServiceEntry: every host becomes a service sharing ports and endpoints. Endpoints come
 * from `endpoints`, or from the WorkloadEntries its `workloadSelector` picks (same namespace),
 * or for DNS resolution without endpoints from the host name itself.
 */
export function fromServiceEntry(entry: ServiceEntry, workloadEntries: readonly WorkloadEntry[]): ServiceEntryOutcome {
  const { namespace, name } = entry.metadata;
  const spec = entry.spec;
  const ports = sePorts(entry);
  const resolution = resolutionOf(spec);
  const selector = spec.workloadSelector?.labels ?? {};
  const services: RegistryService[] = [];
  const endpoints = new Map<string, RegistryEndpoint[]>();
  const listed = (spec.endpoints ?? []).flatMap((e) => toEndpoints(`ServiceEntry/${namespace}/${name}`, e, ports));
  const selected = spec.workloadSelector === undefined
    ? []
    : workloadEntries
        .filter((w) => w.metadata.namespace === namespace && labelsMatch(selector, w.spec.labels ?? {}))
        .flatMap((w) => toEndpoints(`WorkloadEntry/${namespace}/${w.metadata.name}`, w.spec, ports));
  for (const host of [...(spec.hosts ?? [])].sort()) {
    services.push({
      hostname: host,
      namespace,
      name,
      origin: 'serviceentry',
      addresses: [...(spec.addresses ?? [])].sort(),
      ports,
      resolution,
      location: spec.location ?? 'MESH_EXTERNAL',
      selector,
      exportTo: spec.exportTo === undefined || spec.exportTo.length === 0 ? ['*'] : [...spec.exportTo].map((e) => (e === '.' ? namespace : e)).sort(),
    });
    const own = [...listed, ...selected];
    const dnsSelf = resolution === 'DNSLB' && own.length === 0 && !host.startsWith('*') ? toEndpoints(`ServiceEntry/${namespace}/${name}`, { address: host }, ports) : [];
    endpoints.set(host, [...own, ...dnsSelf]);
  }
  return { services, endpoints };
}
