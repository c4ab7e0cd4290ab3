/**
 * Prometheus metrics of the xDS side. Registered on the registry given (never the global one),
 * so tests and several servers in one process do not collide.
 *
 * Pushes are the hot path (one per response), and prom-client hashes the label set on every
 * call. `recordPush` only stores the figures in typed arrays; they are fed to `pushes`,
 * `pushBytes` and `pushTime` when those are read (their collect hook) or when the buffer is full,
 * so each series sees every push, in order, as if it had been called directly.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { SHORT_NAMES } from './type-urls.ts';

export type ShortType = (typeof SHORT_NAMES)[keyof typeof SHORT_NAMES];

export interface XdsMetrics {
  readonly registry: Registry;
  /** Connected ADS streams by kind (sotw, delta). */
  readonly streams: Gauge<'kind'>;
  readonly pushes: Counter<'type'>;
  readonly pushBytes: Counter<'type'>;
  /** Time to build and hand one response to the transport. */
  readonly pushTime: Histogram<'type'>;
  readonly nacks: Counter<'type'>;
  /** From a setResources call until every subscriber it woke has ACKed (or NACKed). */
  readonly convergence: Histogram;
  /** One response handed to the transport: counted in `pushes`, `pushBytes` and `pushTime` before they are next read. */
  recordPush(type: ShortType, bytes: number, seconds: number): void;
  /** Feeds the recorded pushes to their series now (their collect hooks call it; so may other series' hooks). */
  flushPushes(): void;
}

/** Pushes held before they are fed to prom-client even if nobody scrapes. */
const PUSH_BUFFER = 1024;
const TYPES: readonly ShortType[] = ['cds', 'eds', 'lds', 'rds'];
const TYPE_INDEX: Readonly<Record<ShortType, number>> = { cds: 0, eds: 1, lds: 2, rds: 3 };
/** One label set per type, shared by every call (prom-client keeps the object it is given). */
const LABELS: readonly { readonly type: ShortType }[] = TYPES.map((type) => Object.freeze({ type }));

const CONVERGENCE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const PUSH_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];

export function createXdsMetrics(registry: Registry): XdsMetrics {
  const registers = [registry];
  const buffered = { count: 0, types: new Uint8Array(PUSH_BUFFER), bytes: new Float64Array(PUSH_BUFFER), seconds: new Float64Array(PUSH_BUFFER) };
  const collect = (): void => {
    metrics.flushPushes();
  };
  const metrics: XdsMetrics = {
    registry,
    streams: new Gauge({ name: 'weft_xds_connected_streams', help: 'Connected ADS streams by kind', labelNames: ['kind'], registers }),
    pushes: new Counter({ name: 'weft_xds_pushes_total', help: 'xDS responses sent by type', labelNames: ['type'], registers, collect }),
    pushBytes: new Counter({ name: 'weft_xds_push_bytes_total', help: 'Bytes of xDS responses sent by type', labelNames: ['type'], registers, collect }),
    pushTime: new Histogram({ name: 'weft_xds_push_seconds', help: 'Time to build and write one xDS response', labelNames: ['type'], buckets: PUSH_BUCKETS, registers, collect }),
    nacks: new Counter({ name: 'weft_xds_nacks_total', help: 'xDS responses rejected by clients, by type', labelNames: ['type'], registers }),
    convergence: new Histogram({ name: 'weft_xds_convergence_seconds', help: 'Time from a cache change until every subscriber it woke has answered', buckets: CONVERGENCE_BUCKETS, registers }),
    recordPush(type, bytes, seconds) {
      const i = buffered.count++;
      buffered.types[i] = TYPE_INDEX[type];
      buffered.bytes[i] = bytes;
      buffered.seconds[i] = seconds;
      if (buffered.count === PUSH_BUFFER) metrics.flushPushes();
    },
    flushPushes() {
      const n = buffered.count;
      // Reset first: nothing fed below may be fed again by a nested call.
      buffered.count = 0;
      for (let i = 0; i < n; i++) {
        const labels = LABELS[buffered.types[i] ?? 0] ?? { type: 'cds' };
        metrics.pushes.inc(labels);
        metrics.pushBytes.inc(labels, buffered.bytes[i]);
        metrics.pushTime.observe(labels, buffered.seconds[i] ?? 0);
      }
    },
  };
  return metrics;
}
