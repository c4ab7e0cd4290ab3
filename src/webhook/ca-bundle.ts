/**
 * Keeps our CA in the caBundle of every webhook of one ValidatingWebhookConfiguration. It watches
 * the configuration (so a caBundle someone removed comes back at once) and writes with server-side
 * apply under its own field manager, naming only `webhooks[name].caBundle`: the operator's own
 * apply of the same object, which never sets caBundle, neither conflicts with it nor removes it.
 */
import { AdmissionregistrationV1Api, type KubeConfig, type V1ValidatingWebhookConfiguration } from '@kubernetes/client-node';
import { kubeRequest } from '../kube/apply.ts';
import type { Clock } from '../kube/clock.ts';
import { createInformer, makeListWatch, type KindInformer } from '../kube/informer.ts';
import { createWorkQueue } from '../kube/work-queue.ts';
import type { Logger } from '../log.ts';

export const CA_BUNDLE_FIELD_MANAGER = 'weft-webhook-ca';
const VWC_PATH = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';
const RETRY_MS = 2_000;

export interface CaBundlePatcherOptions {
  readonly kc: KubeConfig;
  readonly log: Logger;
  readonly clock: Clock;
  readonly configName: string;
  /** The CA certificate, PEM. */
  readonly caPem: string;
}

export interface CaBundlePatcher {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The apply configuration: every webhook of the object by name, with our caBundle and nothing else. */
export function caBundleApply(config: V1ValidatingWebhookConfiguration, caBundle: string): Record<string, unknown> | undefined {
  const webhooks = config.webhooks ?? [];
  if (webhooks.every((w) => w.clientConfig.caBundle === caBundle)) return undefined;
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: config.metadata?.name },
    webhooks: webhooks.map((w) => ({ name: w.name, clientConfig: { caBundle } })),
  };
}

export function createCaBundlePatcher(options: CaBundlePatcherOptions): CaBundlePatcher {
  const { kc, clock, configName } = options;
  const log = options.log.child({ webhookConfiguration: configName });
  const caBundle = Buffer.from(options.caPem, 'utf8').toString('base64');
  const api = kc.makeApiClient(AdmissionregistrationV1Api);
  const listWatch = makeListWatch<V1ValidatingWebhookConfiguration>(kc, VWC_PATH, () => api.listValidatingWebhookConfiguration());
  const syncOnce = async (): Promise<void> => {
    const current = informer.get(configName);
    const body = current === undefined ? undefined : caBundleApply(current, caBundle);
    if (body === undefined) return;
    await kubeRequest(kc, 'PATCH', `${VWC_PATH}/${encodeURIComponent(configName)}?fieldManager=${CA_BUNDLE_FIELD_MANAGER}&force=true`, body, 'application/apply-patch+yaml');
    log.info({ webhooks: (current?.webhooks ?? []).length }, 'webhook caBundle patched');
  };

  // One key, so the work queue gives what this needs: one sync at a time, a change during a sync
  // runs it once more, and a failed sync is retried every RETRY_MS.
  const queue = createWorkQueue({
    clock,
    log,
    backoff: { baseMs: RETRY_MS, maxMs: RETRY_MS },
    reconcile: async () => {
      try {
        await syncOnce();
        return { type: 'done' };
      } catch (err) {
        return { type: 'retry', error: err }; // the queue logs it with the failure count
      }
    },
  });
  const kick = (): void => { queue.add(configName); };

  const onChange = (obj: V1ValidatingWebhookConfiguration): void => {
    if (obj.metadata?.name === configName) kick();
  };
  const informer: KindInformer<V1ValidatingWebhookConfiguration> = createInformer({
    kind: 'ValidatingWebhookConfiguration',
    listWatch,
    clock,
    log,
    resyncPeriodMs: 60_000,
    handlers: { onAdd: onChange, onUpdate: onChange, onResync: onChange },
  });
  return {
    start: async () => {
      await informer.start();
      if (informer.get(configName) === undefined) log.info('webhook configuration not found yet; waiting for it');
      kick();
    },
    stop: async () => {
      await queue.shutdown();
      await informer.stop();
    },
  };
}
