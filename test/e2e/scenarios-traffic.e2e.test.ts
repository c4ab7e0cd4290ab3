/**
 * Scenario traffic end to end, the way users check the Istio walkthroughs: the scenario's own
 * YAML is applied unchanged, versions run as kwok pods whose IPs serve real gRPC servers, and a
 * real proxyless client (grpc-js-xds) is driven only by Weft's xDS.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDiscovery, type RunningDiscovery } from './support/discovery.ts';
import { clients, createTestNamespace, eventually, runningPods } from './support/kube.ts';
import { apply } from './support/kubectl.ts';
import { meshClient, tally } from './support/mesh-client.ts';
import { startEchoWorkload, versionedDeployments, type Workload } from './support/workloads.ts';

const SCENARIOS = resolve(import.meta.dirname, '../../../shared/scenarios');
const netns = inject('podNetns');
const c = clients();
let discovery: RunningDiscovery;
const workloads: Workload[] = [];

beforeAll(async () => {
  discovery = await startDiscovery(c.kc);
});

afterAll(async () => {
  await Promise.all(workloads.map((w) => w.stop()));
  await discovery.stop();
});

function service(name: string, port: number, targetPort: number): string {
  return `apiVersion: v1\nkind: Service\nmetadata: { name: ${name} }\nspec:\n  selector: { app: ${name} }\n  ports: [{ name: grpc, port: ${port}, targetPort: ${targetPort} }]\n`;
}

/** Runs `versions` of `app` as pods and starts one echo server per pod that answers with its version. */
async function runVersions(namespace: string, app: string, port: number, versions: readonly { version: string; replicas: number }[]): Promise<void> {
  await apply(versionedDeployments(app, port, versions), namespace);
  const total = versions.reduce((n, v) => n + v.replicas, 0);
  const pods = await runningPods(c, namespace, `app=${app}`, total);
  for (const pod of pods) workloads.push(await startEchoWorkload(netns, pod.status?.podIP ?? '', port, pod.metadata?.labels?.version ?? '?'));
  await eventually(`${total} endpoints of ${app}`, async () => {
    const services = await discovery.debug<{ hostname: string; endpoints: unknown[] }[]>('/debug/endpointz');
    return services.find((s) => s.hostname === `${app}.${namespace}.svc.cluster.local`)?.endpoints.length === total;
  });
}

describe.skipIf(netns === '')('hello-canary', () => {
  it('splits 70/30 between latest and new, and the version: new header always reaches new', async () => {
    const namespace = await createTestNamespace(c, 'canary');
    await apply(service('hello', 80, 8080), namespace);
    await apply(readFileSync(resolve(SCENARIOS, 'hello-canary.yaml'), 'utf8'), namespace);
    await runVersions(namespace, 'hello', 8080, [{ version: 'latest', replicas: 2 }, { version: 'new', replicas: 1 }]);
    const client = meshClient(discovery.xdsPort, namespace, `hello.${namespace}.svc.cluster.local:80`);
    try {
      const split = await tally(client, 1000);
      const latest = (split.get('latest') ?? 0) / 1000;
      expect(Math.abs(latest - 0.7), `latest served ${(latest * 100).toFixed(1)}%: ${JSON.stringify([...split])}`).toBeLessThanOrEqual(0.05);
      expect((split.get('latest') ?? 0) + (split.get('new') ?? 0)).toBe(1000);

      // The scenario delays 10% of these by 10 s against a 5 s route timeout: run them at once.
      const answers = await Promise.all(Array.from({ length: 100 }, () => client.call({ version: 'new' }, 15_000)));
      const byAnswer = new Map<string, number>();
      for (const a of answers) byAnswer.set(a, (byAnswer.get(a) ?? 0) + 1);
      expect([...byAnswer.keys()].filter((k) => k !== 'new' && k !== 'error:DEADLINE_EXCEEDED')).toEqual([]);
      const delayed = byAnswer.get('error:DEADLINE_EXCEEDED') ?? 0;
      expect(delayed, JSON.stringify([...byAnswer])).toBeGreaterThanOrEqual(1);
      expect(delayed, JSON.stringify([...byAnswer])).toBeLessThanOrEqual(25);
    } finally {
      client.close();
    }
  });
});

describe.skipIf(netns === '')('bookinfo reviews', () => {
  it('routes end-user: jason to v2 and everything else to v1', async () => {
    const namespace = await createTestNamespace(c, 'bookinfo');
    await apply(service('reviews', 9080, 9080) + '---\n' + service('productpage', 9080, 9080), namespace);
    await apply(readFileSync(resolve(SCENARIOS, 'bookinfo-gateway.yaml'), 'utf8'), namespace);
    await runVersions(namespace, 'reviews', 9080, [{ version: 'v1', replicas: 1 }, { version: 'v2', replicas: 1 }, { version: 'v3', replicas: 1 }]);
    const client = meshClient(discovery.xdsPort, namespace, `reviews.${namespace}.svc.cluster.local:9080`);
    try {
      expect([...(await tally(client, 200, { 'end-user': 'jason' }))]).toEqual([['v2', 200]]);
      expect([...(await tally(client, 200))]).toEqual([['v1', 200]]);
      expect([...(await tally(client, 100, { 'end-user': 'someone-else' }))]).toEqual([['v1', 100]]);
    } finally {
      client.close();
    }
  });
});
