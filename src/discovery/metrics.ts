/**
 * Metrics of `weft discovery` under Istio's names (pilot_*), so istiod dashboards keep working.
 * The xDS server (src/xds) counts under weft_* through `XdsMetrics`; `teeXdsMetrics` makes each
 * of those calls also feed its pilot_* counterpart, without touching the xDS code. Per-node
 * rejects are read from the open streams at scrape time. The pipeline feeds triggers, debounce
 * and registry sizes; the sources feed Kubernetes events; the mesh ConfigMap its own state.
 *
 * weft_* metrics that stay: weft_xds_connected_streams{kind} (SotW vs delta) and
 * weft_xds_push_bytes_total (a plain byte counter); the others repeat a pilot_* one and are kept
 * because src/xds owns them.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { IstioResource } from '../model/types.ts';
import type { MeshConfigState } from '../registry/mesh-config.ts';
import type { XdsMetrics } from '../xds/index.ts';
import { SHORT_NAMES } from '../xds/type-urls.ts';
import type { StreamCore } from '../xds/stream-core.ts';
import type { PipelineObserver } from './pipeline.ts';

export interface PilotMetrics {
  readonly xds: Gauge;
  readonly pushes: Counter<'type'>;
  readonly pushTime: Histogram<'type'>;
  readonly sendTime: Histogram;
  readonly configSize: Histogram<'type'>;
  readonly rejects: Counter<'type'>;
  readonly convergence: Histogram;
  readonly debounce: Histogram;
  readonly triggers: Counter<'type'>;
  readonly services: Gauge;
  readonly virtualServices: Gauge;
  readonly regEvents: Counter<'type' | 'event'>;
  readonly cfgEvents: Counter<'type' | 'event'>;
}

export interface DiscoveryMetrics {
  readonly pilot: PilotMetrics;
  /** For the pipeline. */
  readonly observer: PipelineObserver;
  /** Mesh ConfigMap state changes (for `createMeshSource`). */
  meshState(state: MeshConfigState): void;
  /** Served Istio config changed: counts pilot_k8s_cfg_events. */
  servedChanged(served: readonly IstioResource[]): void;
  /** A registry informer event: counts pilot_k8s_reg_events. */
  registryEvent(kind: string, event: 'add' | 'update' | 'delete'): void;
}

/** Istio's buckets (pilot/pkg/xds/monitoring.go, pilot/pkg/model/push_context.go). */
const TIME_BUCKETS = [0.01, 0.1, 0.5, 1, 3, 5, 10, 20, 30];
const SIZE_BUCKETS = [1, 10000, 1000000, 4000000, 10000000, 40000000];
const REG_TYPES: Readonly<Record<string, string>> = { Service: 'Services', EndpointSlice: 'EndpointSlice', Pod: 'Pods', Namespace: 'Namespaces' };

/** Replaces `obj[key]` by a function that calls the original, then `after` with the same arguments. */
function tap<K extends string>(obj: Record<K, unknown>, key: K, after: (args: readonly unknown[]) => void): void {
  const original = obj[key] as (...args: unknown[]) => unknown;
  obj[key] = function tapped(this: unknown, ...args: unknown[]): unknown {
    const result = original.apply(obj, args);
    after(args);
    return result;
  };
}

/** prom-client's `(labels?, value?)` or `(value?)` call shapes → the `type` label and the value. */
function callOf(args: readonly unknown[]): { readonly type: string; readonly value: number } {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) {
    const type = (first as { type?: unknown }).type;
    return { type: typeof type === 'string' ? type : '', value: typeof second === 'number' ? second : 1 };
  }
  return { type: '', value: typeof first === 'number' ? first : 1 };
}

/** Makes the xDS server's weft_* calls also feed pilot_* (xds gauge, pushes, times, sizes, rejects). */
export function teeXdsMetrics(xds: XdsMetrics, pilot: PilotMetrics): void {
  const target = (m: object): Record<string, unknown> => m as Record<string, unknown>;
  tap(target(xds.streams), 'inc', () => { pilot.xds.inc(); });
  tap(target(xds.streams), 'dec', () => { pilot.xds.dec(); });
  tap(target(xds.pushes), 'inc', (args) => { pilot.pushes.inc({ type: callOf(args).type }); });
  tap(target(xds.pushBytes), 'inc', (args) => { const c = callOf(args); pilot.configSize.observe({ type: c.type }, c.value); });
  tap(target(xds.pushTime), 'observe', (args) => {
    const c = callOf(args);
    pilot.pushTime.observe({ type: c.type }, c.value);
    pilot.sendTime.observe(c.value);
  });
  tap(target(xds.nacks), 'inc', (args) => { pilot.rejects.inc({ type: callOf(args).type }); });
  tap(target(xds.convergence), 'observe', (args) => { pilot.convergence.observe(callOf(args).value); });
}

/** pilot_xds_{cds,eds,lds,rds}_reject{node,err}: 1 per stream and type whose last response was rejected and not superseded. */
function rejectGauges(registry: Registry, streams: () => readonly StreamCore[]): void {
  for (const short of Object.values(SHORT_NAMES)) {
    new Gauge({
      name: `pilot_xds_${short}_reject`,
      help: `Pilot rejected ${short.toUpperCase()} configs, by node and error`,
      labelNames: ['node', 'err'],
      registers: [registry],
      collect() {
        this.reset();
        for (const core of streams()) {
          for (const state of core.types.values()) {
            if (SHORT_NAMES[state.typeUrl] !== short || state.rejected.size === 0 || state.lastNack === undefined) continue;
            this.set({ node: core.node.id, err: state.lastNack.message.slice(0, 200) }, 1);
          }
        }
      },
    });
  }
}

