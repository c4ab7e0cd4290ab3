/**
 * The API server a cluster benchmark runs against: WEFT_BENCH_KUBECONFIG if set, else a local
 * control plane of its own under .weft/<name>, stopped when the benchmark ends.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { applyObjects, waitForCrdsEstablished } from '../../src/kube/apply.ts';
import { readManifestDir } from '../../src/kube/manifests.ts';
import { startLocalCluster } from '../../test/e2e/cluster/local-cluster.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export async function withBenchCluster<T>(name: string, run: (kc: KubeConfig) => Promise<T>, progress: (line: string) => void): Promise<T> {
  const kc = new KubeConfig();
  const external = process.env.WEFT_BENCH_KUBECONFIG;
  if (external !== undefined && external !== '') {
    kc.loadFromFile(external);
    return run(kc);
  }
  const cluster = await startLocalCluster({ stateDir: resolve(ROOT, '.weft', name), nodes: 1, podNetns: '', log: pino({ level: 'warn' }, process.stderr), onProgress: progress });
  try {
    kc.loadFromFile(cluster.kubeconfigPath);
    return await run(kc);
  } finally {
    await cluster.stop();
  }
}

/** Applies Weft's CRDs (crds/) and waits until the API server serves them. */
export async function installCrds(kc: KubeConfig): Promise<void> {
  const crds = await readManifestDir(resolve(ROOT, 'crds'));
  if (!crds.ok) throw new Error(crds.error);
  await applyObjects(kc, crds.objects);
  await waitForCrdsEstablished(kc, crds.objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name));
}
