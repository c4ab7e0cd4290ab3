/**
 * Scenario grpc-round-robin end to end: Kubernetes writes the EndpointSlices (kwok pods whose IPs
 * live in the pod network namespace), Weft's discovery translates them, and a real proxyless
 * gRPC client (@grpc/grpc-js-xds) balances 3,000 calls over one channel across three real servers.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDiscovery, type RunningDiscovery } from './support/discovery.ts';
import { clients, createTestNamespace, eventually } from './support/kube.ts';
import { apply } from './support/kubectl.ts';
import { meshClient, tally } from './support/mesh-client.ts';
import { startEchoWorkload, type Workload } from './support/workloads.ts';

const SCENARIO = resolve(import.meta.dirname, '../../../shared/scenarios/grpc-round-robin.yaml');
const netns = inject('podNetns');
const c = clients();
let discovery: RunningDiscovery;
const workloads: Workload[] = [];

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: backend }
spec:
  replicas: 3
  selector: { matchLabels: { app: backend } }
  template:
    metadata: { labels: { app: backend } }
    spec: { containers: [{ name: backend, image: registry.invalid/backend:1, ports: [{ containerPort: 8000 }] }] }
`;

beforeAll(async () => {
  discovery = await startDiscovery(c.kc);
});

afterAll(async () => {
  await Promise.all(workloads.map((w) => w.stop()));
  await discovery.stop();
});

describe.skipIf(netns === '')('grpc-round-robin', () => {
  it('balances 3,000 calls over one channel evenly across 3 backends found through EndpointSlices', async () => {
    const namespace = await createTestNamespace(c, 'grpc-rr');
    await apply(readFileSync(SCENARIO, 'utf8'), namespace);
    await apply(DEPLOYMENT, namespace);
    const pods = await eventually('3 backend pods running with IPs', async () => {
      const list = await c.core.listNamespacedPod({ namespace, labelSelector: 'app=backend' });
      const running = list.items.filter((p) => p.status?.phase === 'Running' && p.status.podIP !== undefined);
      return running.length === 3 ? running : undefined;
    });
    for (const pod of pods) workloads.push(await startEchoWorkload(netns, pod.status?.podIP ?? '', 8000, pod.metadata?.name ?? ''));
    await eventually('3 endpoints in /debug/endpointz', async () => {
      const services = await discovery.debug<{ hostname: string; endpoints: unknown[] }[]>('/debug/endpointz');
      return services.find((s) => s.hostname === `backend.${namespace}.svc.cluster.local`)?.endpoints.length === 3;
    });

    const client = meshClient(discovery.xdsPort, namespace, `backend.${namespace}.svc.cluster.local:8000`);
    try {
      const counts = await tally(client, 3000);
      const names = pods.map((p) => p.metadata?.name ?? '').sort();
      expect([...counts.keys()].sort()).toEqual(names);
      for (const name of names) {
        const share = (counts.get(name) ?? 0) / 3000;
        expect(Math.abs(share - 1 / 3), `${name} served ${(share * 100).toFixed(1)}%`).toBeLessThanOrEqual(0.05);
      }
    } finally {
      client.close();
    }
  });
});