function pilotMetrics(registry: Registry, xds: XdsMetrics): PilotMetrics {
  const registers = [registry];
  // The push series are fed from the xDS server's buffered pushes (teeXdsMetrics): flush them before a read.
  const collect = (): void => {
    xds.flushPushes();
  };
  return {
    xds: new Gauge({ name: 'pilot_xds', help: 'Number of endpoints connected to this pilot using XDS', registers }),
    pushes: new Counter({ name: 'pilot_xds_pushes', help: 'Pilot build and send errors for lds, rds, cds and eds', labelNames: ['type'], registers, collect }),
    pushTime: new Histogram({ name: 'pilot_xds_push_time', help: 'Total time in seconds Pilot takes to push lds, rds, cds and eds', labelNames: ['type'], buckets: TIME_BUCKETS, registers, collect }),
    sendTime: new Histogram({ name: 'pilot_xds_send_time', help: 'Total time in seconds Pilot takes to send generated configuration', buckets: TIME_BUCKETS, registers, collect }),
    configSize: new Histogram({ name: 'pilot_xds_config_size_bytes', help: 'Distribution of configuration sizes pushed to clients', labelNames: ['type'], buckets: SIZE_BUCKETS, registers, collect }),
    rejects: new Counter({ name: 'pilot_total_xds_rejects', help: 'Total number of XDS responses from pilot rejected by proxy', labelNames: ['type'], registers }),
    convergence: new Histogram({ name: 'pilot_proxy_convergence_time', help: 'Delay in seconds between config change and a proxy receiving all required configuration', buckets: [0.1, 0.5, 1, 3, 5, 10, 20, 30], registers }),
    debounce: new Histogram({ name: 'pilot_debounce_time', help: 'Delay in seconds between the first config enters debouncing and the merged push request is pushed into the push queue', buckets: [0.01, 0.1, 1, 3, 5, 10, 20, 30], registers }),
    triggers: new Counter({ name: 'pilot_push_triggers', help: 'Total number of times a push was triggered, labeled by reason for the push', labelNames: ['type'], registers }),
    services: new Gauge({ name: 'pilot_services', help: 'Total services known to pilot', registers }),
    virtualServices: new Gauge({ name: 'pilot_virt_services', help: 'Total virtual services known to pilot', registers }),
    regEvents: new Counter({ name: 'pilot_k8s_reg_events', help: 'Events from k8s registry', labelNames: ['type', 'event'], registers }),
    cfgEvents: new Counter({ name: 'pilot_k8s_cfg_events', help: 'Events from k8s config', labelNames: ['type', 'event'], registers }),
  };
}

const resourceKey = (r: IstioResource): string => `${r.kind}/${r.metadata.namespace}/${r.metadata.name}`;

/** add/update/delete events between two served lists, by kind (update: a new object whose generation changed, or without generations). */
export function configEvents(previous: readonly IstioResource[], next: readonly IstioResource[]): { readonly type: string; readonly event: 'add' | 'update' | 'delete' }[] {
  const before = new Map(previous.map((r) => [resourceKey(r), r]));
  const events: { type: string; event: 'add' | 'update' | 'delete' }[] = [];
  for (const r of next) {
    const old = before.get(resourceKey(r));
    before.delete(resourceKey(r));
    if (old === undefined) events.push({ type: r.kind, event: 'add' });
    else if (old !== r && (old.metadata.generation !== r.metadata.generation || r.metadata.generation === undefined)) events.push({ type: r.kind, event: 'update' });
  }
  for (const r of before.values()) events.push({ type: r.kind, event: 'delete' });
  return events;
}

function meshMetrics(registry: Registry): (state: MeshConfigState) => void {
  const registers = [registry];
  const refused = new Gauge({ name: 'weft_mesh_config_refused', help: '1 while the mesh ConfigMap is refused (the last good config stays in force)', registers });
  const updates = new Counter({ name: 'weft_mesh_config_updates_total', help: 'Mesh ConfigMap events, by outcome (applied, refused, absent)', labelNames: ['result'], registers });
  const mode = new Gauge({ name: 'weft_mesh_config_outbound_registry_only', help: '1 when outboundTrafficPolicy is REGISTRY_ONLY', registers });
  return (state) => {
    refused.set(state.error === undefined ? 0 : 1);
    updates.inc({ result: state.error !== undefined ? 'refused' : state.source === 'absent' ? 'absent' : 'applied' });
    mode.set(state.mesh.outboundTrafficPolicy === 'REGISTRY_ONLY' ? 1 : 0);
  };
}

export function createDiscoveryMetrics(registry: Registry, xds: XdsMetrics, streams: () => readonly StreamCore[]): DiscoveryMetrics {
  const pilot = pilotMetrics(registry, xds);
  teeXdsMetrics(xds, pilot);
  rejectGauges(registry, streams);
  let served: readonly IstioResource[] = [];
  return {
    pilot,
    observer: {
      trigger: (type) => { pilot.triggers.inc({ type }); },
      debounced: (seconds) => { pilot.debounce.observe(seconds); },
      rebuilt: ({ services, virtualServices }) => {
        pilot.services.set(services);
        pilot.virtualServices.set(virtualServices);
      },
    },
    meshState: meshMetrics(registry),
    servedChanged(next) {
      for (const e of configEvents(served, next)) pilot.cfgEvents.inc(e);
      served = next;
    },
    registryEvent(kind, event) {
      pilot.regEvents.inc({ type: REG_TYPES[kind] ?? kind, event });
    },
  };
}
