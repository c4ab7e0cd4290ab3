/**
 * Prometheus metrics of the xDS side. Registered on the registry given (never the global one),
 * so tests and several servers in one process do not collide.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

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
}

const CONVERGENCE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const PUSH_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];

export function createXdsMetrics(registry: Registry): XdsMetrics {
  const registers = [registry];
  return {
    registry,
    streams: new Gauge({ name: 'weft_xds_connected_streams', help: 'Connected ADS streams by kind', labelNames: ['kind'], registers }),
    pushes: new Counter({ name: 'weft_xds_pushes_total', help: 'xDS responses sent by type', labelNames: ['type'], registers }),
    pushBytes: new Counter({ name: 'weft_xds_push_bytes_total', help: 'Bytes of xDS responses sent by type', labelNames: ['type'], registers }),
    pushTime: new Histogram({ name: 'weft_xds_push_seconds', help: 'Time to build and write one xDS response', labelNames: ['type'], buckets: PUSH_BUCKETS, registers }),
    nacks: new Counter({ name: 'weft_xds_nacks_total', help: 'xDS responses rejected by clients, by type', labelNames: ['type'], registers }),
    convergence: new Histogram({ name: 'weft_xds_convergence_seconds', help: 'Time from a cache change until every subscriber it woke has answered', buckets: CONVERGENCE_BUCKETS, registers }),
  };
}
