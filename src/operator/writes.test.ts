import { describe, expect, it } from 'vitest';
import { KubeRequestError } from '../kube/apply.ts';
import { applyTiers, errorText } from './writes.ts';
import type { KubeObject } from './render/common.ts';

const o = (kind: string, name = kind.toLowerCase()): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name } });

describe('applyTiers', () => {
  it.each([
    ['install order', ['Deployment', 'Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Service', 'PodDisruptionBudget'], [['Namespace'], ['ServiceAccount', 'ClusterRole', 'ConfigMap'], ['ClusterRoleBinding'], ['Deployment', 'Service', 'PodDisruptionBudget']]],
    ['no namespace', ['HorizontalPodAutoscaler', 'RoleBinding', 'Role'], [['Role'], ['RoleBinding'], ['HorizontalPodAutoscaler']]],
    ['empty', [], []],
  ])('%s', (_n, kinds, expected) => {
    expect(applyTiers(kinds.map((k) => o(k))).map((t) => t.map((x) => x.kind))).toEqual(expected);
  });
});

describe('errorText', () => {
  it.each([
    ['an API status body', new KubeRequestError(400, JSON.stringify({ kind: 'Status', message: '.spec.replicaz: field not declared in schema' }), 'PATCH x'), '400: .spec.replicaz: field not declared in schema'],
    ['a body that is not JSON', new KubeRequestError(502, 'bad gateway', 'PATCH x'), '502: bad gateway'],
    ['any other error', new Error('socket hang up'), 'socket hang up'],
  ])('%s', (_n, err, expected) => {
    expect(errorText(err)).toBe(expected);
  });
});
