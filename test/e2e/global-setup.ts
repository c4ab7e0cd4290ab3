/**
 * Starts one real local control plane for the whole e2e run (or uses WEFT_E2E_KUBECONFIG),
 * applies crds/, and hands the kubeconfig to the tests through vitest's provide/inject.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { resolve } from 'node:path';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { applyObjects, waitForCrdsEstablished } from '../../src/kube/apply.ts';
import { readManifestDir } from '../../src/kube/manifests.ts';
import { startLocalCluster } from './cluster/local-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    /** Folder of the component logs ('' for an external cluster). */
    clusterLogDir: string;
    /** Network namespace holding pod IPs ('' when unavailable or external). */
    podNetns: string;
    /** Folder of the pinned binaries, kubectl among them ('' for an external cluster: use PATH). */
    binDir: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * WEFT_E2E_SLOT=N (1..9) gives a run its own pod network namespace and address ranges, so several
 * checkouts on one machine can run their e2e suites at once. Unset: the defaults below.
 */
function slotNetwork(): { podNetns: string; podCidr: string; linkPrefix: string } {
  const slot = Number(process.env.WEFT_E2E_SLOT ?? '0');
  if (!Number.isInteger(slot) || slot < 0 || slot > 9) throw new Error(`WEFT_E2E_SLOT must be an integer 0..9, got ${String(process.env.WEFT_E2E_SLOT)}`);
  if (slot === 0) return { podNetns: 'weft-e2e-pods', podCidr: '10.245.0.0/16', linkPrefix: '10.243.254.0/30' };
  return { podNetns: `weft-e2e-pods-${String(slot)}`, podCidr: `10.${String(245 + slot)}.0.0/16`, linkPrefix: `10.243.${String(254 - slot)}.0/30` };
}

async function applyCrds(kubeconfigPath: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const crds = await readManifestDir(resolve(ROOT, 'crds'));
  if (!crds.ok) throw new Error(crds.error);
  await applyObjects(kc, crds.objects);
  await waitForCrdsEstablished(kc, crds.objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.WEFT_E2E_KUBECONFIG;
  if (external !== undefined && external !== '') {
    await applyCrds(external);
    project.provide('kubeconfig', external);
    project.provide('clusterLogDir', '');
    project.provide('podNetns', '');
    project.provide('binDir', '');
    return () => Promise.resolve();
  }
  const began = Date.now();
  const cluster = await startLocalCluster({
    stateDir: resolve(ROOT, '.weft/e2e'),
    nodes: 2,
    ...slotNetwork(),
    keepState: true,
    log: pino({ level: process.env.WEFT_E2E_LOG_LEVEL ?? 'warn' }, process.stderr),
    onProgress: (line) => { process.stderr.write(`[e2e cluster] ${line}\n`); },
  });
  process.stderr.write(`[e2e cluster] ready in ${((Date.now() - began) / 1000).toFixed(1)} s at ${cluster.server}\n`);
  try {
    await applyCrds(cluster.kubeconfigPath);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  project.provide('kubeconfig', cluster.kubeconfigPath);
  project.provide('clusterLogDir', cluster.logDir);
  project.provide('podNetns', cluster.podNetns);
  project.provide('binDir', cluster.binDir);
  return () => cluster.stop();
}
