import { KubeConfig } from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { defineCommand, type Command } from '../config/config.ts';
import { runDiscovery } from '../discovery/run.ts';
import { createRealClock } from '../kube/clock.ts';
import type { Logger } from '../log.ts';

const discoveryOptions = {
  grpcAddress: { kind: 'string', default: '0.0.0.0', env: 'WEFT_GRPC_ADDRESS', description: 'Address of the plaintext ADS server' },
  grpcPort: { kind: 'int', default: 15010, min: 0, max: 65535, env: 'WEFT_GRPC_PORT', description: 'Port of the plaintext ADS server (istiod: 15010)' },
  monitoringAddress: { kind: 'string', default: '0.0.0.0', env: 'WEFT_MONITORING_ADDRESS', description: 'Address of debug pages, health and metrics' },
  monitoringPort: { kind: 'int', default: 15014, min: 0, max: 65535, env: 'WEFT_MONITORING_PORT', description: 'Port of debug pages, health and metrics (istiod: 15014)' },
  leaderElect: { kind: 'bool', default: true, env: 'WEFT_LEADER_ELECT', description: 'Elect the status writer through a Lease' },
  leaseNamespace: { kind: 'string', default: 'weft-system', env: 'POD_NAMESPACE', description: 'Namespace of the Lease' },
  identity: { kind: 'string', env: 'POD_NAME', description: 'This replica\'s identity in the Lease (default: the host name)' },
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
        leaseNamespace: options.leaseNamespace,
        identity: options.identity ?? hostname(),
        signal: ctx.signal,
      });
      return 0;
    },
  });
}
