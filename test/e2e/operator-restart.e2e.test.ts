/**
 * Acceptance 5: kube-apiserver restarts in the middle of a run (same flags, port and etcd). The
 * operator's informers list again (weft_informer_lists_total rises for every kind) and a spec
 * change made after the restart is reconciled; the operator never stops.
 */
import { describe, expect, it, inject } from 'vitest';
import { restartApiserver } from './cluster/restart.ts';
import { clients, eventually } from './support/kube.ts';
import { applyMcpOk, conditionFor, installSpec, metricSum, withReadyMeshControlPlane, suffix } from './support/operator.ts';

const c = clients();
const id = suffix();
const name = `restart-${id}`;
const namespace = `mesh-restart-${id}`;
const KINDS = ['MeshControlPlane', 'Namespace', 'Deployment', 'ConfigMap', 'Service'];

const lists = async (): Promise<Record<string, number>> => Object.fromEntries(await Promise.all(KINDS.map(async (k) => [k, await metricSum(operator().registry, 'weft_informer_lists_total', { kind: k })] as const)));

const operator = withReadyMeshControlPlane(c, name, namespace);

describe('kube-apiserver restart', () => {
  it.skipIf(inject('clusterLogDir') === '')('the operator relists and reconciles a change made after the restart', { timeout: 240_000 }, async () => {
    const before = await lists();
    const restart = await restartApiserver(inject('clusterLogDir'));
    const upAt = Date.now();
    await eventually('every informer listed again', async () => {
      const now = await lists();
      return KINDS.every((k) => (now[k] ?? 0) > (before[k] ?? 0));
    }, 90_000);
    const relistedMs = Date.now() - upAt;
    await applyMcpOk(name, { ...installSpec(namespace), components: { ...installSpec(namespace).components, pilot: { replicas: 3 } } });
    const changedAt = Date.now();
    await eventually('istiod scaled to 3 after the restart', async () => (await c.apps.readNamespacedDeployment({ name: 'istiod', namespace })).spec?.replicas === 3, 60_000);
    const reconciledMs = Date.now() - changedAt;
    await eventually('Ready True for the new generation', () => conditionFor(c, name, 'Ready', 'True'), 90_000);
    process.stderr.write(
      `[operator-restart] apiserver down ${String(restart.downMs)} ms (stop ${String(restart.stopMs)} ms); informers relisted ${String(relistedMs)} ms after it was ready; ` +
        `a spec change then reconciled in ${String(reconciledMs)} ms; lists before ${JSON.stringify(before)} after ${JSON.stringify(await lists())}\n`,
    );
    expect(operator().ended()).toBeUndefined();
  });
});
