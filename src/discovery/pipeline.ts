/**
 * The push pipeline of `weft discovery`:
 *
 *   registry input + served Istio config ─(debounced: 100 ms quiet, 1 s at most)─▶ registry ─▶ MeshContext
 *     ─▶ for every proxy group in use: translateProxy (model → IR) ─▶ translateIr (IR → xDS) ─▶ cache.setResources
 *
 * Groups come from the proxies that connect: `resolveGroup` parses the node (Istio node id and
 * metadata), names its group and translates it at once if it is new. The cache versions each
 * resource by content, so a rebuild that changes nothing pushes nothing.
 */
import type { Clock } from '../kube/clock.ts';
import type { Logger } from '../log.ts';
import type { DestinationRule, Gateway, IstioResource, ServiceEntry, Sidecar, VirtualService, WorkloadEntry } from '../model/types.ts';
import { buildRegistry, type RegistryInput } from '../registry/build.ts';
import type { Registry } from '../registry/types.ts';
import { translateIr } from '../translate/ir-to-xds/translate.ts';
import { createMeshContext, type AcceptedConfig, type MeshContext } from '../translate/model-to-ir/context.ts';
import { parseProxy, type ProxyDescriptor } from '../translate/model-to-ir/proxy.ts';
import { proxyGroupKey, translateProxy } from '../translate/model-to-ir/translate.ts';
import type { NodeInfo, SnapshotCache } from '../xds/index.ts';
import { createDebouncer } from '../controllers/debounce.ts';

/** Group for nodes whose id is not in Istio's format: they get no resources. */
export const UNKNOWN_GROUP = 'unknown';

export interface Pipeline {
  /** For the ADS server: the proxy group of a connecting node. */
  resolveGroup(node: NodeInfo): string;
  setRegistryInput(input: RegistryInput): void;
  setServedConfig(served: readonly IstioResource[]): void;
  /** Rebuilds now if anything is pending; resolves when done. */
  flush(): Promise<void>;
  stop(): void;
  /** For debug endpoints. */
  registry(): Registry;
  config(): AcceptedConfig;
  groups(): ReadonlyMap<string, ProxyDescriptor>;
}

export interface PipelineOptions {
  readonly cache: SnapshotCache;
  readonly clock: Clock;
  readonly log: Logger;
  readonly quietMs?: number;
  readonly maxMs?: number;
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
  let input: RegistryInput = {};
  let served: readonly IstioResource[] = [];
  let ctx: MeshContext = createMeshContext(buildRegistry({}).registry, acceptedConfigOf([]));
  const groups = new Map<string, ProxyDescriptor>();

  const publish = (group: string, proxy: ProxyDescriptor): void => {
    const { ir, problems } = translateProxy(ctx, proxy);
    if (problems.length > 0) log.warn({ group, problems: problems.slice(0, 5), count: problems.length }, 'translation problems');
    const outcome = options.cache.setResources(group, translateIr(ir));
    if (!outcome.ok) log.error({ group, problems: outcome.problems.slice(0, 5) }, 'snapshot refused; clients keep the last good one');
  };

  const rebuild = (): void => {
    const began = options.clock.now();
    const serviceEntries = served.filter((r): r is ServiceEntry => r.kind === 'ServiceEntry');
    const workloadEntries = served.filter((r): r is WorkloadEntry => r.kind === 'WorkloadEntry');
    const outcome = buildRegistry({ ...input, serviceEntries, workloadEntries });
    if (outcome.problems.length > 0) log.warn({ problems: outcome.problems.slice(0, 5), count: outcome.problems.length }, 'registry problems');
    ctx = createMeshContext(outcome.registry, acceptedConfigOf(served));
    for (const [group, proxy] of groups) publish(group, proxy);
    log.debug({ groups: groups.size, services: outcome.registry.services.length, ms: options.clock.now() - began }, 'rebuilt');
  };
  const debouncer = createDebouncer(options.clock, { quietMs: options.quietMs ?? 100, maxMs: options.maxMs ?? 1000 }, rebuild);

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
        groups.set(group, parsed.proxy);
        publish(group, parsed.proxy);
        log.info({ group, node: node.id }, 'new proxy group');
      }
      return group;
    },
    setRegistryInput(next) {
      input = next;
      debouncer.trigger();
    },
    setServedConfig(next) {
      served = next;
      debouncer.trigger();
    },
    flush: () => debouncer.flush(),
    stop: () => { debouncer.cancel(); },
    registry: () => ctx.registry,
    config: () => ctx.config,
    groups: () => groups,
  };
}
