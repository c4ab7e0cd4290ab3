import { KubeConfig } from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { defineCommand, type Command } from '../config/config.ts';
import { leaderElectionOptions, monitoringOptions } from '../config/shared-options.ts';
import { createRealClock } from '../kube/clock.ts';
import type { Logger } from '../log.ts';
import { runOperator } from '../operator/run.ts';
import { readVersion } from '../version.ts';

const operatorOptions = {
  ...leaderElectionOptions,
  ...monitoringOptions(8080),
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
      const exit = await runOperator({
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
      // Lost the Lease: exit non-zero so Kubernetes restarts the process (ADR 37).
      return exit.type === 'lostLease' ? 1 : 0;
    },
  });
}
