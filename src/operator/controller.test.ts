import { describe, expect, it } from 'vitest';
import { applyTiers } from './controller.ts';
import type { KubeObject } from './render/common.ts';

const o = (kind: string, name = kind.toLowerCase()): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name } });

describe('applyTiers', () => {
  it.each([
    ['install order', ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Service', 'Deployment', 'PodDisruptionBudget'], [['Namespace'], ['ServiceAccount', 'ClusterRole', 'ConfigMap'], ['ClusterRoleBinding', 'Service', 'Deployment', 'PodDisruptionBudget']]],
    ['no namespace', ['Role', 'RoleBinding', 'HorizontalPodAutoscaler'], [['Role'], ['RoleBinding', 'HorizontalPodAutoscaler']]],
    ['empty', [], []],
  ])('%s', (_n, kinds, expected) => {
    expect(applyTiers(kinds.map((k) => o(k))).map((t) => t.map((x) => x.kind))).toEqual(expected);
  });
});
