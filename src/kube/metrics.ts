/**
 * Prometheus metrics of the controller runtime, as the hook objects the work queue, informers and
 * elector take. The caller owns the registry and serves it on /metrics.
 * Names follow controller-runtime's where one exists (reconcile total/duration, queue depth,
 * leader status), prefixed `weft_`.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { InformerMetrics } from './informer.ts';
import type { WorkQueueMetrics } from './work-queue.ts';

export interface ControllerMetrics {
  readonly queue: WorkQueueMetrics;
  readonly informer: InformerMetrics;
  setLeader(isLeader: boolean): void;
  /** One write request to the API server (apply, create, delete, status, event). */
  write(verb: string): void;
}

const metricCache = new WeakMap<Registry, ReturnType<typeof defineMetrics>>();

function defineMetrics(registry: Registry) {
  const registers = [registry];
  return {
    reconciles: new Counter({ name: 'weft_controller_reconcile_total', help: 'Reconciles by controller and result (done, requeueAfter, retry, terminal, error).', labelNames: ['controller', 'result'], registers }),
    duration: new Histogram({
      name: 'weft_controller_reconcile_duration_seconds',
      help: 'Time one reconcile took.',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    depth: new Gauge({ name: 'weft_controller_queue_depth', help: 'Keys waiting in the work queue.', labelNames: ['controller'], registers }),
    restarts: new Counter({ name: 'weft_informer_restarts_total', help: 'Watches restarted after an error, by kind.', labelNames: ['kind'], registers }),
    handlerErrors: new Counter({ name: 'weft_informer_handler_errors_total', help: 'Exceptions thrown by informer event handlers.', labelNames: ['kind', 'event'], registers }),
    lists: new Counter({ name: 'weft_informer_lists_total', help: 'Full lists by kind: the first sync, and every relist after a watch failed or expired.', labelNames: ['kind'], registers }),
    writes: new Counter({ name: 'weft_controller_writes_total', help: 'Write requests sent to the API server, by verb (apply, create, delete, status, event).', labelNames: ['verb'], registers }),
    leader: new Gauge({ name: 'weft_leader_election_is_leader', help: '1 while this process holds the lease.', labelNames: ['controller'], registers }),
  };
}

/** Metrics for one controller; several controllers can share a registry. */
export function createControllerMetrics(registry: Registry, controller: string): ControllerMetrics {
  let m = metricCache.get(registry);
  if (m === undefined) {
    m = defineMetrics(registry);
    metricCache.set(registry, m);
  }
  const metrics = m;
  metrics.depth.set({ controller }, 0);
  metrics.leader.set({ controller }, 0);
  return {
    queue: {
      depth: (depth) => {
        metrics.depth.set({ controller }, depth);
      },
      reconciled: (result, durationMs) => {
        metrics.reconciles.inc({ controller, result });
        metrics.duration.observe({ controller }, durationMs / 1000);
      },
    },
    informer: {
      restart: (kind) => {
        metrics.restarts.inc({ kind });
      },
      handlerError: (kind, event) => {
        metrics.handlerErrors.inc({ kind, event });
      },
      list: (kind) => {
        metrics.lists.inc({ kind });
      },
    },
    write: (verb) => {
      metrics.writes.inc({ verb });
    },
    setLeader: (isLeader) => {
      metrics.leader.set({ controller }, isLeader ? 1 : 0);
    },
  };
}
