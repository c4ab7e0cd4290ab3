/**
 * Least-privilege RBAC for `weft discovery`: cluster-wide reads of what it translates, writes only to
 * the status of the Istio kinds it reports on and to the caBundle of its own webhook configurations;
 * everything else (leases, its ConfigMaps, gateway TLS Secrets, the webhook CA Secret, Events) stays
 * inside its namespace.
 */
import type { V1PolicyRule } from '@kubernetes/client-node';
import { childMeta, revisioned, type KubeObject, type RenderContext } from './common.ts';

const READ = ['get', 'list', 'watch'];
/** `weft discovery --webhook-ca-secret`'s default. */
export const WEBHOOK_CA_SECRET = 'weft-webhook-ca';

/** The networking.istio.io kinds Weft serves (the CRDs in crds/), each with a status subresource. */
export const ISTIO_NETWORKING_RESOURCES = ['destinationrules', 'gateways', 'serviceentries', 'sidecars', 'virtualservices', 'workloadentries'] as const;

export function discoveryClusterRules(namespace: string, revision: string): V1PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['namespaces', 'nodes', 'pods', 'services'], verbs: [...READ] },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: [...READ] },
    { apiGroups: ['networking.istio.io'], resources: [...ISTIO_NETWORKING_RESOURCES], verbs: [...READ] },
    { apiGroups: ['networking.istio.io'], resources: ISTIO_NETWORKING_RESOURCES.map((r) => `${r}/status`), verbs: ['patch', 'update'] },
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'], verbs: [...READ] },
    {
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['validatingwebhookconfigurations'],
      resourceNames: [revisioned('istio-validator', revision) + `-${namespace}`],
      verbs: ['get', 'patch', 'update'],
    },
    {
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['mutatingwebhookconfigurations'],
      resourceNames: [revisioned('istio-sidecar-injector', revision) + `-${namespace}`],
      verbs: ['patch', 'update'],
    },
    // Sidecars and gateways authenticate to istiod:15012 with their service-account tokens.
    { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  ];
}

export function discoveryNamespaceRules(): V1PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['configmaps'], verbs: [...READ, 'create', 'update', 'patch'] },
    { apiGroups: [''], resources: ['secrets'], verbs: [...READ] },
    // The webhook CA (src/webhook/ca-secret.ts): created by the first replica, replaced when unusable.
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: [WEBHOOK_CA_SECRET], verbs: ['update'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  ];
}

export function renderRbac(ctx: RenderContext, serviceAccount: string): KubeObject[] {
  const { namespace, revision } = ctx.spec;
  const clusterName = `weft-${revisioned('istiod', revision)}-${namespace}`;
  const component = 'pilot';
  const subjects = [{ kind: 'ServiceAccount', name: serviceAccount, namespace }];
  const clusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: childMeta(ctx, clusterName, { namespaced: false, component }),
    rules: discoveryClusterRules(namespace, revision),
  };
  const clusterBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: childMeta(ctx, clusterName, { namespaced: false, component }),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
    subjects,
  };
  const roleName = revisioned('istiod', revision);
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: childMeta(ctx, roleName, { namespaced: true, component }),
    rules: discoveryNamespaceRules(),
  };
  const roleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: childMeta(ctx, roleName, { namespaced: true, component }),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
    subjects,
  };
  return [clusterRole, clusterBinding, role, roleBinding];
}

export function renderServiceAccount(ctx: RenderContext, name: string, component: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: childMeta(ctx, name, { namespaced: true, component }) };
}
