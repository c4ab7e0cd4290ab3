/**
 * The cluster half of `bench:validate`: 1,000 VirtualServices and 1,000 DestinationRules are
 * server-side applied at once (16 requests in flight) to a real API server while Weft's Istio
 * config controller runs in-process; the figure is the time from the first apply until the last
 * status write, i.e. until every object shows its final Accepted/ResolvedRefs verdict for its
 * generation and no status changes any more. Uses WEFT_BENCH_KUBECONFIG if set, else starts its
 * own local control plane (no pod network) under .weft/bench-validate.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { createIstioConfigController } from '../../src/controllers/istio/controller.ts';
import { applyObjects, createResourceResolver, kubeRequest } from '../../src/kube/apply.ts';
import { installCrds, withBenchCluster } from '../support/cluster.ts';
import { createRealClock } from '../../src/kube/clock.ts';
import { type ManifestObject } from '../../src/kube/manifests.ts';
import { destinationRule, virtualService } from './workload.ts';

const IN_FLIGHT = 16;
/** Status is final once nothing changed for this long after every object had one. */
const QUIET_MS = 3000;

export interface ClusterFigures {
  readonly objects: number;
  /** First apply → last object applied. */
  readonly applyMs: number;
  /** First apply → every object has Accepted and ResolvedRefs for its generation. */
  readonly allStatusMs: number;
  /** First apply → the last status change seen (the final verdicts). */
  readonly finalStatusMs: number;
  readonly accepted: number;
  readonly resolvedRefs: number;
  readonly targetMs: number;
  readonly meetsTarget: boolean;
}

interface Item {
  plural?: string;
  metadata: { name: string; namespace: string; generation: number };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] };
}



async function applyAll(kc: KubeConfig, objects: readonly ManifestObject[]): Promise<void> {
  // One resolver for all workers: the group-version discovery is fetched once, not per object.
  const pathOf = createResourceResolver(kc);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let o = objects[next++]; o !== undefined; o = objects[next++]) {
      await kubeRequest(kc, 'PATCH', `${await pathOf(o)}?fieldManager=bench&force=true`, o, 'application/apply-patch+yaml');
    }
  };
  await Promise.all([...Array<number>(IN_FLIGHT)].map(worker));
}

async function listAll(kc: KubeConfig): Promise<Item[]> {
  const lists = await Promise.all(['virtualservices', 'destinationrules'].map((plural) => kubeRequest(kc, 'GET', `/apis/networking.istio.io/v1/${plural}?labelSelector=weft.dev%2Fbench`)));
  // A VirtualService and a DestinationRule share each name, so the key carries the kind.
  return lists.flatMap((l, k) => (l as { items: Item[] }).items.map((i) => ({ ...i, plural: k === 0 ? 'virtualservices' : 'destinationrules' })));
}

const hasFinalShape = (i: Item): boolean =>
  i.status?.observedGeneration === i.metadata.generation && ['Accepted', 'ResolvedRefs'].every((t) => i.status?.conditions?.some((c) => c.type === t) === true);

function describe(items: readonly Item[], objects: number): string {
  const types = new Map<string, number>();
  for (const i of items) for (const c of i.status?.conditions ?? []) types.set(c.type, (types.get(c.type) ?? 0) + 1);
  const current = items.filter((i) => i.status?.observedGeneration === i.metadata.generation).length;
  return `${String(items.length)}/${String(objects)} listed, ${String(current)} with status for their generation, conditions ${JSON.stringify(Object.fromEntries(types))}`;
}

/** Polls every 500 ms; returns when every object has status and nothing changed for QUIET_MS. */
async function watchStatus(kc: KubeConfig, objects: number, start: number): Promise<{ allStatusMs: number; finalStatusMs: number; items: Item[] }> {
  const seen = new Map<string, string>();
  let lastChange = start;
  let allStatusAt: number | undefined;
  for (;;) {
    const items = await listAll(kc);
    const now = performance.now();
    for (const i of items) {
      const key = `${i.plural ?? ''}/${i.metadata.namespace}/${i.metadata.name}`;
      const status = JSON.stringify(i.status ?? {});
      if (seen.get(key) !== status) {
        if (allStatusAt !== undefined && process.env.BENCH_DEBUG !== undefined) process.stderr.write(`changed ${key}\n  was ${seen.get(key) ?? ''}\n  now ${status}\n`);
        lastChange = now;
      }
      seen.set(key, status);
    }
    if (allStatusAt === undefined && items.length === objects && items.every(hasFinalShape)) allStatusAt = now;
    if (allStatusAt !== undefined && now - lastChange >= QUIET_MS) return { allStatusMs: allStatusAt - start, finalStatusMs: lastChange - start, items };
    if (now - start > 120_000) throw new Error(`objects did not reach a final status within 120 s: ${describe(items, objects)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function cleanUp(kc: KubeConfig, namespaces: readonly string[]): Promise<void> {
  for (const ns of namespaces) {
    for (const plural of ['virtualservices', 'destinationrules']) {
      await kubeRequest(kc, 'DELETE', `/apis/networking.istio.io/v1/namespaces/${ns}/${plural}?labelSelector=weft.dev%2Fbench`);
    }
  }
}

export function clusterBenchmark(pairs: number, targetMs: number, progress: (line: string) => void): Promise<ClusterFigures> {
  return withBenchCluster('bench-validate', async (kc) => {
    await installCrds(kc);
    const namespaces = [...new Set([...Array<number>(pairs).keys()].map((i) => `ns-${String(i % 10)}`))];
    await applyObjects(kc, namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })));
    const label = (o: Record<string, unknown>): ManifestObject => {
      const m = o as unknown as ManifestObject;
      return { ...m, metadata: { ...m.metadata, labels: { 'weft.dev/bench': 'validate' } } };
    };
    const objects = [...Array<number>(pairs).keys()].flatMap((i) => [label(virtualService(i)), label(destinationRule(i))]);
    const controller = createIstioConfigController({ kc, log: pino({ level: 'warn' }, process.stderr), clock: createRealClock(), isLeader: () => true });
    await controller.start();
    try {
      progress(`applying ${String(objects.length)} objects, ${String(IN_FLIGHT)} in flight`);
      const start = performance.now();
      await applyAll(kc, objects);
      const applyMs = performance.now() - start;
      const { allStatusMs, finalStatusMs, items } = await watchStatus(kc, objects.length, start);
      const count = (type: string): number => items.filter((i) => i.status?.conditions?.some((c) => c.type === type && c.status === 'True') === true).length;
      await cleanUp(kc, namespaces);
      const r = (n: number): number => Math.round(n);
      return { objects: objects.length, applyMs: r(applyMs), allStatusMs: r(allStatusMs), finalStatusMs: r(finalStatusMs), accepted: count('Accepted'), resolvedRefs: count('ResolvedRefs'), targetMs, meetsTarget: finalStatusMs <= targetMs };
    } finally {
      await controller.stop();
    }
  }, progress);
}
