/**
 * The `npm start` demo: applies config/demo/hello.yaml (Service hello with v1 and v2 pods and an
 * 80/20 VirtualService), starts a real echo server on each pod's IP inside the pod network
 * namespace, and has a proxyless gRPC client, driven only by Weft's xDS, count who answers.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { applyObjects, kubeRequest } from '../kube/apply.ts';
import { readManifestDir } from '../kube/manifests.ts';
import { echoClient, tally } from './client.ts';
import { startEchoWorkload, type Workload } from './workloads.ts';

export const DEMO_DIR = fileURLToPath(new URL('../../config/demo/', import.meta.url));
export const DEMO_TARGET = 'hello.demo.svc.cluster.local:7070';
const NAMESPACE = 'demo';
const PORT = 7070;

interface Pod {
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly status?: { readonly phase?: string; readonly podIP?: string };
}

export type DemoOutcome =
  | { readonly ok: true; readonly counts: ReadonlyMap<string, number>; readonly stop: () => Promise<void> }
  | { readonly ok: false; readonly reason: string };

async function runningPods(kc: KubeConfig, want: number, deadline: number): Promise<Pod[] | undefined> {
  while (Date.now() < deadline) {
    const list = (await kubeRequest(kc, 'GET', `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app%3Dhello`)) as { items: Pod[] };
    const running = list.items.filter((p) => p.status?.phase === 'Running' && (p.status.podIP ?? '') !== '');
    if (running.length >= want) return running;
    await delay(250);
  }
  return undefined;
}

/** Calls until the first answer from a workload (xDS has reached the client), or the deadline. */
async function firstAnswer(call: (deadlineMs: number) => Promise<string>, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (!(await call(1_000)).startsWith('error:')) return true;
    await delay(250);
  }
  return false;
}

export async function runDemo(kc: KubeConfig, netns: string, xdsAddress: string, calls: number): Promise<DemoOutcome> {
  if (netns === '') return { ok: false, reason: 'no pod network namespace (it needs root and iproute2)' };
  const manifests = await readManifestDir(DEMO_DIR);
  if (!manifests.ok) return { ok: false, reason: manifests.error };
  await applyObjects(kc, manifests.objects, 'weft-demo');
  const deadline = Date.now() + 60_000;
  const pods = await runningPods(kc, 2, deadline);
  if (pods === undefined) return { ok: false, reason: 'the demo pods did not run within 60 s' };
  const workloads: Workload[] = [];
  const stop = async (): Promise<void> => { await Promise.all(workloads.map((w) => w.stop())); };
  for (const pod of pods) workloads.push(await startEchoWorkload(netns, pod.status?.podIP ?? '', PORT, pod.metadata.labels?.version ?? pod.metadata.name));
  const client = echoClient(xdsAddress, NAMESPACE, DEMO_TARGET);
  try {
    if (!(await firstAnswer((ms) => client.call({}, ms), deadline))) {
      await stop();
      return { ok: false, reason: 'the client got no answer within 60 s' };
    }
    return { ok: true, counts: await tally(client, calls), stop };
  } finally {
    client.close();
  }
}
