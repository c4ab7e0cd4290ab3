/**
 * Incremental pieces, all pure:
 * - `diffResources`: which xDS resources changed between two translations (upserts and removals
 *   per type URL); an empty diff means no push. The returned `resources` reuse the previous
 *   objects for unchanged resources, so the snapshot cache (which memoizes encodings per input
 *   object) does not re-encode them.
 * - the endpoint-only path: a service's new endpoints → a context with only that service's
 *   endpoints replaced → the load assignments of that service's clusters in one proxy group.
 */
import type { EndpointSetIR, ProxyIR } from '../ir/types.ts';
import { serviceKey, type RegistryEndpoint, type RegistryService } from '../registry/types.ts';
import type { ResourceInput } from '../xds/resource.ts';
import { ADS_ORDER, TYPE_URLS, type XdsTypeUrl } from '../xds/type-urls.ts';
import { loadAssignmentOf, newLoadAssignmentShare } from './ir-to-xds/endpoint.ts';
import type { XdsResources } from './ir-to-xds/translate.ts';
import { subsetsOf } from './model-to-ir/cluster.ts';
import { destinationRuleFor, type MeshContext } from './model-to-ir/context.ts';
import { buildEndpointSet, endpointIrs } from './model-to-ir/endpoint.ts';

export interface TypeChange {
  readonly upsert: readonly ResourceInput[];
  readonly remove: readonly string[];
}

export interface ResourceDiff {
  /** Only the types with changes. */
  readonly changes: ReadonlyMap<XdsTypeUrl, TypeChange>;
  /** `next`, with unchanged resources replaced by their previous (identical) objects. */
  readonly resources: XdsResources;
  readonly changedCount: number;
}

function nameOf(typeUrl: XdsTypeUrl, r: ResourceInput): string {
  const name = typeUrl === TYPE_URLS.endpoint ? r.cluster_name : r.name;
  return typeof name === 'string' ? name : '';
}

/** Structural equality of plain data (objects, arrays, scalars); identical references short-circuit. */
export function sameContent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameContent(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  for (const k of keys) if (!Object.hasOwn(rb, k) || !sameContent(ra[k], rb[k])) return false;
  return true;
}

export function diffResources(prev: XdsResources | undefined, next: XdsResources): ResourceDiff {
  const changes = new Map<XdsTypeUrl, TypeChange>();
  const resources: Partial<Record<XdsTypeUrl, readonly ResourceInput[]>> = {};
  let changedCount = 0;
  for (const typeUrl of ADS_ORDER) {
    const before = new Map((prev?.[typeUrl] ?? []).map((r) => [nameOf(typeUrl, r), r]));
    const upsert: ResourceInput[] = [];
    const kept = next[typeUrl].map((r) => {
      const old = before.get(nameOf(typeUrl, r));
      if (old !== undefined && sameContent(old, r)) return old;
      upsert.push(r);
      return r;
    });
    const names = new Set(next[typeUrl].map((r) => nameOf(typeUrl, r)));
    const remove = [...before.keys()].filter((n) => !names.has(n)).sort();
    resources[typeUrl] = kept;
    if (upsert.length > 0 || remove.length > 0) {
      changes.set(typeUrl, { upsert, remove });
      changedCount += upsert.length + remove.length;
    }
  }
  return { changes, resources: resources as XdsResources, changedCount };
}

/** The context with one service's endpoints replaced; every other index is shared, not rebuilt. */
export function withServiceEndpoints(ctx: MeshContext, service: RegistryService, endpoints: readonly RegistryEndpoint[]): MeshContext {
  const map = new Map(ctx.registry.endpoints);
  map.set(serviceKey(service), endpoints);
  return { ...ctx, registry: { ...ctx.registry, endpoints: map } };
}

/**
 * The load assignments of `service`'s EDS clusters present in a group's IR, recomputed from the
 * context's endpoints (subset labels from the DestinationRule the group's namespace sees).
 */
export function serviceEndpointSets(ctx: MeshContext, ir: ProxyIR, namespace: string, service: RegistryService): EndpointSetIR[] {
  const dr = destinationRuleFor(ctx, service, namespace);
  const labels = new Map(subsetsOf(dr).map((s) => [s.name, s.labels]));
  const endpoints = ctx.registry.endpoints.get(serviceKey(service)) ?? [];
  const irs = endpointIrs(endpoints);
  return ir.clusters
    .filter((c) => c.discovery === 'EDS' && c.service.host === service.hostname)
    .map((c) => buildEndpointSet(c.name, endpoints, c.service.port, labels.get(c.service.subset) ?? {}, irs));
}

/** The IR with the given endpoint sets swapped in (by cluster name). */
export function replaceEndpointSets(ir: ProxyIR, sets: readonly EndpointSetIR[]): ProxyIR {
  const byName = new Map(sets.map((s) => [s.clusterName, s]));
  return { ...ir, endpoints: ir.endpoints.map((e) => byName.get(e.clusterName) ?? e) };
}

/** The EDS upserts for the snapshot cache's `updateResources(group, EDS, { upsert })`. */
export function endpointUpserts(sets: readonly EndpointSetIR[]): ResourceInput[] {
  const share = newLoadAssignmentShare();
  return sets.map((set) => loadAssignmentOf(set, share));
}
