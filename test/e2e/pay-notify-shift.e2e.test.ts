/**
 * Scenario pay-notify-shift end to end: an external service is unreachable until a ServiceEntry
 * names it; then traffic to svcb shifts 50/50 and then 100% to v0.2 without a client restart and
 * without a failed call. msgd runs on another loopback address, as the scenario says for tests.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startDiscovery, type RunningDiscovery } from './support/discovery.ts';
import { clients, createTestNamespace, eventually, runningPods } from './support/kube.ts';
import { apply } from './support/kubectl.ts';
import { meshClient, tally } from './support/mesh-client.ts';
import { startEchoWorkload, startLocalEcho, versionedDeployments, type Workload } from './support/workloads.ts';

const SCENARIO = readFileSync(resolve(import.meta.dirname, '../../../shared/scenarios/pay-notify-shift.yaml'), 'utf8');
const MSGD_ADDRESS = '127.0.0.2';
const netns = inject('podNetns');
const c = clients();
let discovery: RunningDiscovery;
const workloads: Workload[] = [];

/** The scenario's documents by kind (the step-4 VirtualService is a comment in the file). */
function scenarioDocument(kind: string): string {
  const doc = parseAllDocuments(SCENARIO).find((d) => (d.toJS() as { kind?: string } | null)?.kind === kind);
  if (doc === undefined) throw new Error(`no ${kind} in the scenario`);
  return doc.toString();
}

const ALL_TO_V02 = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: svcb }
spec:
  hosts: [svcb]
  http:
    - route:
        - destination: { host: svcb, subset: v0-2 }
          weight: 100
`;

beforeAll(async () => {
  discovery = await startDiscovery(c.kc);
});

afterAll(async () => {
  await Promise.all(workloads.map((w) => w.stop()));
  await discovery.stop();
});

describe.skipIf(netns === '')('pay-notify-shift', () => {
  it('reaches msgd only through its ServiceEntry, then shifts svcb 50/50 and 100% to v0.2 with no failed call', async () => {
    const namespace = await createTestNamespace(c, 'shift');
    workloads.push(await startLocalEcho(MSGD_ADDRESS, 9997, 'msgd'));

    // 1. No ServiceEntry: the external target has no listener, so the call fails.
    const blocked = meshClient(discovery.xdsPort, namespace, 'msgd.external:9997');
    expect(await blocked.call({}, 2_000)).toMatch(/^error:/);
    blocked.close();

    // 2. The scenario's ServiceEntry, its endpoint moved to the test's loopback address.
    await apply(scenarioDocument('ServiceEntry').replace('- address: 10.100.35.27', `- address: ${MSGD_ADDRESS}`), namespace);
    const external = meshClient(discovery.xdsPort, namespace, 'msgd.external:9997');
    await eventually('msgd reachable', async () => (await external.call({}, 2_000)) === 'msgd');
    external.close();

    // 3. svcb v0.1 and v0.2 behind the scenario's 50/50 rules.
    await apply('apiVersion: v1\nkind: Service\nmetadata: { name: svcb }\nspec:\n  selector: { app: svcb }\n  ports: [{ name: grpc, port: 80, targetPort: 8080 }]\n', namespace);
    await apply(`${scenarioDocument('DestinationRule')}---\n${scenarioDocument('VirtualService')}`, namespace);
    await apply(versionedDeployments('svcb', 8080, [{ version: 'v0.1', replicas: 1 }, { version: 'v0.2', replicas: 1 }]), namespace);
    const pods = await runningPods(c, namespace, 'app=svcb', 2);
    for (const pod of pods) workloads.push(await startEchoWorkload(netns, pod.status?.podIP ?? '', 8080, pod.metadata?.labels?.version ?? '?'));
    const svcb = meshClient(discovery.xdsPort, namespace, `svcb.${namespace}.svc.cluster.local:80`);
    try {
      await eventually('both versions answer', async () => (await tally(svcb, 20)).size === 2);
      const split = await tally(svcb, 1000);
      expect(Math.abs((split.get('v0.2') ?? 0) / 1000 - 0.5), JSON.stringify([...split])).toBeLessThanOrEqual(0.05);
      expect((split.get('v0.1') ?? 0) + (split.get('v0.2') ?? 0)).toBe(1000);

      // 4. Switch to 100% v0.2 while calls keep flowing on the same channel.
      const answers: string[] = [];
      const shift = { applied: false };
      const traffic = (async (): Promise<void> => {
        let streak = 0;
        while (streak < 100) {
          const answer = await svcb.call();
          answers.push(answer);
          streak = shift.applied && answer === 'v0.2' ? streak + 1 : 0;
        }
      })();
      await apply(ALL_TO_V02, namespace);
      shift.applied = true;
      await traffic;
      expect(answers.filter((a) => a.startsWith('error:'))).toEqual([]);
      expect([...(await tally(svcb, 200))]).toEqual([['v0.2', 200]]);
    } finally {
      svcb.close();
    }
  });
});
