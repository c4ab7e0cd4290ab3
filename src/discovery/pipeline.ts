/**
 * The push pipeline of `weft discovery`:
 *
 *   registry input + served Istio config + mesh config ─(debounced: 100 ms quiet, 1 s at most)─▶
 *     full:     registry ─▶ MeshContext ─▶ per proxy group: translateProxy ─▶ translateIr ─▶ diff ─▶ cache.setResources
 *     endpoint: (only EndpointSlices changed) per dirty service: its endpoints ─▶ its EDS in each group ─▶ cache.updateResources
 *
 * Groups come from the proxies that connect: `resolveGroup` parses the node (Istio node id and
 * metadata), names its group and translates it at once if it is new. Each group keeps its last IR
 * and xDS, so a rebuild that changes nothing pushes nothing and an endpoint change never rebuilds.
 */
import type { Clock } from '../kube/clock.ts';
import type { Logger } from '../log.ts';
import type { DestinationRule, Gateway, IstioResource, ServiceEntry, Sidecar, VirtualService, WorkloadEntry } from '../model/types.ts';
import { buildRegistry, type RegistryInput } from '../registry/build.ts';
import { DEFAULT_MESH_CONFIG, sameMeshConfig, type MeshConfigFields } from '../registry/mesh-config.ts';
import type { Registry } from '../registry/types.ts';
import { translateIr } from '../translate/ir-to-xds/translate.ts';
import { diffResources } from '../translate/incremental.ts';
import { createMeshContext, type AcceptedConfig, type MeshContext } from '../translate/model-to-ir/context.ts';
import { parseProxy, type ProxyDescriptor } from '../translate/model-to-ir/proxy.ts';
import { proxyGroupKey, translateProxy } from '../translate/model-to-ir/translate.ts';
import type { NodeInfo, SnapshotCache } from '../xds/index.ts';
import { createDebouncer } from '../controllers/debounce.ts';
import { createEndpointPath, type GroupState } from './endpoint-path.ts';

/** Group for nodes whose id is not in Istio's format: they get no resources. */
export const UNKNOWN_GROUP = 'unknown';

/** Istio's push trigger reasons (pilot_push_triggers{type}). */
export type PushTrigger = 'endpoint' | 'service' | 'config' | 'global' | 'proxy';

/** What changed in the registry input: an EndpointSlice change names its service. */
export interface RegistryChange {
  readonly kind: 'Service' | 'EndpointSlice' | 'Pod' | 'Namespace';
  readonly namespace?: string;
  /** EndpointSlice: the `kubernetes.io/service-name` label. */
  readonly serviceName?: string;
}

/** Hooks for metrics; all optional. */
export interface PipelineObserver {
  readonly trigger?: (type: PushTrigger) => void;
  /** Seconds from the first trigger of a burst to the start of its run. */
  readonly debounced?: (seconds: number) => void;
  readonly rebuilt?: (stats: { readonly full: boolean; readonly services: number; readonly virtualServices: number; readonly seconds: number }) => void;
}

export interface Pipeline {
  /** For the ADS server: the proxy group of a connecting node. */
  resolveGroup(node: NodeInfo): string;
  /** The whole current input; `change` says what changed (none: treat as a full change). */
  setRegistryInput(input: RegistryInput, change?: RegistryChange): void;
  setServedConfig(served: readonly IstioResource[]): void;
  /** The mesh config in force (from the mesh ConfigMap); a change triggers a debounced rebuild. */
  setMeshConfig(mesh: MeshConfigFields): void;
  /** Rebuilds now if anything is pending; resolves when done. */
  flush(): Promise<void>;
  stop(): void;
  /** For debug endpoints. */
  registry(): Registry;
  config(): AcceptedConfig;
  mesh(): MeshConfigFields;
  groups(): ReadonlyMap<string, ProxyDescriptor>;
}

export interface PipelineOptions {
  readonly cache: SnapshotCache;
  readonly clock: Clock;
  readonly log: Logger;
  readonly quietMs?: number;
  readonly maxMs?: number;
  readonly observer?: PipelineObserver;
}

/** google.protobuf.Struct in protobufjs object form → plain values. */
export function structToPlain(struct: unknown): Record<string, unknown> {
  const fields = (struct as { fields?: Record<string, unknown> } | undefined)?.fields ?? {};
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, valueToPlain(v)]));
}

function valueToPlain(value: unknown): unknown {
  const v = value as Record<string, unknown> | undefined;
  if (v === undefined) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('numberValue' in v) return v.numberValue;
  if ('boolValue' in v) return v.boolValue;
  if ('structValue' in v) return structToPlain(v.structValue);
  if ('listValue' in v) return ((v.listValue as { values?: unknown[] } | undefined)?.values ?? []).map(valueToPlain);
  return null;
}

