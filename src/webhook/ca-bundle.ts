/**
 * Keeps our CA in the caBundle of every webhook of one ValidatingWebhookConfiguration. It watches
 * the configuration (so a caBundle someone removed comes back at once) and writes with server-side
 * apply under its own field manager, naming only `webhooks[name].caBundle`: the operator's own
 * apply of the same object, which never sets caBundle, neither conflicts with it nor removes it.
 */
import { AdmissionregistrationV1Api, type KubeConfig, type V1ValidatingWebhookConfiguration } from '@kubernetes/client-node';
import { kubeRequest } from '../kube/apply.ts';
import type { Clock, TimerHandle } from '../kube/clock.ts';
import { createInformer, makeListWatch, type KindInformer } from '../kube/informer.ts';
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
  let busy = false;
  let again = false;
  let retry: TimerHandle | undefined;
  let stopped = false;
  /** Set by kick() while a sync is in flight (a read through a function: TypeScript cannot see that). */
  const requeued = (): boolean => again;

  const syncOnce = async (): Promise<void> => {
    const current = informer.get(configName);
    const body = current === undefined ? undefined : caBundleApply(current, caBundle);
    if (body === undefined) return;
    await kubeRequest(kc, 'PATCH', `${VWC_PATH}/${encodeURIComponent(configName)}?fieldManager=${CA_BUNDLE_FIELD_MANAGER}&force=true`, body, 'application/apply-patch+yaml');
    log.info({ webhooks: (current?.webhooks ?? []).length }, 'webhook caBundle patched');
  };

  const kick = (): void => {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    void (async () => {
      do {
        again = false;
        try {
          await syncOnce();
        } catch (err) {
          log.warn({ err }, 'webhook caBundle patch failed; retrying');
          if (retry === undefined) retry = clock.setTimeout(() => { retry = undefined; kick(); }, RETRY_MS);
        }
      } while (requeued());
      busy = false;
    })();
  };

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
      stopped = true;
      if (retry !== undefined) clock.clearTimeout(retry);
      await informer.stop();
    },
  };
}
