import { KubeConfig } from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { defineCommand, type Command } from '../config/config.ts';
import { leaderElectionOptions, monitoringOptions } from '../config/shared-options.ts';
import { runDiscovery } from '../discovery/run.ts';
import { createRealClock } from '../kube/clock.ts';
import type { Logger } from '../log.ts';

const discoveryOptions = {
  grpcAddress: { kind: 'string', default: '0.0.0.0', env: 'WEFT_GRPC_ADDRESS', description: 'Address of the plaintext ADS server' },
  grpcPort: { kind: 'int', default: 15010, min: 0, max: 65535, env: 'WEFT_GRPC_PORT', description: 'Port of the plaintext ADS server (istiod: 15010)' },
  ...monitoringOptions(15014),
  webhook: { kind: 'bool', default: true, env: 'WEFT_WEBHOOK', description: 'Serve the validating admission webhook and keep its caBundle' },
  webhookAddress: { kind: 'string', default: '0.0.0.0', env: 'WEFT_WEBHOOK_ADDRESS', description: 'Address of the HTTPS webhook server' },
  webhookPort: { kind: 'int', default: 15017, min: 0, max: 65535, env: 'WEFT_WEBHOOK_PORT', description: 'Port of the HTTPS webhook server (istiod: 15017)' },
  webhookConfigName: { kind: 'string', default: '', env: 'WEFT_WEBHOOK_CONFIG_NAME', description: 'ValidatingWebhookConfiguration whose caBundle to keep (default istio-validator-<namespace>)' },
  webhookService: { kind: 'string', default: 'istiod', env: 'WEFT_WEBHOOK_SERVICE', description: 'Service the API server calls; the certificate names <service>.<namespace>.svc' },
  webhookCaSecret: { kind: 'string', default: 'weft-webhook-ca', env: 'WEFT_WEBHOOK_CA_SECRET', description: 'Secret (in the lease namespace) holding the webhook CA, shared by replicas' },
  ...leaderElectionOptions,
} as const;

/** `weft discovery`: what the operator runs as istiod. */
export function createDiscoveryCommand(): Command<Logger> {
  return defineCommand({
    name: 'discovery',
    summary: 'Serve xDS from the Kubernetes registry and Istio config (what runs as istiod)',
    options: discoveryOptions,
    run: async (options, ctx) => {
      const kc = new KubeConfig();
      kc.loadFromDefault();
      await runDiscovery({
        kc,
        log: ctx.log,
        clock: createRealClock(),
        grpcHost: options.grpcAddress,
        grpcPort: options.grpcPort,
        monitoringHost: options.monitoringAddress,
        monitoringPort: options.monitoringPort,
        leaderElect: options.leaderElect,
        ...(options.webhook
          ? {
              webhook: {
                host: options.webhookAddress,
                port: options.webhookPort,
                namespace: options.leaseNamespace,
                caSecret: options.webhookCaSecret,
                service: options.webhookService,
                configName: options.webhookConfigName === '' ? `istio-validator-${options.leaseNamespace}` : options.webhookConfigName,
              },
            }
          : {}),
        leaseNamespace: options.leaseNamespace,
        identity: options.identity ?? hostname(),
        signal: ctx.signal,
      });
      return 0;
    },
  });
}
