/** Small helpers for e2e tests against the real API server. */
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { inject } from 'vitest';

export interface Clients {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly discovery: DiscoveryV1Api;
}

export function clients(): Clients {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  return { kc, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), discovery: kc.makeApiClient(DiscoveryV1Api) };
}

/** Creates a namespace with a random suffix and waits for its default ServiceAccount. */
export async function createTestNamespace(c: Clients, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await c.core.createNamespace({ body: { metadata: { name, labels: { 'weft.dev/e2e': 'true' } } } });
  await eventually(`default ServiceAccount in ${name}`, async () => {
    await c.core.readNamespacedServiceAccount({ name: 'default', namespace: name });
    return true;
  });
  return name;
}

/**
 * Polls until check returns a truthy value and returns it. e2e tests wait on the cluster's
 * state the way a user would with `kubectl wait`; the failure names what never happened.
 */
export async function eventually<T>(what: string, check: () => Promise<T | false | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}`}`);
    }
    await delay(250);
  }
}

/** Waits until exactly `count` pods matching `labelSelector` run with an IP (terminating ones excluded). */
export function runningPods(c: Clients, namespace: string, labelSelector: string, count: number): Promise<V1Pod[]> {
  return eventually(`${count} pods ${labelSelector} running`, async () => {
    const list = await c.core.listNamespacedPod({ namespace, labelSelector });
    const running = list.items.filter((p) => p.status?.phase === 'Running' && p.status.podIP !== undefined && p.metadata?.deletionTimestamp === undefined);
    return running.length === count ? running : undefined;
  });
}
