import type { V1PodDisruptionBudget, V1PodSpec, V1SecurityContext, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { ResolvedAutoscaling, ResolvedPlacement } from '../defaults.ts';
import { childMeta, type KubeObject, type RenderContext } from './common.ts';

interface ScaledWorkload {
  readonly name: string;
  readonly component: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly replicas: number;
  readonly autoscaling?: ResolvedAutoscaling;
}

/**
 * With one replica, `minAvailable: 1` would block every node drain forever (a known Istio complaint), so
 * a single-replica workload gets `maxUnavailable: 1` and only a replicated one keeps one pod up.
 */
export function renderPdb(ctx: RenderContext, w: ScaledWorkload): V1PodDisruptionBudget & KubeObject {
  const floor = w.autoscaling?.minReplicas ?? w.replicas;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: childMeta(ctx, w.name, { namespaced: true, component: w.component }),
    spec: {
      ...(floor > 1 ? { minAvailable: 1 } : { maxUnavailable: 1 }),
      selector: { matchLabels: { ...w.selector } },
    },
  };
}

export function renderHpa(ctx: RenderContext, w: ScaledWorkload & { readonly autoscaling: ResolvedAutoscaling }): V2HorizontalPodAutoscaler & KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: childMeta(ctx, w.name, { namespaced: true, component: w.component }),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: w.name },
      minReplicas: w.autoscaling.minReplicas,
      maxReplicas: w.autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: w.autoscaling.targetCPUUtilizationPercentage } },
        },
      ],
    },
  };
}

/** PDB always, HPA when autoscaling is on. */
export function renderScaling(ctx: RenderContext, w: ScaledWorkload): KubeObject[] {
  const pdb = renderPdb(ctx, w);
  return w.autoscaling === undefined ? [pdb] : [pdb, renderHpa(ctx, { ...w, autoscaling: w.autoscaling })];
}

/** Restricted pod security for every container we run. */
export function restrictedSecurityContext(): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 1337,
    runAsGroup: 1337,
    capabilities: { drop: ['ALL'] },
  };
}

/** The pod-spec fields of a placement, copied into mutable arrays for the client's types. */
export function placementFields(p: ResolvedPlacement): Pick<V1PodSpec, 'nodeSelector' | 'tolerations' | 'affinity'> {
  return {
    ...(p.nodeSelector !== undefined ? { nodeSelector: { ...p.nodeSelector } } : {}),
    ...(p.tolerations !== undefined ? { tolerations: [...p.tolerations] } : {}),
    ...(p.affinity !== undefined ? { affinity: p.affinity } : {}),
  };
}

export const POD_ENV = [
  { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
  { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
] as const;
