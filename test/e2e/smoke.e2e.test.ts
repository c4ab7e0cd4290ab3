/**
 * Proves the local control plane is real Kubernetes: the Deployment and ReplicaSet controllers,
 * the scheduler, kwok's fake kubelets, the EndpointSlice controller, garbage collection and the
 * API server's own validation all take part.
 */
import { ApiException, type V1Deployment, type V1LabelSelector } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients, createTestNamespace, eventually } from './support/kube.ts';

const c = clients();
let namespace = '';

beforeAll(async () => {
  namespace = await createTestNamespace(c, 'smoke');
});

afterAll(async () => {
  if (namespace !== '') await c.core.deleteNamespace({ name: namespace });
});

function deployment(name: string, replicas: number): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.invalid/echo:1', ports: [{ containerPort: 8080 }] }] } },
    },
  };
}

describe('the local control plane', () => {
  it('runs a Deployment to Available with Running pods that have IPs, and publishes an EndpointSlice', async () => {
    await c.apps.createNamespacedDeployment({ namespace, body: deployment('echo', 2) });
    await c.core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'echo' }, spec: { selector: { app: 'echo' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });

    const available = await eventually('Deployment echo Available with 2 replicas', async () => {
      const d = await c.apps.readNamespacedDeployment({ name: 'echo', namespace });
      const ok = d.status?.conditions?.some((cond) => cond.type === 'Available' && cond.status === 'True') === true && d.status.availableReplicas === 2;
      return ok ? d : undefined;
    });
    expect(available.status?.readyReplicas).toBe(2);

    const pods = (await c.core.listNamespacedPod({ namespace, labelSelector: 'app=echo' })).items;
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(pod.spec?.nodeName).toMatch(/^kwok-node-/);
    }

    const endpoints = await eventually('an EndpointSlice with 2 ready endpoints', async () => {
      const slices = await c.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: 'kubernetes.io/service-name=echo' });
      const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready === true);
      return ready.length === 2 ? ready : undefined;
    });
    expect(endpoints.flatMap((e) => e.addresses).sort()).toEqual(pods.map((p) => p.status?.podIP).sort());
  });

  it('garbage-collects the ReplicaSet and Pods of a deleted Deployment', async () => {
    await c.apps.createNamespacedDeployment({ namespace, body: deployment('doomed', 2) });
    await eventually('pods of doomed', async () => {
      const pods = await c.core.listNamespacedPod({ namespace, labelSelector: 'app=doomed' });
      return pods.items.length === 2 ? pods : undefined;
    });
    expect((await c.apps.listNamespacedReplicaSet({ namespace, labelSelector: 'app=doomed' })).items).toHaveLength(1);

    await c.apps.deleteNamespacedDeployment({ name: 'doomed', namespace, propagationPolicy: 'Background' });

    await eventually('ReplicaSet and Pods of doomed gone', async () => {
      const [rs, pods] = await Promise.all([
        c.apps.listNamespacedReplicaSet({ namespace, labelSelector: 'app=doomed' }),
        c.core.listNamespacedPod({ namespace, labelSelector: 'app=doomed' }),
      ]);
      return rs.items.length === 0 && pods.items.length === 0;
    });
  });

  it('rejects an invalid object with the API server\'s own error', async () => {
    const invalid = deployment('invalid', 1);
    if (invalid.spec) invalid.spec.selector = undefined as unknown as V1LabelSelector;
    const error = await c.apps.createNamespacedDeployment({ namespace, body: invalid }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ApiException);
    const apiError = error as ApiException<string>;
    expect(apiError.code).toBe(422);
    expect(apiError.body).toContain('spec.selector: Required value');
  });
});
