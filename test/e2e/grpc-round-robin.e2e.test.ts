/**
 * Scenario grpc-round-robin end to end: Kubernetes writes the EndpointSlices (kwok pods whose IPs
 * live in the pod network namespace), Weft's discovery translates them, and a real proxyless
 * gRPC client (@grpc/grpc-js-xds) balances 3,000 calls over one channel across three real servers.
 */
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDiscovery, type RunningDiscovery } from './support/discovery.ts';
import { clients, createTestNamespace, eventually, runningPods } from './support/kube.ts';
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
    const pods = await runningPods(c, namespace, 'app=backend', 3);
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

  it('sends traffic to a new pod after scale-up and none to removed pods after scale-down, with no failed call', async () => {
    const namespace = await createTestNamespace(c, 'scale');
    await apply(readFileSync(SCENARIO, 'utf8'), namespace);
    await apply(DEPLOYMENT.replace('replicas: 3', 'replicas: 2'), namespace);
    const served = new Set<string>();
    const podIps = async (n: number): Promise<Map<string, string>> =>
      new Map((await runningPods(c, namespace, 'app=backend', n)).map((p) => [p.metadata?.name ?? '', p.status?.podIP ?? '']));
    const serve = async (pods: Map<string, string>): Promise<void> => {
      for (const [name, ip] of pods) {
        if (served.has(name)) continue;
        served.add(name);
        workloads.push(await startEchoWorkload(netns, ip, 8000, name));
      }
    };
    await serve(await podIps(2));
    const client = meshClient(discovery.xdsPort, namespace, `backend.${namespace}.svc.cluster.local:8000`);
    const answers: string[] = [];
    const until = async (what: string, check: (recent: readonly string[]) => boolean): Promise<void> => {
      await eventually(what, async () => {
        const recent: string[] = [];
        for (let i = 0; i < 30; i++) recent.push(await client.call());
        answers.push(...recent);
        return check(recent);
      });
    };
    try {
      await until('both pods answer', (recent) => new Set(recent).size === 2);
      await c.apps.patchNamespacedDeploymentScale(
        { name: 'backend', namespace, body: { spec: { replicas: 3 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      const three = await podIps(3);
      await serve(three);
      const added = [...three.keys()].find((n) => answers.every((a) => a !== n)) ?? '';
      await until('the new pod answers', (recent) => recent.includes(added));

      await c.apps.patchNamespacedDeploymentScale({ name: 'backend', namespace, body: { spec: { replicas: 1 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      const one = await podIps(1);
      const [survivor] = [...one.keys()];
      await until('only the remaining pod answers', (recent) => recent.every((a) => a === survivor));
      const after = await tally(client, 200);
      expect([...after]).toEqual([[survivor, 200]]);
      expect(answers.filter((a) => a.startsWith('error:'))).toEqual([]);
      // kwok hands freed pod IPs out again: release the removed pods' addresses.
      await Promise.all(workloads.filter((w) => served.has(w.name) && w.name !== survivor).map((w) => w.stop()));
    } finally {
      client.close();
    }
  });

  it('keeps serving the rest of the mesh next to broken objects and a Service without ports', async () => {
    const namespace = await createTestNamespace(c, 'bad-input');
    await apply(readFileSync(SCENARIO, 'utf8'), namespace);
    await apply(DEPLOYMENT.replace('replicas: 3', 'replicas: 1'), namespace);
    const [pod] = await runningPods(c, namespace, 'app=backend', 1);
    workloads.push(await startEchoWorkload(netns, pod?.status?.podIP ?? '', 8000, 'steady'));
    const client = meshClient(discovery.xdsPort, namespace, `backend.${namespace}.svc.cluster.local:8000`);
    try {
      await eventually('backend answers', async () => (await client.call()) === 'steady');
      await apply(
        [
          'apiVersion: v1\nkind: Service\nmetadata: { name: portless }\nspec: { clusterIP: None, selector: { app: nothing } }\n',
          'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: broken }\nspec:\n  hosts: [backend]\n  http:\n    - match: [{ uri: { prefix: /x } }]\n',
          'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: dangling }\nspec:\n  host: does-not-exist\n  subsets: [{ name: v1, labels: { version: v1 } }]\n',
        ].join('---\n'),
        namespace,
      );
      await eventually('the broken VirtualService is refused', async () => {
        const vs = (await c.kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1', namespace, plural: 'virtualservices', name: 'broken' })) as {
          status?: { conditions?: { type: string; status: string }[] };
        };
        return vs.status?.conditions?.some((cond) => cond.type === 'Accepted' && cond.status === 'False');
      });
      expect([...(await tally(client, 300))]).toEqual([['steady', 300]]);
    } finally {
      client.close();
    }
  });
});
