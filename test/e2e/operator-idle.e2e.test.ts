/**
 * Acceptance 3, no fighting: once Ready, re-applying the same MeshControlPlane with server-side
 * apply leaves nothing to do. Over 60 s of idle, watches on the MeshControlPlane, its namespace
 * and every kind of child see no event at all (no status write, no resourceVersion bump), and the
 * operator's weft_controller_writes_total does not move.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { clients, eventually } from './support/kube.ts';
import { applyMcpOk, childPaths, installSpec, MCP_PATH, metricSum, readMcp, withReadyMeshControlPlane, suffix, watchEvents } from './support/operator.ts';

const IDLE_MS = 60_000;
const c = clients();
const id = suffix();
const name = `idle-${id}`;
const namespace = `mesh-idle-${id}`;

const operator = withReadyMeshControlPlane(c, name, namespace);

describe('no fighting', () => {
  it(`re-applying the same MeshControlPlane changes nothing over ${IDLE_MS / 1000} s`, { timeout: IDLE_MS + 60_000 }, async () => {
    // Let the last Deployment status updates from kube-controller-manager land before watching.
    await eventually('every Deployment settled', async () => {
      const list = await c.apps.listNamespacedDeployment({ namespace });
      return list.items.length === 3 && list.items.every((d) => d.status?.observedGeneration === d.metadata?.generation && d.status?.availableReplicas === d.spec?.replicas && d.status?.updatedReplicas === d.spec?.replicas);
    });
    const before = await readMcp(c, name);
    const watched = await watchEvents(c, [
      { path: MCP_PATH, fieldSelector: `metadata.name=${name}` },
      { path: '/api/v1/namespaces', fieldSelector: `metadata.name=${namespace}` },
      ...childPaths(namespace, name),
    ]);
    const writesBefore = await metricSum(operator().registry, 'weft_controller_writes_total');
    const reconcilesBefore = await metricSum(operator().registry, 'weft_controller_reconcile_total');
    await applyMcpOk(name, installSpec(namespace));
    await delay(IDLE_MS);
    watched.stop();
    const after = await readMcp(c, name);
    const writes = (await metricSum(operator().registry, 'weft_controller_writes_total')) - writesBefore;
    const reconciles = (await metricSum(operator().registry, 'weft_controller_reconcile_total')) - reconcilesBefore;
    process.stderr.write(`[operator-idle] ${IDLE_MS / 1000} s after re-apply: ${watched.events.length} watch events, ${writes} operator writes, ${reconciles} reconciles\n`);
    expect(watched.events).toEqual([]);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(writes).toBe(0);
    expect(operator().ended()).toBeUndefined();
  });
});
