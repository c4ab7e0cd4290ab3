/**
 * The MeshControlPlane operator on the real control plane: apply → children with ownerReferences
 * → Ready; spec edits and hand edits are followed; deletion garbage-collects everything.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOperator, type InProcessOperator } from './support/operator.ts';
import { clients, eventually } from './support/kube.ts';
import { kubectl } from './support/kubectl.ts';

const c = clients();
const custom = c.kc.makeApiClient(CustomObjectsApi);
let operator: InProcessOperator | undefined;
const suffix = randomBytes(3).toString('hex');
const name = `e2e-${suffix}`;
const namespace = `mesh-${suffix}`;
/** The scenario's MeshControlPlane, renamed so parallel runs and other tests never collide. */
const INSTALL = readFileSync(resolve(import.meta.dirname, '../../../shared/scenarios/install.yaml'), 'utf8')
  .replace(/^ {2}name: default$/m, `  name: ${name}`)
  .replace('namespace: weft-system', `namespace: ${namespace}`);

interface Mcp {
  metadata: { generation: number; uid: string };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason: string; message: string }[] };
}

const readMcp = async (): Promise<Mcp> => (await custom.getClusterCustomObject({ group: 'mesh.weft.dev', version: 'v1alpha1', plural: 'meshcontrolplanes', name })) as Mcp;
const condition = (m: Mcp, type: string): { status: string; reason: string; message: string } | undefined => m.status?.conditions?.find((x) => x.type === type);

async function kubectlOk(args: readonly string[], input?: string): Promise<string> {
  const result = await kubectl(args, input);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function deploymentNames(): Promise<string[]> {
  return (await c.apps.listNamespacedDeployment({ namespace })).items.map((d) => d.metadata?.name ?? '').sort();
}

beforeAll(() => {
  operator = startOperator(c);
});

afterAll(async () => {
  await operator?.stop();
});

describe('MeshControlPlane', () => {
  it('creates every child with an ownerReference and becomes Ready; kubectl wait sees it', async () => {
    await kubectlOk(['apply', '--server-side', '-f', '-'], INSTALL);
    const waited = await kubectl(['wait', '--for=condition=Ready', `meshcontrolplane/${name}`, '--timeout=90s']);
    expect(waited.stdout + waited.stderr).toContain('condition met');
    const mcp = await readMcp();
    expect(mcp.status?.observedGeneration).toBe(mcp.metadata.generation);
    expect(condition(mcp, 'Reconciled')?.status).toBe('True');
    expect(await deploymentNames()).toEqual(['istio-egressgateway', 'istio-ingressgateway', 'istiod']);
    const owned = (o: { metadata?: { ownerReferences?: { uid: string }[] } }): boolean => o.metadata?.ownerReferences?.some((r) => r.uid === mcp.metadata.uid) === true;
    const [services, accounts, maps] = await Promise.all([
      c.core.listNamespacedService({ namespace }),
      c.core.listNamespacedServiceAccount({ namespace }),
      c.core.listNamespacedConfigMap({ namespace }),
    ]);
    expect(services.items.filter(owned).map((s) => s.metadata?.name).sort()).toEqual(['istio-egressgateway', 'istio-ingressgateway', 'istiod']);
    expect(accounts.items.filter(owned).length).toBeGreaterThanOrEqual(1);
    expect(maps.items.filter(owned).map((m) => m.metadata?.name)).toContain('istio');
    const printed = await kubectlOk(['get', 'mcp', name]);
    expect(printed).toMatch(/READY\s+REASON/);
    expect(printed).toMatch(/True/);
  });

  it('restores a deleted child', async () => {
    await c.core.deleteNamespacedService({ name: 'istiod', namespace });
    await eventually('istiod Service restored', async () => (await c.core.readNamespacedService({ name: 'istiod', namespace })).metadata?.uid !== undefined, 30_000);
  });

  it('removes a disabled gateway and follows a replica change', async () => {
    const edited = INSTALL.replace(/egressGateways:\n(\s+)- name: istio-egressgateway\n\s+enabled: true/, (_m, indent: string) => `egressGateways:\n${indent}- name: istio-egressgateway\n${indent}  enabled: false`).replace('replicas: 1', 'replicas: 2');
    await kubectlOk(['apply', '--server-side', '-f', '-'], edited);
    await eventually('egress gateway removed, istiod scaled', async () => {
      const names = await deploymentNames();
      const istiod = await c.apps.readNamespacedDeployment({ name: 'istiod', namespace });
      return !names.includes('istio-egressgateway') && istiod.spec?.replicas === 2;
    }, 30_000);
  });

  it('garbage-collects every child when deleted', async () => {
    await kubectlOk(['delete', 'mcp', name, '--wait=false']);
    await eventually('children gone', async () => (await deploymentNames()).length === 0, 60_000);
  });
});
