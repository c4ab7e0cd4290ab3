/**
 * The API-server half of `bench:webhook`: sequential server-side dry-run creates of a
 * VirtualService (`POST ...?dryRun=All`, kubectl-free through kubeRequest), first with no webhook,
 * then with Weft's webhook registered url-based (admitted and denied objects). Uses
 * WEFT_BENCH_KUBECONFIG if set, else starts its own local control plane under .weft/bench-webhook.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { KubeRequestError, applyObjects, kubeRequest } from '../../src/kube/apply.ts';
import { installCrds, withBenchCluster } from '../support/cluster.ts';
import { createRealClock } from '../../src/kube/clock.ts';
import { urlClientConfig, webhookConfiguration } from '../../src/webhook/configuration.ts';
import { startWebhook } from '../../src/webhook/index.ts';
import { percentiles, vsObject } from './reviews.ts';

const CONFIG = 'weft-bench-validator';
const VS_PATH = '/apis/networking.istio.io/v1/namespaces/default/virtualservices?dryRun=All';

export interface ClusterLatency {
  readonly without: ReturnType<typeof percentiles>;
  readonly admitted: ReturnType<typeof percentiles>;
  readonly denied: ReturnType<typeof percentiles>;
}


/** One dry-run create: true when admitted, false when denied by the webhook. */
async function create(kc: KubeConfig, weight: number): Promise<boolean> {
  try {
    await kubeRequest(kc, 'POST', VS_PATH, vsObject('bench', weight));
    return true;
  } catch (err) {
    if (err instanceof KubeRequestError && err.body.includes('denied the request')) return false;
    throw err;
  }
}

async function sample(kc: KubeConfig, n: number, weight: number): Promise<number[]> {
  for (let i = 0; i < 20; i++) await create(kc, weight);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await create(kc, weight);
    out.push(performance.now() - start);
  }
  return out;
}

async function untilDenied(kc: KubeConfig): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (await create(kc, 150)) {
    if (Date.now() > deadline) throw new Error('the API server never called the webhook');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function clusterLatency(n: number, progress: (line: string) => void): Promise<ClusterLatency> {
  return withBenchCluster('bench-webhook', async (kc) => {
    await installCrds(kc);
    await kubeRequest(kc, 'DELETE', `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${CONFIG}`).catch(() => undefined);
    const without = percentiles(await sample(kc, n, 50));
    progress(`API server, no webhook: p50 ${String(without.p50Ms)} ms`);
    const log = pino({ level: 'warn' }, process.stderr);
    const webhook = await startWebhook(kc, createRealClock(), log, { host: '127.0.0.1', port: 0, namespace: 'default', caSecret: 'weft-bench-webhook-ca', service: 'weft-bench', configName: CONFIG });
    try {
      await applyObjects(kc, [webhookConfiguration(CONFIG, urlClientConfig('127.0.0.1', webhook.port))], 'weft-bench');
      await untilDenied(kc);
      const admitted = percentiles(await sample(kc, n, 50));
      const denied = percentiles(await sample(kc, n, 150));
      return { without, admitted, denied };
    } finally {
      await kubeRequest(kc, 'DELETE', `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${CONFIG}`).catch(() => undefined);
      await webhook.stop();
    }
  }, progress);
}
