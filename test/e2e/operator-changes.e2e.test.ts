/**
 * Acceptance 2: the operator follows every change. Spec edits (replicas, disabling the egress
 * gateway, a second ingress gateway) reach the children; hand edits of a child are put back; a
 * gateway whose pods can never be scheduled turns Ready False with a reason naming it.
 */
import { describe, expect, it } from 'vitest';
import type { MeshControlPlaneSpec } from '../../src/operator/types.ts';
import { clients, eventually } from './support/kube.ts';
import { kubectl } from './support/kubectl.ts';
import { applyMcpOk, conditionFor, installSpec, withReadyMeshControlPlane, suffix } from './support/operator.ts';

const c = clients();
const id = suffix();
const name = `changes-${id}`;
const namespace = `mesh-changes-${id}`;

const withComponents = (components: NonNullable<MeshControlPlaneSpec['components']>): MeshControlPlaneSpec => ({ ...installSpec(namespace), components: { ...installSpec(namespace).components, ...components } });

const deploymentNames = async (): Promise<string[]> => (await c.apps.listNamespacedDeployment({ namespace })).items.map((d) => d.metadata?.name ?? '').sort();
const replicasOf = async (deployment: string): Promise<number | undefined> => (await c.apps.readNamespacedDeployment({ name: deployment, namespace })).spec?.replicas;

const operator = withReadyMeshControlPlane(c, name, namespace);

describe('the operator follows spec changes', () => {
  it('scales istiod when pilot.replicas changes', async () => {
    await applyMcpOk(name, withComponents({ pilot: { replicas: 2 } }));
    await eventually('istiod at 2 replicas', async () => (await replicasOf('istiod')) === 2, 30_000);
  });

  it('removes the egress gateway (Deployment and Service) when it is disabled', async () => {
    await applyMcpOk(name, withComponents({ pilot: { replicas: 2 }, egressGateways: [{ name: 'istio-egressgateway', enabled: false }] }));
    await eventually('egress gateway gone', async () => {
      const services = (await c.core.listNamespacedService({ namespace })).items.map((s) => s.metadata?.name);
      return !(await deploymentNames()).includes('istio-egressgateway') && !services.includes('istio-egressgateway');
    }, 30_000);
    expect(await deploymentNames()).toEqual(['istio-ingressgateway', 'istiod']);
  });

  it('creates a second ingress gateway with its Service, and Ready stays True', async () => {
    const spec = withComponents({
      pilot: { replicas: 2 },
      egressGateways: [{ name: 'istio-egressgateway', enabled: false }],
      ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }, { name: 'internal-gateway', enabled: true }],
    });
    await applyMcpOk(name, spec);
    await eventually('internal-gateway Deployment and Service', async () => (await c.core.readNamespacedService({ name: 'internal-gateway', namespace })).metadata?.uid !== undefined && (await deploymentNames()).includes('internal-gateway'), 30_000);
    await eventually('Ready True with the second gateway', () => conditionFor(c, name, 'Ready', 'True'), 60_000);
  });
});

describe('the operator restores hand edits', () => {
  it('puts back a Deployment scaled by hand', async () => {
    const scaled = await kubectl(['scale', 'deployment/istio-ingressgateway', '-n', namespace, '--replicas=3']);
    expect(scaled.code).toBe(0);
    await eventually('ingress gateway back at 1 replica', async () => (await replicasOf('istio-ingressgateway')) === 1, 15_000);
  });

  it("puts back a ConfigMap's data edited by hand", async () => {
    const before = (await c.core.readNamespacedConfigMap({ name: 'istio', namespace })).data;
    const patched = await kubectl(['patch', 'configmap/istio', '-n', namespace, '--type=merge', '-p', JSON.stringify({ data: { mesh: 'edited: by hand\n' } })]);
    expect(patched.code).toBe(0);
    await eventually('istio ConfigMap restored', async () => JSON.stringify((await c.core.readNamespacedConfigMap({ name: 'istio', namespace })).data) === JSON.stringify(before), 15_000);
  });
});

describe('a gateway that can never become available', () => {
  it('turns Ready False, naming the gateway', async () => {
    const spec = withComponents({
      pilot: { replicas: 2 },
      egressGateways: [{ name: 'istio-egressgateway', enabled: false }],
      ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }, { name: 'internal-gateway', enabled: true }, { name: 'stuck-gateway', enabled: true, nodeSelector: { 'weft.dev/no-such-node': 'true' } }],
    });
    await applyMcpOk(name, spec);
    const ready = await eventually('Ready False', () => conditionFor(c, name, 'Ready', 'False'), 60_000);
    expect(ready.reason).toBe('GatewaysNotReady');
    expect(ready.message).toContain('stuck-gateway');
    expect(operator().ended()).toBeUndefined();
  });
});
