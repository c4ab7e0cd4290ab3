import { KubeConfig } from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { defineCommand, type Command } from '../config/config.ts';
import { leaderElectionOptions, monitoringOptions } from '../config/shared-options.ts';
import { runDiscovery } from '../discovery/run.ts';
import { createRealClock } from '../kube/clock.ts';
import { meshConfigMapRef } from '../registry/mesh-config.ts';
import type { Logger } from '../log.ts';

const discoveryOptions = {
  grpcAddress: { kind: 'string', default: '0.0.0.0', env: 'WEFT_GRPC_ADDRESS', description: 'Address of the plaintext ADS server' },
  grpcPort: { kind: 'int', default: 15010, min: 0, max: 65535, env: 'WEFT_GRPC_PORT', description: 'Port of the plaintext ADS server (istiod: 15010)' },
  meshConfigMap: { kind: 'string', default: '', env: 'WEFT_MESH_CONFIGMAP', description: 'Mesh ConfigMap to watch, NS/NAME or NAME (default: istio, or istio-<revision>, in the lease namespace)' },
  revision: { kind: 'string', default: '', env: 'REVISION', description: 'Control plane revision (names the default mesh ConfigMap)' },
  ...monitoringOptions(15014),
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
        leaseNamespace: options.leaseNamespace,
        identity: options.identity ?? hostname(),
        meshConfigMap: meshConfigMapRef(options.meshConfigMap, options.leaseNamespace, options.revision),
        signal: ctx.signal,
      });
      return 0;
    },
  });
}
