/**
 * Acceptance 6, invalid specs: what the CRD's CEL rules can judge is refused by `kubectl apply`
 * (non-zero exit, the rule's message); the rest is reported in the Reconciled condition with a
 * precise reason, and the running operator never crashes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeshControlPlaneSpec } from '../../src/operator/types.ts';
import { clients, eventually } from './support/kube.ts';
import { applyMcp, applyMcpOk, conditionFor, deleteMcp, installSpec, metricSum, startOperator, suffix, type InProcessOperator } from './support/operator.ts';

const c = clients();
const id = suffix();
const created: string[] = [];
let operator: InProcessOperator;

beforeAll(() => {
  operator = startOperator(c);
});

afterAll(async () => {
  for (const name of created) await deleteMcp(name);
  await operator.stop();
});

const gateway = (extra: Record<string, unknown>): Record<string, unknown> => ({ name: 'istio-ingressgateway', enabled: true, ...extra });
const withIngress = (namespace: string, g: Record<string, unknown>): unknown => ({ ...installSpec(namespace), components: { ...installSpec(namespace).components, ingressGateways: [g] } });

describe('refused at apply time by the CRD (CEL)', () => {
  it.each([
    ['a namespace reserved for Kubernetes', { ...installSpec('kube-system') }, 'namespace is reserved for Kubernetes'],
    ['a gateway named like the control plane', withIngress('cel-ns', gateway({ name: 'istiod' })), 'gateway name is reserved for the control plane'],
    [
      'the same gateway name in ingressGateways and egressGateways',
      { ...installSpec('cel-ns'), components: { ingressGateways: [{ name: 'gw' }], egressGateways: [{ name: 'gw' }] } },
      'gateway names must be unique across ingressGateways and egressGateways',
    ],
    ['autoscaling minReplicas above maxReplicas', withIngress('cel-ns', gateway({ autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 2 } })), 'autoscaling.minReplicas must not exceed autoscaling.maxReplicas'],
    ['a nodePort on a ClusterIP Service', withIngress('cel-ns', gateway({ service: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }] } })), 'nodePort needs service type NodePort or LoadBalancer'],
    [
      'two Service ports with one name',
      withIngress('cel-ns', gateway({ service: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'http', port: 81, targetPort: 8081 }] } })),
      'service port names must be unique',
    ],
  ])('%s', async (_case, spec, message) => {
    const name = `cel-${id}`;
    const result = await applyMcp(name, spec);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
  });

  it('a change of spec.namespace on an existing MeshControlPlane', async () => {
    const name = `immutable-${id}`;
    created.push(name);
    await applyMcpOk(name, { ...installSpec(`mesh-immutable-${id}`), components: { pilot: { replicas: 1 } } });
    const result = await applyMcp(name, { ...installSpec(`mesh-moved-${id}`), components: { pilot: { replicas: 1 } } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('namespace is immutable');
  });
});

describe('reported in conditions at reconcile time', () => {
  it('a second MeshControlPlane claiming the same namespace gets Reconciled=False NamespaceConflict; the first stays Reconciled', async () => {
    const namespace = `mesh-shared-${id}`;
    const first = `first-${id}`;
    const second = `second-${id}`;
    created.push(first, second);
    await applyMcpOk(first, installSpec(namespace));
    await eventually('first Reconciled', () => conditionFor(c, first, 'Reconciled', 'True'), 30_000);
    await applyMcpOk(second, installSpec(namespace));
    const conflict = await eventually('second Reconciled False', () => conditionFor(c, second, 'Reconciled', 'False'), 30_000);
    expect(conflict.reason).toBe('NamespaceConflict');
    expect(conflict.message).toContain(first);
    expect(await conditionFor(c, first, 'Reconciled', 'True')).toBeDefined();
  });

  it.each<[string, (ns: string) => MeshControlPlaneSpec, string, string]>([
    [
      'autoscaling minReplicas above the default maxReplicas (no CEL rule can see the default)',
      (ns) => ({ ...installSpec(ns), components: { pilot: { replicas: 1, autoscaling: { enabled: true, minReplicas: 9 } } } }),
      'InvalidSpec',
      'components.pilot.autoscaling.minReplicas (9) must not exceed maxReplicas',
    ],
    [
      'resource requests above the limits (the API server refuses the Deployment)',
      (ns) => ({ ...installSpec(ns), components: { pilot: { replicas: 1, resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } } } }),
      'ApplyFailed',
      'must be less than or equal to cpu limit',
    ],
  ])('%s', async (_case, spec, reason, message) => {
    const name = `bad-${reason.toLowerCase()}-${id}`;
    created.push(name);
    await applyMcpOk(name, spec(`mesh-${name}`));
    const reconciled = await eventually('Reconciled False', () => conditionFor(c, name, 'Reconciled', 'False'), 30_000);
    expect(reconciled.reason).toBe(reason);
    expect(reconciled.message).toContain(message);
    const ready = await eventually('Ready False', () => conditionFor(c, name, 'Ready', 'False'), 30_000);
    expect(ready.reason).toBe(reason);
  });

  it('the operator is still running and reconciling after all of it', async () => {
    expect(operator.ended()).toBeUndefined();
    expect(operator.reconciling()).toBe(true);
    expect(await metricSum(operator.registry, 'weft_informer_handler_errors_total')).toBe(0);
    expect(await metricSum(operator.registry, 'weft_controller_reconcile_total', { result: 'terminal' })).toBeGreaterThan(0);
  });
});
