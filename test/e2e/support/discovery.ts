/** Runs Weft's discovery in-process against the test cluster, on free loopback ports. */
import type { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { runDiscovery } from '../../../src/discovery/run.ts';
import { createRealClock } from '../../../src/kube/clock.ts';
import type { WebhookOptions } from '../../../src/webhook/index.ts';
import { eventually } from './kube.ts';

export interface RunningDiscovery {
  readonly xdsPort: number;
  readonly monitoringPort: number;
  /** Present when started with a webhook. */
  readonly webhookPort: number | undefined;
  /** GETs a JSON debug page. */
  debug<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

export async function startDiscovery(kc: KubeConfig, options: { readonly webhook?: WebhookOptions } = {}): Promise<RunningDiscovery> {
  const abort = new AbortController();
  let ports: { xds: number; monitoring: number; webhook?: number } | undefined;
  const done = runDiscovery({
    kc,
    log: pino({ level: process.env.WEFT_E2E_LOG_LEVEL ?? 'warn' }),
    clock: createRealClock(),
    grpcHost: '127.0.0.1',
    grpcPort: 0,
    monitoringHost: '127.0.0.1',
    monitoringPort: 0,
    leaderElect: false,
    leaseNamespace: 'default',
    identity: 'e2e',
    ...(options.webhook === undefined ? {} : { webhook: options.webhook }),
    signal: abort.signal,
    onServing: (p) => (ports = p),
  });
  const bound = await eventually('discovery serving', () => Promise.resolve(ports));
  return {
    xdsPort: bound.xds,
    monitoringPort: bound.monitoring,
    webhookPort: bound.webhook,
    async debug<T>(path: string) {
      const res = await fetch(`http://127.0.0.1:${bound.monitoring}${path}`);
      return (await res.json()) as T;
    },
    async stop() {
      abort.abort();
      await done;
    },
  };
}
