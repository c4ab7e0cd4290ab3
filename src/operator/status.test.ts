import { describe, expect, it } from 'vitest';
import { resolveSpec } from './defaults.ts';
import { computeStatus, deploymentProblem, type ObservedDeployment, type ReconcileReport } from './status.ts';
import type { MeshControlPlane } from './types.ts';

const NOW = new Date('2026-11-22T03:00:00Z');
const mcp: MeshControlPlane = {
  apiVersion: 'mesh.weft.dev/v1alpha1',
  kind: 'MeshControlPlane',
  metadata: { name: 'default', uid: 'u1', generation: 3 },
  spec: { components: { ingressGateways: [{ name: 'istio-ingressgateway' }], egressGateways: [{ name: 'istio-egressgateway', enabled: false }] } },
};
const spec = resolveSpec(mcp, { pilotImage: 'weft', version: '0.1.0' });

function deployment(name: string, replicas: number, available: number, extra: Partial<NonNullable<ObservedDeployment['status']>> = {}): ObservedDeployment {
  return {
    metadata: { name, namespace: 'weft-system', generation: 2 },
    spec: { replicas },
    status: {
      observedGeneration: 2,
      replicas,
      readyReplicas: available,
      availableReplicas: available,
      updatedReplicas: replicas,
      conditions: [{ type: 'Available', status: available >= replicas ? 'True' : 'False' }],
      ...extra,
    },
  };
}

const byName = (...ds: ObservedDeployment[]): Map<string, ObservedDeployment> => new Map(ds.map((d) => [d.metadata.name, d]));
const applied: ReconcileReport = { type: 'applied' };

describe('deploymentProblem', () => {
  const istiod = { name: 'istiod', role: 'istiod' as const };
  const gw = { name: 'gw', role: 'gateway' as const };
  it.each([
    ['missing', undefined, gw, 'Deployment not found'],
    ['available', deployment('gw', 2, 2), gw, undefined],
    ['one of two', deployment('gw', 2, 1), gw, '1/2 replicas available'],
    ['gateway at zero', deployment('gw', 0, 0), gw, undefined],
    ['istiod at zero', deployment('istiod', 0, 0), istiod, 'scaled to zero replicas'],
    ['stale generation', { ...deployment('gw', 1, 1), metadata: { name: 'gw', generation: 5 } }, gw, 'rollout not observed yet'],
    [
      'never schedulable',
      deployment('gw', 1, 0, { conditions: [{ type: 'Available', status: 'False' }, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "gw-1" has timed out progressing.' }] }),
      gw,
      '0/1 replicas available (ProgressDeadlineExceeded: ReplicaSet "gw-1" has timed out progressing.)',
    ],
    ['old pods still rolling', deployment('gw', 2, 2, { updatedReplicas: 1 }), gw, '2/2 replicas available'],
  ])('%s → %s', (_n, d, c, expected) => {
    expect(deploymentProblem(d, c)).toBe(expected);
  });
});

describe('computeStatus', () => {
  it('is Ready when istiod and every enabled gateway is available', () => {
    const status = computeStatus({ mcp, spec, report: applied, deployments: byName(deployment('istiod', 1, 1), deployment('istio-ingressgateway', 1, 1)), now: NOW });
    expect(status.observedGeneration).toBe(3);
    expect(status.conditions).toEqual([
      { type: 'Ready', status: 'True', reason: 'ComponentsReady', message: 'istiod and all enabled gateways are available', observedGeneration: 3, lastTransitionTime: '2026-11-22T03:00:00Z' },
      { type: 'Reconciled', status: 'True', reason: 'Applied', message: 'all children are applied', observedGeneration: 3, lastTransitionTime: '2026-11-22T03:00:00Z' },
    ]);
    expect(status.components).toEqual([
      { name: 'istio-ingressgateway', kind: 'Deployment', desiredReplicas: 1, readyReplicas: 1 },
      { name: 'istiod', kind: 'Deployment', desiredReplicas: 1, readyReplicas: 1 },
    ]);
    expect(status.revision).toBe('default');
    expect(status.version).toBe('0.1.0');
  });

  it.each([
    ['gateway missing', byName(deployment('istiod', 1, 1)), 'GatewaysNotReady', 'istio-ingressgateway: Deployment not found'],
    ['istiod not ready', byName(deployment('istiod', 1, 0), deployment('istio-ingressgateway', 1, 1)), 'IstiodNotReady', 'istiod: 0/1 replicas available'],
    ['both', byName(deployment('istiod', 1, 0)), 'IstiodNotReady', 'istio-ingressgateway: Deployment not found; istiod: 0/1 replicas available'],
  ])('%s → Ready=False %s', (_n, deployments, reason, message) => {
    const ready = computeStatus({ mcp, spec, report: applied, deployments, now: NOW }).conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason, message });
  });

  it.each([
    ['InvalidSpec', 'gateway name "istiod" is reserved'],
    ['NamespaceConflict', 'namespace weft-system is already managed by MeshControlPlane a'],
  ] as const)('reports %s in Reconciled and Ready', (reason, message) => {
    const status = computeStatus({ mcp, spec: undefined, report: { type: 'failed', reason, message }, deployments: new Map(), now: NOW });
    expect(status.conditions?.find((c) => c.type === 'Reconciled')).toMatchObject({ status: 'False', reason, message });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason, message: `not reconciled: ${message}` });
    expect(status.components).toEqual([]);
  });

  it('keeps lastTransitionTime while nothing changes, so a recomputed status equals the stored one', () => {
    const deployments = byName(deployment('istiod', 1, 1), deployment('istio-ingressgateway', 1, 1));
    const first = computeStatus({ mcp, spec, report: applied, deployments, now: NOW });
    const later = computeStatus({ mcp: { ...mcp, status: first }, spec, report: applied, deployments, now: new Date('2026-11-22T04:00:00Z') });
    expect(later).toEqual(first);
  });

  it('moves lastTransitionTime of Ready only when it flips', () => {
    const good = byName(deployment('istiod', 1, 1), deployment('istio-ingressgateway', 1, 1));
    const first = computeStatus({ mcp, spec, report: applied, deployments: good, now: NOW });
    const flipped = computeStatus({ mcp: { ...mcp, status: first }, spec, report: applied, deployments: byName(deployment('istiod', 1, 1)), now: new Date('2026-11-22T04:00:00Z') });
    expect(flipped.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2026-11-22T04:00:00Z');
    expect(flipped.conditions?.find((c) => c.type === 'Reconciled')?.lastTransitionTime).toBe('2026-11-22T03:00:00Z');
  });
});