export function acceptedConfigOf(served: readonly IstioResource[]): AcceptedConfig {
  return {
    virtualServices: served.filter((r): r is VirtualService => r.kind === 'VirtualService'),
    destinationRules: served.filter((r): r is DestinationRule => r.kind === 'DestinationRule'),
    gateways: served.filter((r): r is Gateway => r.kind === 'Gateway'),
    sidecars: served.filter((r): r is Sidecar => r.kind === 'Sidecar'),
  };
}

export function createPipeline(options: PipelineOptions): Pipeline {
  const log = options.log.child({ component: 'pipeline' });
  const observer = options.observer ?? {};
  let input: RegistryInput = {};
  let served: readonly IstioResource[] = [];
  let mesh: MeshConfigFields = DEFAULT_MESH_CONFIG;
  let ctx: MeshContext = createMeshContext(buildRegistry({}).registry, acceptedConfigOf([]));
  const groups = new Map<string, GroupState>();
  let fullPending = false;
  const dirtyServices = new Set<string>();
  let burstStart: number | undefined;
  const endpointPath = createEndpointPath({ cache: options.cache, log, groups, context: () => ctx, setContext: (next) => (ctx = next), input: () => input });

  const publish = (group: string, proxy: ProxyDescriptor): void => {
    const { ir, problems } = translateProxy(ctx, proxy);
    if (problems.length > 0) log.warn({ group, problems: problems.slice(0, 5), count: problems.length }, 'translation problems');
    const previous = groups.get(group);
    const diff = diffResources(previous?.xds, translateIr(ir));
    if (previous !== undefined && diff.changedCount === 0) {
      groups.set(group, { proxy, ir, xds: diff.resources });
      return;
    }
    const outcome = options.cache.setResources(group, diff.resources);
    if (!outcome.ok) {
      log.error({ group, problems: outcome.problems.slice(0, 5) }, 'snapshot refused; clients keep the last good one');
      if (previous === undefined) groups.set(group, { proxy });
      return;
    }
    groups.set(group, { proxy, ir, xds: diff.resources });
  };

  const rebuild = (): void => {
    const serviceEntries = served.filter((r): r is ServiceEntry => r.kind === 'ServiceEntry');
    const workloadEntries = served.filter((r): r is WorkloadEntry => r.kind === 'WorkloadEntry');
    const outcome = buildRegistry({ ...input, serviceEntries, workloadEntries, mesh });
    if (outcome.problems.length > 0) log.warn({ problems: outcome.problems.slice(0, 5), count: outcome.problems.length }, 'registry problems');
    ctx = createMeshContext(outcome.registry, acceptedConfigOf(served));
    for (const [group, state] of groups) publish(group, state.proxy);
  };

  const run = (): void => {
    const began = options.clock.now();
    if (burstStart !== undefined) observer.debounced?.((began - burstStart) / 1000);
    burstStart = undefined;
    const full = fullPending;
    fullPending = false;
    const services = [...dirtyServices];
    dirtyServices.clear();
    if (full) rebuild();
    else for (const key of services) endpointPath.update(key);
    const seconds = (options.clock.now() - began) / 1000;
    observer.rebuilt?.({ full, services: ctx.registry.services.length, virtualServices: ctx.config.virtualServices.length, seconds });
    log.debug({ full, groups: groups.size, endpointServices: full ? 0 : services.length, ms: seconds * 1000 }, 'rebuilt');
  };
  const debouncer = createDebouncer(options.clock, { quietMs: options.quietMs ?? 100, maxMs: options.maxMs ?? 1000 }, run);
  const trigger = (type: PushTrigger): void => {
    observer.trigger?.(type);
    burstStart ??= options.clock.now();
    debouncer.trigger();
  };

  return {
    resolveGroup(node) {
      const metadata = structToPlain((node.raw as { metadata?: unknown }).metadata);
      const parsed = parseProxy(node.id, metadata);
      if (!parsed.ok) {
        log.warn({ node: node.id, problem: parsed.problem }, 'unrecognised proxy; it gets no configuration');
        return UNKNOWN_GROUP;
      }
      const group = proxyGroupKey(ctx, parsed.proxy);
      if (!groups.has(group)) {
        observer.trigger?.('proxy');
        publish(group, parsed.proxy);
        log.info({ group, node: node.id }, 'new proxy group');
      }
      return group;
    },
    setRegistryInput(next, change) {
      input = next;
      if (change?.kind === 'EndpointSlice' && change.namespace !== undefined && change.serviceName !== undefined) {
        dirtyServices.add(`${change.namespace}/${change.serviceName}`);
        trigger('endpoint');
        return;
      }
      fullPending = true;
      trigger('service');
    },
    setServedConfig(next) {
      served = next;
      fullPending = true;
      trigger('config');
    },
    setMeshConfig(next) {
      if (sameMeshConfig(mesh, next)) return;
      mesh = next;
      fullPending = true;
      trigger('global');
    },
    flush: () => debouncer.flush(),
    stop: () => { debouncer.cancel(); },
    registry: () => ctx.registry,
    config: () => ctx.config,
    mesh: () => mesh,
    groups: () => new Map([...groups].map(([group, state]) => [group, state.proxy])),
  };
}
