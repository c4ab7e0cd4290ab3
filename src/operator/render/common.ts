import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { isArgoTrackingKey, type ResolvedSpec } from '../defaults.ts';
import { MCP_API_VERSION, MCP_KIND, type MeshControlPlane } from '../types.ts';

/** Any object the renderer emits: enough for server-side apply. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: V1ObjectMeta & { readonly name: string };
}

export interface RenderContext {
  readonly mcp: MeshControlPlane;
  readonly spec: ResolvedSpec;
  readonly owner: V1OwnerReference;
}

export const MANAGED_BY = 'weft-operator';
export const CONTROL_PLANE_LABEL = 'mesh.weft.dev/control-plane';

export function ownerReference(mcp: MeshControlPlane): V1OwnerReference {
  const uid = mcp.metadata.uid;
  // The controller renders objects it read from the API server, which always carry a uid.
  if (uid === undefined || uid === '') throw new Error(`MeshControlPlane ${mcp.metadata.name} has no uid`);
  return { apiVersion: MCP_API_VERSION, kind: MCP_KIND, name: mcp.metadata.name, uid, controller: true, blockOwnerDeletion: true };
}

/** The labels every child carries. Never derived from the MeshControlPlane's own metadata. */
export function baseLabels(ctx: RenderContext, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/part-of': 'weft',
    [CONTROL_PLANE_LABEL]: ctx.mcp.metadata.name,
  };
}

export function childMeta(
  ctx: RenderContext,
  name: string,
  options: { readonly namespaced: boolean; readonly component: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> },
): V1ObjectMeta & { name: string } {
  const annotations = withoutArgoKeys(options.annotations ?? {});
  return {
    name,
    ...(options.namespaced ? { namespace: ctx.spec.namespace } : {}),
    labels: sortKeys(withoutArgoKeys({ ...(options.labels ?? {}), ...baseLabels(ctx, options.component) })),
    ...(Object.keys(annotations).length > 0 ? { annotations: sortKeys(annotations) } : {}),
    ownerReferences: [ctx.owner],
  };
}

export function withoutArgoKeys(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => !isArgoTrackingKey(k)));
}

export function sortKeys<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Revisioned names follow Istio: `istiod` / `istiod-canary`. */
export const revisioned = (base: string, revision: string): string => (revision === '' ? base : `${base}-${revision}`);
export const revisionLabel = (revision: string): string => (revision === '' ? 'default' : revision);

/** Apply order: what others depend on first. */
const KIND_ORDER = [
  'Namespace',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Service',
  'Deployment',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'ValidatingWebhookConfiguration',
];

const kindRank = (kind: string): number => {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.length : i;
};

export function compareObjects(a: KubeObject, b: KubeObject): number {
  const byKind = kindRank(a.kind) - kindRank(b.kind) || a.kind.localeCompare(b.kind);
  if (byKind !== 0) return byKind;
  const byNamespace = (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '');
  return byNamespace !== 0 ? byNamespace : a.metadata.name.localeCompare(b.metadata.name);
}

/** `Kind/namespace/name` (or `Kind/name` when cluster-scoped): how children are named in messages. */
export function objectRef(o: KubeObject): string {
  return o.metadata.namespace === undefined ? `${o.kind}/${o.metadata.name}` : `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
}
