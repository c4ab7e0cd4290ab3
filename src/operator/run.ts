/**
 * The operator process (ADR 36): the MeshControlPlane controller runs only while this process
 * holds the Lease; /healthz, /readyz and /metrics are served throughout. Resolves when `signal`
 * aborts, after releasing the Lease and stopping the informers.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../kube/clock.ts';
import { createKubeLeaseClient, createLeaderElector } from '../kube/leader-election.ts';
import { createControllerMetrics } from '../kube/metrics.ts';
import type { Logger } from '../log.ts';
import { startHealthServer } from '../runtime/health-server.ts';
import { createMeshControlPlaneController } from './controller.ts';
import type { RenderOptions } from './defaults.ts';
import { untilAborted } from '../runtime/abort.ts';

export interface OperatorOptions {
  readonly kc: KubeConfig;
  readonly log: Logger;
  readonly clock: Clock;
  readonly render: RenderOptions;
  /** Elect a leader through a Lease; off for a single in-process operator (weft up). */
  readonly leaderElect: boolean;
  readonly leaseNamespace: string;
  readonly identity: string;
  readonly monitoringHost: string;
  readonly monitoringPort: number;
  readonly signal: AbortSignal;
  /** Called once the controller's caches synced and it reconciles (tests, weft up). */
  readonly onReconciling?: () => void;
  /** Metrics go here (and on /metrics); a fresh registry by default. Tests read the counters. */
  readonly registry?: Registry;
}

/**
 * How the operator ended: stopped by the signal, or it lost the Lease (renew deadline passed, or
 * another holder seen). The latter must end the process with a non-zero code so Kubernetes starts
 * a fresh one that campaigns again with empty caches (ADR 37).
 */
export type OperatorExit = { readonly type: 'stopped' } | { readonly type: 'lostLease' };

export async function runOperator(options: OperatorOptions): Promise<OperatorExit> {
  const { kc, clock } = options;
  const log = options.log.child({ component: 'operator' });
  const registry = options.registry ?? new Registry();
  if (options.registry === undefined) collectDefaultMetrics({ register: registry });
  const metrics = createControllerMetrics(registry, 'meshcontrolplane');
  // Set below; without leader election this process is the only writer.
  let mayWrite = (): boolean => true;
  const controller = createMeshControlPlaneController({
    kc,
    log,
    clock,
    render: options.render,
    queueMetrics: metrics.queue,
    informerMetrics: metrics.informer,
    canWrite: () => mayWrite(),
    countWrite: (verb) => {
      metrics.write(verb);
    },
  });
  let leading = false;
  let stopping = false;
  let lostLease: () => void = () => undefined;
  const leaseLost = new Promise<void>((resolve) => (lostLease = resolve));
  const lead = async (): Promise<void> => {
    leading = true;
    metrics.setLeader(true);
    await controller.start();
    options.onReconciling?.();
  };
  const health = await startHealthServer({
    host: options.monitoringHost,
    port: options.monitoringPort,
    registry,
    // A standby is ready: it serves nothing but must not be restarted.
    ready: { controller: () => !leading || controller.synced() },
  });
  log.info({ port: health.port, leaderElect: options.leaderElect }, 'operator started');
  const elector = options.leaderElect
    ? createLeaderElector({
        client: createKubeLeaseClient(kc, options.leaseNamespace, 'weft-operator'),
        identity: options.identity,
        clock,
        log,
        onStartedLeading: () => void lead().catch((err: unknown) => { log.error({ err }, 'controller failed to start'); }),
        onStoppedLeading: () => {
          leading = false;
          metrics.setLeader(false);
          if (stopping) return;
          log.error({ identity: options.identity }, 'lost the leader lease; stopping the controller and exiting');
          lostLease();
        },
      })
    : undefined;
  if (elector !== undefined) mayWrite = () => elector.mayWrite();
  if (elector === undefined) await lead();
  else elector.start();
  const exit: OperatorExit = await Promise.race([untilAborted(options.signal).then(() => ({ type: 'stopped' }) as const), leaseLost.then(() => ({ type: 'lostLease' }) as const)]);
  stopping = true;
  log.info({ exit: exit.type }, 'operator stopping');
  await elector?.stop();
  await controller.stop();
  await health.close();
  return exit;
}
