/**
 * The service registry: what the mesh knows about services and their endpoints, built from
 * Kubernetes objects (Services, EndpointSlices, Pods, Namespaces) and from ServiceEntry /
 * WorkloadEntry. Plain, sorted, YAML-serializable data; no Kubernetes or Istio API types.
 */

/** Istio's protocol of a service port (from the port name prefix or appProtocol). */
export type Protocol = 'HTTP' | 'HTTP2' | 'GRPC' | 'HTTPS' | 'TLS' | 'TCP' | 'UNKNOWN';

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  /** Numeric target port, or the named container port (resolved per endpoint). */
  readonly targetPort: number | string;
  readonly protocol: Protocol;
}

/** How clients find the endpoints (Istio's `model.Resolution`). */
export type Resolution = 'ClientSideLB' | 'DNSLB' | 'Passthrough';

export interface RegistryService {
  /** FQDN: `name.ns.svc.cluster.local` for Kubernetes, the ServiceEntry host otherwise. */
  readonly hostname: string;
  readonly namespace: string;
  /** Kubernetes name, or the ServiceEntry's name. */
  readonly name: string;
  readonly origin: 'kubernetes' | 'serviceentry';
  /** Cluster IPs / ServiceEntry addresses; empty for headless services. */
  readonly addresses: readonly string[];
  readonly ports: readonly ServicePort[];
  readonly resolution: Resolution;
  readonly location: 'MESH_INTERNAL' | 'MESH_EXTERNAL';
  /** Pod selector (Kubernetes) or workloadSelector (ServiceEntry); empty when none. */
  readonly selector: Readonly<Record<string, string>>;
  /** Namespaces that see it: `*` (all), or names. */
  readonly exportTo: readonly string[];
}

export type EndpointHealth = 'HEALTHY' | 'UNHEALTHY' | 'DRAINING';

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

export interface RegistryEndpoint {
  /** IP address, or a DNS name for DNS-resolved ServiceEntries. */
  readonly address: string;
  /** The service port this endpoint serves. */
  readonly servicePort: number;
  /** The port to connect to. */
  readonly port: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly locality: Locality;
  readonly health: EndpointHealth;
  readonly weight: number;
  /** `Pod/ns/name`, `WorkloadEntry/ns/name` or `ServiceEntry/ns/name`. */
  readonly workload: string;
}

export type OutboundTrafficPolicy = 'ALLOW_ANY' | 'REGISTRY_ONLY';

export interface MeshSettings {
  readonly outboundTrafficPolicy: OutboundTrafficPolicy;
  readonly trustDomain: string;
  /** `cluster.local`. */
  readonly domainSuffix: string;
  readonly connectTimeoutMs: number;
  /** Namespace whose Sidecar without selector is the mesh default. */
  readonly rootNamespace: string;
  /** MeshConfig.accessLogFile: Envoy HTTP access log path (`/dev/stdout`); empty for none. */
  readonly accessLogFile: string;
}

export const DEFAULT_MESH: MeshSettings = {
  outboundTrafficPolicy: 'ALLOW_ANY',
  trustDomain: 'cluster.local',
  domainSuffix: 'cluster.local',
  connectTimeoutMs: 10_000,
  rootNamespace: 'istio-system',
  accessLogFile: '',
};

export interface TlsSecret {
  readonly namespace: string;
  readonly name: string;
  readonly certificate: string;
  readonly privateKey: string;
  readonly caCertificate?: string;
}

export interface Registry {
  readonly mesh: MeshSettings;
  /** Sorted by hostname, then namespace. */
  readonly services: readonly RegistryService[];
  /** Endpoints per service key (`hostname/namespace`), sorted by address then port. */
  readonly endpoints: ReadonlyMap<string, readonly RegistryEndpoint[]>;
  readonly namespaces: readonly string[];
  /** TLS Secrets that gateways may reference by credentialName. */
  readonly secrets: readonly TlsSecret[];
}

/** The key of a service in `Registry.endpoints`. */
export function serviceKey(service: Pick<RegistryService, 'hostname' | 'namespace'>): string {
  return `${service.hostname}/${service.namespace}`;
}

/** A problem found while building the registry: the object is skipped (or partly used), the rest goes on. */
export interface RegistryProblem {
  readonly object: string;
  readonly message: string;
}
