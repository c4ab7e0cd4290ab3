/**
 * The validating webhook of `weft discovery` (istiod's 15017): the shared CA from its Secret, a
 * serving certificate for the Service's names, the HTTPS server, and the caBundle patcher.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../kube/clock.ts';
import type { Logger } from '../log.ts';
import { createCaBundlePatcher } from './ca-bundle.ts';
import { ensureCaSecret } from './ca-secret.ts';
import { issueServing, servingNames } from './pki.ts';
import { startWebhookServer } from './server.ts';

export interface WebhookOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Where the CA Secret lives (discovery's namespace). */
  readonly namespace: string;
  readonly caSecret: string;
  /** The Service the API server dials: the certificate names `<service>.<namespace>.svc`. */
  readonly service: string;
  /** The ValidatingWebhookConfiguration whose caBundle we keep. */
  readonly configName: string;
  /** Extra certificate names, e.g. 127.0.0.1 for a url-based configuration on the host. */
  readonly extraNames?: readonly string[];
}

export interface RunningWebhook {
  readonly port: number;
  readonly caPem: string;
  stop(): Promise<void>;
}

export async function startWebhook(kc: KubeConfig, clock: Clock, parentLog: Logger, options: WebhookOptions): Promise<RunningWebhook> {
  const log = parentLog.child({ component: 'webhook' });
  const ca = await ensureCaSecret(kc, options.namespace, options.caSecret, log);
  const serving = issueServing(ca, servingNames(options.service, options.namespace, options.extraNames ?? ['127.0.0.1']), new Date(clock.now()));
  const server = await startWebhookServer({ host: options.host, port: options.port, serving, log });
  const patcher = createCaBundlePatcher({ kc, log, clock, configName: options.configName, caPem: ca.certPem });
  await patcher.start();
  log.info({ port: server.port, configuration: options.configName }, 'webhook serving');
  return {
    port: server.port,
    caPem: ca.certPem,
    stop: async () => {
      await patcher.stop();
      await server.close();
    },
  };
}
