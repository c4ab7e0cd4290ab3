import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApplyMemo } from './apply-memo.ts';
import { KubeRequestError } from '../kube/apply.ts';
import { applyTiers, createWritePorts, errorText } from './writes.ts';
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

describe('createWritePorts without the Lease or with nothing to write', () => {
  const kc = new KubeConfig();
  // Nothing listens here: any request would fail with a connection error, not the expected result.
  kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'weft-system' } };
  const setup = (canWrite: boolean, memoed: boolean) => {
    const writes: string[] = [];
    const memo = createApplyMemo();
    if (memoed) memo.applied(cm, '7');
    const ports = createWritePorts({ kc, log: pino({ level: 'silent' }), memo, canWrite: () => canWrite, countWrite: (v) => writes.push(v), cachedResourceVersion: () => '7' });
    return { ports, writes };
  };

  it.each([
    ['apply', (p: ReturnType<typeof setup>['ports']) => p.apply([cm])],
    ['create', (p: ReturnType<typeof setup>['ports']) => p.create(cm)],
    ['delete', (p: ReturnType<typeof setup>['ports']) => p.delete(cm)],
  ])('%s sends nothing once the Lease may be lost', async (_verb, call) => {
    const { ports, writes } = setup(false, false);
    expect(JSON.stringify(await call(ports))).toContain('no longer holds the leader Lease');
    ports.recordEvent({ apiVersion: 'mesh.weft.dev/v1alpha1', kind: 'MeshControlPlane', metadata: { name: 'm' } }, 'Normal', 'R', 'm');
    expect(writes).toEqual([]);
  });

  it('apply skips a child unchanged since the last apply at the cached resourceVersion', async () => {
    const { ports, writes } = setup(true, true);
    expect(await ports.apply([cm])).toEqual({ ok: true });
    expect(writes).toEqual([]);
  });
});
