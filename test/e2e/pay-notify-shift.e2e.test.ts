/**
 * Scenario pay-notify-shift end to end: REGISTRY_ONLY comes from the mesh ConfigMap (as the
 * MeshControlPlane writes it), and an external service is unreachable until a ServiceEntry names
 * it; then traffic to svcb shifts 50/50 and then 100% to v0.2 without a client restart and
 * without a failed call. msgd runs on another loopback address, as the scenario says for tests.
 * At the end the ConfigMap flips to ALLOW_ANY, then gets a broken document (the last good config
 * stays in force). Sidecars' catch-all (virtualOutbound) is read over ADS as an Envoy would.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ensureTranslationProtos } from '../../src/translate/ir-to-xds/protos.ts';
import { connectAdsClient } from '../../src/xds/testing/ads-client.ts';
import { TYPE_URLS } from '../../src/xds/type-urls.ts';
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
let namespace: string;
const workloads: Workload[] = [];

/** The mesh ConfigMap as the operator renders it (src/operator/render/istiod.ts), with a given `mesh` document. */
const meshConfigMap = (mesh: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio }\ndata:\n  mesh: |\n${mesh.split('\n').map((l) => `    ${l}`).join('\n')}\n`;

interface MeshPage {
  readonly inForce: { readonly outboundTrafficPolicy: string };
  readonly error?: string;
}

/** The cluster an Envoy sidecar in `ns` sends unknown outbound traffic to (virtualOutbound's default chain). */
async function sidecarCatchAll(xdsPort: number, ns: string): Promise<string> {
  ensureTranslationProtos();
  const client = connectAdsClient('sotw', `127.0.0.1:${xdsPort}`);
  try {
    client.send({ node: { id: `sidecar~10.245.255.253~envoy.${ns}~${ns}.svc.cluster.local`, metadata: { fields: { NAMESPACE: { stringValue: ns } } } }, type_url: TYPE_URLS.listener, resource_names: [] });
    const response = await client.next(10_000);
    const outbound = response.resources.find((r) => r.name === 'virtualOutbound');
    // The default chain is the catch-all; the 15001 chain always blackholes (loop prevention).
    const text = JSON.stringify((outbound?.value as { default_filter_chain?: unknown } | undefined)?.default_filter_chain ?? {});
    return ['BlackHoleCluster', 'PassthroughCluster'].find((c) => text.includes(c)) ?? 'none';
  } finally {
    client.close();
  }
}

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
  namespace = await createTestNamespace(c, 'shift');
  discovery = await startDiscovery(c.kc, { meshConfigMap: { namespace, name: 'istio' } });
});

afterAll(async () => {
  await Promise.all(workloads.map((w) => w.stop()));
  await discovery.stop();
});

describe.skipIf(netns === '')('pay-notify-shift', () => {
  it('reaches msgd only through its ServiceEntry, then shifts svcb 50/50 and 100% to v0.2 with no failed call', async () => {
    workloads.push(await startLocalEcho(MSGD_ADDRESS, 9997, 'msgd'));

    // 0. REGISTRY_ONLY through the mesh ConfigMap: sidecars send unknown hosts to BlackHoleCluster.
    expect(await sidecarCatchAll(discovery.xdsPort, namespace)).toBe('PassthroughCluster');
    await apply(meshConfigMap('outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\ntrustDomain: cluster.local\n'), namespace);
    await eventually('REGISTRY_ONLY in force', async () => (await discovery.debug<MeshPage>('/debug/mesh')).inForce.outboundTrafficPolicy === 'REGISTRY_ONLY');
    await eventually('sidecars blackhole unknown hosts', async () => (await sidecarCatchAll(discovery.xdsPort, namespace)) === 'BlackHoleCluster');

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

    // 5. ALLOW_ANY through the ConfigMap: unknown hosts pass through again.
    await apply(meshConfigMap('outboundTrafficPolicy:\n  mode: ALLOW_ANY\n'), namespace);
    await eventually('ALLOW_ANY in force', async () => (await sidecarCatchAll(discovery.xdsPort, namespace)) === 'PassthroughCluster');

    // 6. A broken document is refused and reported; ALLOW_ANY stays in force, msgd stays reachable.
    await apply(meshConfigMap('outboundTrafficPolicy:\n  mode: ALLOW_SOME\n'), namespace);
    const refused = await eventually('broken mesh config reported', async () => {
      const page = await discovery.debug<MeshPage>('/debug/mesh');
      return page.error === undefined ? undefined : page;
    });
    expect(refused.error).toMatch(/ALLOW_SOME/);
    expect(refused.inForce.outboundTrafficPolicy).toBe('ALLOW_ANY');
    expect(await sidecarCatchAll(discovery.xdsPort, namespace)).toBe('PassthroughCluster');
    const again = meshClient(discovery.xdsPort, namespace, 'msgd.external:9997');
    await eventually('msgd still reachable', async () => (await again.call({}, 2_000)) === 'msgd');
    again.close();
  });
});
