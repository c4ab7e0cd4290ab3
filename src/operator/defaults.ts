/**
 * Turns a MeshControlPlane spec into a fully resolved one (every default filled in) and reports what
 * is wrong with it beyond what the CRD schema and CEL rules already refuse at apply time.
 */
import type { V1Affinity, V1EnvVar, V1ResourceRequirements, V1Toleration } from '@kubernetes/client-node';
import type { AutoscalingSpec, GatewaySpec, MeshControlPlane, OutboundTrafficMode, ServiceType } from './types.ts';

export const DEFAULT_NAMESPACE = 'weft-system';
/** Pinned Envoy for the gateways; bump deliberately (and the golden files with it). */
export const DEFAULT_PROXY_IMAGE = 'docker.io/envoyproxy/envoy:v1.36.2';
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

/** Operator-level settings the spec may override. */
export interface RenderOptions {
  /** The Weft image (its entrypoint is `weft`). */
  readonly pilotImage: string;
  readonly proxyImage?: string;
  /** The operator's own version: the default `spec.version`. */
  readonly version: string;
}

export type GatewayKind = 'ingress' | 'egress';

export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCPUUtilizationPercentage: number;
}

export interface ResolvedPlacement {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly V1Toleration[];
  readonly affinity?: V1Affinity;
}

export interface ResolvedPort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly nodePort?: number;
}

export interface ResolvedGateway {
  readonly name: string;
  readonly kind: GatewayKind;
  readonly replicas: number;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly resources: V1ResourceRequirements;
  readonly autoscaling?: ResolvedAutoscaling;
  readonly placement: ResolvedPlacement;
  readonly service: { readonly type: ServiceType; readonly ports: readonly ResolvedPort[]; readonly annotations: Readonly<Record<string, string>> };
}

export interface ResolvedSpec {
  readonly namespace: string;
  /** '' for the default revision. */
  readonly revision: string;
  readonly version: string;
  readonly images: { readonly pilot: string; readonly proxy: string; readonly pullPolicy: 'Always' | 'IfNotPresent' | 'Never' };
  readonly meshConfig: { readonly outboundTrafficMode: OutboundTrafficMode; readonly trustDomain: string; readonly accessLogFile: string };
  readonly pilot: {
    readonly replicas: number;
    readonly resources: V1ResourceRequirements;
    readonly env: readonly V1EnvVar[];
    readonly autoscaling?: ResolvedAutoscaling;
    readonly placement: ResolvedPlacement;
  };
  /** Enabled gateways only, sorted by name. */
  readonly gateways: readonly ResolvedGateway[];
}

/** Labels and annotations Argo CD uses for tracking; they must never reach a child. */
export const ARGO_TRACKING_LABELS: readonly string[] = ['app.kubernetes.io/instance'];
export const isArgoTrackingKey = (key: string): boolean => ARGO_TRACKING_LABELS.includes(key) || key.startsWith('argocd.argoproj.io/');

const PILOT_RESOURCES: V1ResourceRequirements = { requests: { cpu: '100m', memory: '256Mi' } };
const GATEWAY_RESOURCES: V1ResourceRequirements = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } };
const DEFAULT_GATEWAY_PORTS: readonly ResolvedPort[] = [
  { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
  { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
];

function resolveAutoscaling(spec: AutoscalingSpec | undefined, replicas: number): ResolvedAutoscaling | undefined {
  if (spec === undefined || spec.enabled === false) return undefined;
  const minReplicas = spec.minReplicas ?? Math.max(1, replicas);
  return { minReplicas, maxReplicas: spec.maxReplicas ?? Math.max(5, minReplicas), targetCPUUtilizationPercentage: spec.targetCPUUtilizationPercentage ?? 80 };
}

function resolvePlacement(spec: { nodeSelector?: Readonly<Record<string, string>>; tolerations?: readonly V1Toleration[]; affinity?: V1Affinity }): ResolvedPlacement {
  return {
    ...(spec.nodeSelector !== undefined ? { nodeSelector: spec.nodeSelector } : {}),
    ...(spec.tolerations !== undefined ? { tolerations: spec.tolerations } : {}),
    ...(spec.affinity !== undefined ? { affinity: spec.affinity } : {}),
  };
}

/** Istio's convention: privileged service ports map to port + 8000 so Envoy runs without root. */
const defaultTargetPort = (port: number): number => (port < 1024 ? port + 8000 : port);

function resolveGateway(spec: GatewaySpec, kind: GatewayKind, revision: string): ResolvedGateway {
  const replicas = spec.replicas ?? 1;
  const autoscaling = resolveAutoscaling(spec.autoscaling, replicas);
  const userLabels = Object.fromEntries(Object.entries(spec.labels ?? {}).filter(([k]) => !isArgoTrackingKey(k)));
  const ports = spec.service?.ports?.map((p) => ({
    name: p.name,
    port: p.port,
    targetPort: p.targetPort ?? defaultTargetPort(p.port),
    protocol: p.protocol ?? 'TCP',
    ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
  }));
  return {
    name: spec.name,
    kind,
    replicas,
    podLabels: { istio: `${kind}gateway`, ...userLabels, app: spec.name, 'istio.io/rev': revision === '' ? 'default' : revision },
    resources: spec.resources ?? GATEWAY_RESOURCES,
    ...(autoscaling !== undefined ? { autoscaling } : {}),
    placement: resolvePlacement(spec),
    service: {
      type: spec.service?.type ?? (kind === 'ingress' ? 'LoadBalancer' : 'ClusterIP'),
      ports: ports ?? DEFAULT_GATEWAY_PORTS,
      annotations: spec.service?.annotations ?? {},
    },
  };
}

export function resolveSpec(mcp: MeshControlPlane, options: RenderOptions): ResolvedSpec {
  const spec = mcp.spec ?? {};
  const revision = spec.revision ?? '';
  const pilot = spec.components?.pilot ?? {};
  const pilotReplicas = pilot.replicas ?? 1;
  const pilotAutoscaling = resolveAutoscaling(pilot.autoscaling, pilotReplicas);
  const gateways = [
    ...(spec.components?.ingressGateways ?? []).map((g) => ({ g, kind: 'ingress' as const })),
    ...(spec.components?.egressGateways ?? []).map((g) => ({ g, kind: 'egress' as const })),
  ]
    .filter(({ g }) => g.enabled !== false)
    .map(({ g, kind }) => resolveGateway(g, kind, revision))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    namespace: spec.namespace ?? DEFAULT_NAMESPACE,
    revision,
    version: spec.version ?? options.version,
    images: {
      pilot: spec.images?.pilot ?? options.pilotImage,
      proxy: spec.images?.proxy ?? options.proxyImage ?? DEFAULT_PROXY_IMAGE,
      pullPolicy: spec.images?.pullPolicy ?? 'IfNotPresent',
    },
    meshConfig: {
      outboundTrafficMode: spec.meshConfig?.outboundTrafficPolicy?.mode ?? 'ALLOW_ANY',
      trustDomain: spec.meshConfig?.trustDomain ?? DEFAULT_TRUST_DOMAIN,
      accessLogFile: spec.meshConfig?.accessLogFile ?? '',
    },
    pilot: {
      replicas: pilotReplicas,
      resources: pilot.resources ?? PILOT_RESOURCES,
      env: pilot.env ?? [],
      ...(pilotAutoscaling !== undefined ? { autoscaling: pilotAutoscaling } : {}),
      placement: resolvePlacement(pilot),
    },
    gateways,
  };
}
