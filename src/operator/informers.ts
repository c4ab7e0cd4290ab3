/**
 * The informers the MeshControlPlane controller reads from: the MeshControlPlanes, every kind of
 * child it renders (label-selected to what the operator manages, so caches stay small), and all
 * Namespaces (to tell a pre-existing namespace from one Weft created).
 */
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { makeListWatch, type ListWatchLike } from '../kube/informer.ts';
import { MANAGED_BY } from './render/common.ts';
import { MCP_GROUP, MCP_PLURAL, MCP_VERSION } from './types.ts';

export const MANAGED_SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;

export interface ChildKind {
  readonly kind: string;
  readonly apiVersion: string;
  readonly listWatch: ListWatchLike<KubernetesObject>;
}

type List = KubernetesListObject<KubernetesObject>;

const asList = (p: Promise<unknown>): Promise<List> => p as Promise<List>;

/** One ListWatch per child kind, all label-selected to the operator's own objects. */
export function childListWatches(kc: KubeConfig, onList?: (kind: string) => void): ChildKind[] {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const policy = kc.makeApiClient(PolicyV1Api);
  const autoscaling = kc.makeApiClient(AutoscalingV2Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const admission = kc.makeApiClient(AdmissionregistrationV1Api);
  const labelSelector = MANAGED_SELECTOR;
  const p = { labelSelector };
  const kinds: [string, string, string, () => Promise<List>][] = [
    ['ServiceAccount', 'v1', '/api/v1/serviceaccounts', () => asList(core.listServiceAccountForAllNamespaces(p))],
    ['ConfigMap', 'v1', '/api/v1/configmaps', () => asList(core.listConfigMapForAllNamespaces(p))],
    ['Service', 'v1', '/api/v1/services', () => asList(core.listServiceForAllNamespaces(p))],
    ['Deployment', 'apps/v1', '/apis/apps/v1/deployments', () => asList(apps.listDeploymentForAllNamespaces(p))],
    ['PodDisruptionBudget', 'policy/v1', '/apis/policy/v1/poddisruptionbudgets', () => asList(policy.listPodDisruptionBudgetForAllNamespaces(p))],
    ['HorizontalPodAutoscaler', 'autoscaling/v2', '/apis/autoscaling/v2/horizontalpodautoscalers', () => asList(autoscaling.listHorizontalPodAutoscalerForAllNamespaces(p))],
    ['Role', 'rbac.authorization.k8s.io/v1', '/apis/rbac.authorization.k8s.io/v1/roles', () => asList(rbac.listRoleForAllNamespaces(p))],
    ['RoleBinding', 'rbac.authorization.k8s.io/v1', '/apis/rbac.authorization.k8s.io/v1/rolebindings', () => asList(rbac.listRoleBindingForAllNamespaces(p))],
    ['ClusterRole', 'rbac.authorization.k8s.io/v1', '/apis/rbac.authorization.k8s.io/v1/clusterroles', () => asList(rbac.listClusterRole(p))],
    ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', () => asList(rbac.listClusterRoleBinding(p))],
    [
      'ValidatingWebhookConfiguration',
      'admissionregistration.k8s.io/v1',
      '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
      () => asList(admission.listValidatingWebhookConfiguration(p)),
    ],
  ];
  return kinds.map(([kind, apiVersion, path, list]) => ({ kind, apiVersion, listWatch: makeListWatch(kc, path, list, labelSelector, () => onList?.(kind)) }));
}

/** All Namespaces, unselected: a pre-existing one carries none of our labels. */
export function namespaceListWatch(kc: KubeConfig, onList?: (kind: string) => void): ChildKind {
  const core = kc.makeApiClient(CoreV1Api);
  return { kind: 'Namespace', apiVersion: 'v1', listWatch: makeListWatch(kc, '/api/v1/namespaces', () => asList(core.listNamespace()), undefined, () => onList?.('Namespace')) };
}

export function meshControlPlaneListWatch(kc: KubeConfig, onList?: (kind: string) => void): ListWatchLike<KubernetesObject> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const list = (): Promise<List> => asList(custom.listClusterCustomObject({ group: MCP_GROUP, version: MCP_VERSION, plural: MCP_PLURAL }));
  return makeListWatch(kc, `/apis/${MCP_GROUP}/${MCP_VERSION}/${MCP_PLURAL}`, list, undefined, () => onList?.('MeshControlPlane'));
}
