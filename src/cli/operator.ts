import { KubeConfig } from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { defineCommand, type Command } from '../config/config.ts';
import { createRealClock } from '../kube/clock.ts';
import type { Logger } from '../log.ts';
import { runOperator } from '../operator/run.ts';
import { readVersion } from '../version.ts';

const operatorOptions = {
  leaderElect: { kind: 'bool', default: true, env: 'WEFT_LEADER_ELECT', description: 'Elect a leader through a coordination.k8s.io Lease' },
  leaseNamespace: { kind: 'string', default: 'weft-system', env: 'POD_NAMESPACE', description: 'Namespace of the leader-election Lease' },
  identity: { kind: 'string', env: 'POD_NAME', description: 'This replica\'s identity in the Lease (default: the host name)' },
  monitoringAddress: { kind: 'string', default: '0.0.0.0', env: 'WEFT_MONITORING_ADDRESS', description: 'Address of /healthz, /readyz and /metrics' },
  monitoringPort: { kind: 'int', default: 8080, min: 0, max: 65535, env: 'WEFT_MONITORING_PORT', description: 'Port of /healthz, /readyz and /metrics' },
  pilotImage: { kind: 'string', default: `weft:${readVersion()}`, env: 'WEFT_IMAGE', description: 'Image the istiod Deployment runs (weft discovery)' },
} as const;

/** `weft operator`: reconciles MeshControlPlanes into istiod and the gateways. */
export function createOperatorCommand(): Command<Logger> {
  return defineCommand({
    name: 'operator',
    summary: 'Run the MeshControlPlane operator (in a cluster, or against KUBECONFIG)',
    options: operatorOptions,
    run: async (options, ctx) => {
      const kc = new KubeConfig();
      kc.loadFromDefault();
      await runOperator({
        kc,
        log: ctx.log,
        clock: createRealClock(),
        render: { pilotImage: options.pilotImage, version: readVersion() },
        leaderElect: options.leaderElect,
        leaseNamespace: options.leaseNamespace,
        identity: options.identity ?? hostname(),
        monitoringHost: options.monitoringAddress,
        monitoringPort: options.monitoringPort,
        signal: ctx.signal,
      });
      return 0;
    },
  });
}
