/**
 * The MeshControlPlane API (mesh.weft.dev/v1alpha1), as the operator reads it. Every spec field is
 * optional here: the CRD defaults most of them, but the operator never relies on that (an object
 * stored before a default existed lacks it), so `resolveSpec` fills the rest.
 */
import type { V1Affinity, V1EnvVar, V1ResourceRequirements, V1Toleration } from '@kubernetes/client-node';
import type { Condition } from '../status/conditions.ts';

export const MCP_GROUP = 'mesh.weft.dev';
export const MCP_VERSION = 'v1alpha1';
export const MCP_API_VERSION = `${MCP_GROUP}/${MCP_VERSION}`;
export const MCP_KIND = 'MeshControlPlane';
export const MCP_PLURAL = 'meshcontrolplanes';

export const OUTBOUND_TRAFFIC_MODES = ['ALLOW_ANY', 'REGISTRY_ONLY'] as const;
export type OutboundTrafficMode = (typeof OUTBOUND_TRAFFIC_MODES)[number];

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export interface AutoscalingSpec {
  readonly enabled?: boolean;
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  readonly targetCPUUtilizationPercentage?: number;
}

export interface PodPlacementSpec {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly V1Toleration[];
  readonly affinity?: V1Affinity;
}

export interface PilotSpec extends PodPlacementSpec {
  readonly replicas?: number;
  readonly resources?: V1ResourceRequirements;
  readonly env?: readonly V1EnvVar[];
  readonly autoscaling?: AutoscalingSpec;
}

export interface GatewayServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort?: number;
  readonly protocol?: 'TCP' | 'UDP';
  readonly nodePort?: number;
}

export interface GatewayServiceSpec {
  readonly type?: ServiceType;
  readonly ports?: readonly GatewayServicePort[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface GatewaySpec extends PodPlacementSpec {
  readonly name: string;
  readonly enabled?: boolean;
  readonly replicas?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly resources?: V1ResourceRequirements;
  readonly autoscaling?: AutoscalingSpec;
  readonly service?: GatewayServiceSpec;
}

export interface MeshConfigSpec {
  readonly outboundTrafficPolicy?: { readonly mode?: OutboundTrafficMode };
  readonly trustDomain?: string;
  readonly accessLogFile?: string;
}

/** Image overrides; unset fields come from the operator's own configuration. */
export interface ImageSpec {
  /** Full image reference of the control plane (runs `weft discovery`). */
  readonly pilot?: string;
  /** Full image reference of the gateways' Envoy. */
  readonly proxy?: string;
  readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

export interface MeshControlPlaneSpec {
  readonly namespace?: string;
  readonly version?: string;
  readonly revision?: string;
  readonly images?: ImageSpec;
  readonly meshConfig?: MeshConfigSpec;
  readonly components?: {
    readonly pilot?: PilotSpec;
    readonly ingressGateways?: readonly GatewaySpec[];
    readonly egressGateways?: readonly GatewaySpec[];
  };
}

export interface ComponentStatus {
  readonly name: string;
  readonly kind: string;
  readonly desiredReplicas: number;
  readonly readyReplicas: number;
}

export interface MeshControlPlaneStatus {
  readonly observedGeneration?: number;
  readonly conditions?: readonly Condition[];
  readonly components?: readonly ComponentStatus[];
  /** The revision and version the children were last rendered for (printer columns). */
  readonly revision?: string;
  readonly version?: string;
}

export interface MeshControlPlane {
  readonly apiVersion: typeof MCP_API_VERSION;
  readonly kind: typeof MCP_KIND;
  readonly metadata: {
    readonly name: string;
    readonly uid?: string;
    readonly generation?: number;
    readonly resourceVersion?: string;
    readonly creationTimestamp?: string;
    readonly deletionTimestamp?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: MeshControlPlaneSpec;
  readonly status?: MeshControlPlaneStatus;
}
