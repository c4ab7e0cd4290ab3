/**
 * The xDS cache: Envoy v3 resources per proxy group, each with its own content-hash version.
 *
 * - Producers call `setResources(group, set)` (replace the given types) or `updateResources`
 *   (upsert/remove names of one type). A publish is checked for consistency first and refused
 *   as a whole if it fails, so clients keep the last good state. The check and the commit cost
 *   O(change): a reference index (which CDS names which EDS, which LDS names which RDS) is kept
 *   incrementally, see consistency.ts.
 * - Identical resources in different groups are the same object (interned by version): groups
 *   share bytes, they do not copy them.
 * - Watches are indexed by (group, type, name); a change wakes only the watchers of the changed
 *   names plus the wildcard watchers of that type. Watchers may name resources that do not exist
 *   yet; they are woken when the name appears.
 *
 * Not thread-related but re-entrancy-related: watchers are called synchronously inside a publish
 * and must only record the change and schedule their own work.
 */
import type { Logger } from '../log.ts';
import { checkConsistency, createReferenceIndex, indexPatch, patchIsConsistent, type ReferenceIndex } from './consistency.ts';
import { createPublish, type Publish } from './publish.ts';
import { encodeResource, type ResourceInput, type XdsResource } from './resource.ts';
import { ADS_ORDER, SHORT_NAMES, type XdsTypeUrl } from './type-urls.ts';

export type ResourceSet = Partial<Readonly<Record<XdsTypeUrl, readonly ResourceInput[]>>>;

export interface ResourceChange {
  readonly upsert?: readonly ResourceInput[];
  readonly remove?: readonly string[];
}

export type PublishOutcome =
  | { readonly ok: true; readonly publish: Publish; readonly changed: number }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface Watcher {
  /** `names` changed (added, updated or removed) in `typeUrl` of the watcher's group. */
  onChange(typeUrl: XdsTypeUrl, names: readonly string[], publish: Publish): void;
}

export interface SnapshotCache {
  setResources(group: string, resources: ResourceSet): PublishOutcome;
  updateResources(group: string, typeUrl: XdsTypeUrl, change: ResourceChange): PublishOutcome;
  removeGroup(group: string): PublishOutcome;
  get(group: string, typeUrl: XdsTypeUrl, name: string): XdsResource | undefined;
  names(group: string, typeUrl: XdsTypeUrl): Iterable<string>;
  watch(group: string, typeUrl: XdsTypeUrl, name: string, watcher: Watcher): void;
  unwatch(group: string, typeUrl: XdsTypeUrl, name: string, watcher: Watcher): void;
  /**
   * Watches every name of `names` with one entry per distinct set: streams that subscribe the
   * same (interned, immutable) set share it, so the cost is per distinct set, not per stream.
   * The set is keyed by identity and must not change while watched.
   */
  watchSet(group: string, typeUrl: XdsTypeUrl, names: ReadonlySet<string>, watcher: Watcher): void;
  unwatchSet(group: string, typeUrl: XdsTypeUrl, names: ReadonlySet<string>, watcher: Watcher): void;
  watchAll(group: string, typeUrl: XdsTypeUrl, watcher: Watcher): void;
  unwatchAll(group: string, typeUrl: XdsTypeUrl, watcher: Watcher): void;
  groups(): readonly string[];
  /** Changes whenever any resource of `typeUrl` in `group` changes (keys shared responses). */
  generation(group: string, typeUrl: XdsTypeUrl): number;
  stats(): CacheStats;
}

/** What the ADS server needs: reads and watches, never writes. */
export type WatchableCache = Pick<SnapshotCache, 'get' | 'names' | 'watch' | 'unwatch' | 'watchSet' | 'unwatchSet' | 'watchAll' | 'unwatchAll' | 'generation'>;

export interface CacheStats {
  readonly groups: number;
  /** Distinct resource versions held (shared between groups). */
  readonly resources: number;
  readonly encodedBytes: number;
  readonly namedWatches: number;
  /**
   * Resource entries examined by publishes so far (patch entries, plus the current names of each
   * type a setResources replaces). Tests use it to check that a publish costs O(change).
   */
  readonly publishWork: number;
}

export interface SnapshotCacheOptions {
  readonly log: Logger;
  /** Called when every subscriber woken by a publish has answered (feeds the convergence histogram). */
  readonly onConverged?: (seconds: number) => void;
}

type TypeMap<V> = Map<XdsTypeUrl, V>;

interface GroupState {
  readonly resources: TypeMap<Map<string, XdsResource>>;
  readonly watchers: TypeMap<Map<string, Set<Watcher>>>;
  readonly wildcards: TypeMap<Set<Watcher>>;
  /** Watched name sets → their watchers, and name → the watched sets holding it. */
  readonly setWatchers: TypeMap<Map<ReadonlySet<string>, Set<Watcher>>>;
  readonly setsByName: TypeMap<Map<string, Set<ReadonlySet<string>>>>;
  readonly generations: TypeMap<number>;
  readonly references: ReferenceIndex;
}

interface Interned {
  readonly resource: XdsResource;
  refs: number;
}

export function createSnapshotCache(options: SnapshotCacheOptions): SnapshotCache {
  const log = options.log.child({ component: 'xds-cache' });
  const groups = new Map<string, GroupState>();
  const interned = new Map<string, Interned>();
  const encoded = new WeakMap<ResourceInput, XdsResource>();
  const onConverged = options.onConverged ?? ((): void => undefined);
  let work = 0;
  let generation = 0;

  function groupState(group: string): GroupState {
    let state = groups.get(group);
    if (state === undefined) {
      state = { resources: new Map(), watchers: new Map(), wildcards: new Map(), setWatchers: new Map(), setsByName: new Map(), generations: new Map(), references: createReferenceIndex() };
      for (const typeUrl of ADS_ORDER) {
        state.setWatchers.set(typeUrl, new Map());
        state.setsByName.set(typeUrl, new Map());
        state.generations.set(typeUrl, 0);
        state.resources.set(typeUrl, new Map());
        state.watchers.set(typeUrl, new Map());
        state.wildcards.set(typeUrl, new Set());
      }
      groups.set(group, state);
    }
    return state;
  }

  function typeMap<V>(map: TypeMap<V>, typeUrl: XdsTypeUrl): V {
    const value = map.get(typeUrl);
    if (value === undefined) throw new Error(`unknown type ${typeUrl}`);
    return value;
  }

  function encodeAll(typeUrl: XdsTypeUrl, inputs: readonly ResourceInput[], into: Map<string, XdsResource>, problems: string[]): void {
    for (const input of inputs) {
      let resource = encoded.get(input);
      if (resource === undefined) {
        const outcome = encodeResource(typeUrl, input);
        if (!outcome.ok) {
          problems.push(outcome.problem);
          continue;
        }
        resource = outcome.resource;
        encoded.set(input, resource);
      }
      if (into.has(resource.name)) problems.push(`duplicate ${SHORT_NAMES[typeUrl]} name ${resource.name}`);
      into.set(resource.name, resource);
    }
  }

  function acquire(resource: XdsResource): XdsResource {
    const entry = interned.get(resource.version);
    if (entry !== undefined) {
      entry.refs++;
      return entry.resource;
    }
    interned.set(resource.version, { resource, refs: 1 });
    return resource;
  }

  function release(resource: XdsResource): void {
    const entry = interned.get(resource.version);
    if (entry === undefined) return;
    if (--entry.refs === 0) interned.delete(resource.version);
  }

  /** Validates the patch, commits it, and wakes the watchers of what changed. O(patch). */
  function publish(group: string, patch: Map<XdsTypeUrl, Map<string, XdsResource | undefined>>, problems: string[]): PublishOutcome {
    const state = groupState(group);
    for (const typePatch of patch.values()) work += typePatch.size;
    if (problems.length === 0 && !patchIsConsistent(state.resources, patch, state.references)) problems.push(...checkConsistency(patched(state, patch)));
    if (problems.length > 0) {
      log.warn({ group, problems: problems.slice(0, 20), count: problems.length }, 'refused inconsistent resources');
      return { ok: false, problems };
    }
    indexPatch(state.resources, patch, state.references);
    const control = createPublish((_publish, seconds) => {
      onConverged(seconds);
    });
    let changed = 0;
    for (const typeUrl of ADS_ORDER) {
      const typePatch = patch.get(typeUrl);
      if (typePatch === undefined || typePatch.size === 0) continue;
      commitType(typeMap(state.resources, typeUrl), typePatch);
      state.generations.set(typeUrl, ++generation);
      changed += typePatch.size;
      notify(state, typeUrl, [...typePatch.keys()], control);
    }
    control.sealed();
    if (changed > 0 && log.isLevelEnabled('info')) log.info({ group, publish: control.id, changed }, 'published resources');
    return { ok: true, publish: control, changed };
  }

  /** The state with `patch` applied, as new maps (failure path only: O(group)). */
  function patched(state: GroupState, patch: ReadonlyMap<XdsTypeUrl, ReadonlyMap<string, XdsResource | undefined>>): TypeMap<Map<string, XdsResource>> {
    const next = new Map<XdsTypeUrl, Map<string, XdsResource>>();
    for (const [typeUrl, current] of state.resources) {
      work += current.size;
      const copy = new Map(current);
      for (const [name, resource] of patch.get(typeUrl) ?? []) {
        if (resource === undefined) copy.delete(name);
        else copy.set(name, resource);
      }
      next.set(typeUrl, copy);
    }
    return next;
  }

  function commitType(current: Map<string, XdsResource>, typePatch: ReadonlyMap<string, XdsResource | undefined>): void {
    for (const [name, resource] of typePatch) {
      const old = current.get(name);
      if (resource === undefined) current.delete(name);
      else current.set(name, acquire(resource));
      if (old !== undefined) release(old);
    }
  }

  /** Adds `resource` under `name` to the patch unless the group already holds that version. */
  function patchIn(typePatch: Map<string, XdsResource | undefined>, current: ReadonlyMap<string, XdsResource>, name: string, resource: XdsResource | undefined): void {
    if (current.get(name)?.version === resource?.version) typePatch.delete(name);
    else typePatch.set(name, resource);
  }

  function notify(state: GroupState, typeUrl: XdsTypeUrl, names: readonly string[], control: Publish): void {
    for (const watcher of typeMap(state.wildcards, typeUrl)) watcher.onChange(typeUrl, names, control);
    const named = new Map<Watcher, string[]>();
    const add = (watcher: Watcher, name: string): void => {
      const list = named.get(watcher);
      if (list === undefined) named.set(watcher, [name]);
      else list.push(name);
    };
    const byName = typeMap(state.watchers, typeUrl);
    const setsByName = typeMap(state.setsByName, typeUrl);
    const setWatchers = typeMap(state.setWatchers, typeUrl);
    for (const name of names) {
      for (const watcher of byName.get(name) ?? []) add(watcher, name);
      for (const set of setsByName.get(name) ?? []) for (const watcher of setWatchers.get(set) ?? []) add(watcher, name);
    }
    for (const [watcher, list] of named) watcher.onChange(typeUrl, list, control);
  }

  function watchSet(state: GroupState, typeUrl: XdsTypeUrl, names: ReadonlySet<string>, watcher: Watcher): void {
    const setWatchers = typeMap(state.setWatchers, typeUrl);
    let watchers = setWatchers.get(names);
    if (watchers === undefined) {
      setWatchers.set(names, (watchers = new Set()));
      const setsByName = typeMap(state.setsByName, typeUrl);
      for (const name of names) {
        let sets = setsByName.get(name);
        if (sets === undefined) setsByName.set(name, (sets = new Set()));
        sets.add(names);
      }
    }
    watchers.add(watcher);
  }

  function unwatchSet(state: GroupState, typeUrl: XdsTypeUrl, names: ReadonlySet<string>, watcher: Watcher): void {
    const setWatchers = typeMap(state.setWatchers, typeUrl);
    const watchers = setWatchers.get(names);
    if (watchers === undefined || !watchers.delete(watcher) || watchers.size > 0) return;
    setWatchers.delete(names);
    const setsByName = typeMap(state.setsByName, typeUrl);
    for (const name of names) {
      const sets = setsByName.get(name);
      sets?.delete(names);
      if (sets?.size === 0) setsByName.delete(name);
    }
  }

  const cache: SnapshotCache = {
    setResources(group, resources) {
      const problems: string[] = [];
      const patch = new Map<XdsTypeUrl, Map<string, XdsResource | undefined>>();
      const state = groupState(group);
      for (const typeUrl of ADS_ORDER) {
        const inputs = resources[typeUrl];
        if (inputs === undefined) continue;
        const next = new Map<string, XdsResource>();
        encodeAll(typeUrl, inputs, next, problems);
        const current = typeMap(state.resources, typeUrl);
        const typePatch = new Map<string, XdsResource | undefined>();
        for (const [name, resource] of next) patchIn(typePatch, current, name, resource);
        for (const name of current.keys()) if (!next.has(name)) typePatch.set(name, undefined);
        work += current.size;
        patch.set(typeUrl, typePatch);
      }
      return publish(group, patch, problems);
    },
    updateResources(group, typeUrl, change) {
      const problems: string[] = [];
      const current = typeMap(groupState(group).resources, typeUrl);
      const typePatch = new Map<string, XdsResource | undefined>();
      for (const name of change.remove ?? []) if (current.has(name)) typePatch.set(name, undefined);
      const upserts = new Map<string, XdsResource>();
      encodeAll(typeUrl, change.upsert ?? [], upserts, problems);
      for (const [name, resource] of upserts) patchIn(typePatch, current, name, resource);
      return publish(group, new Map([[typeUrl, typePatch]]), problems);
    },
    removeGroup(group) {
      const outcome = cache.setResources(group, Object.fromEntries(ADS_ORDER.map((t) => [t, []])));
      const state = groups.get(group);
      const watched = state !== undefined && ADS_ORDER.some((t) => typeMap(state.watchers, t).size > 0 || typeMap(state.wildcards, t).size > 0 || typeMap(state.setWatchers, t).size > 0);
      if (!watched) groups.delete(group);
      return outcome;
    },
    get: (group, typeUrl, name) => groups.get(group)?.resources.get(typeUrl)?.get(name),
    names: (group, typeUrl) => groups.get(group)?.resources.get(typeUrl)?.keys() ?? [],
    watch(group, typeUrl, name, watcher) {
      const byName = typeMap(groupState(group).watchers, typeUrl);
      let set = byName.get(name);
      if (set === undefined) byName.set(name, (set = new Set()));
      set.add(watcher);
    },
    unwatch(group, typeUrl, name, watcher) {
      const byName = groups.get(group)?.watchers.get(typeUrl);
      const set = byName?.get(name);
      if (set === undefined) return;
      set.delete(watcher);
      if (set.size === 0) byName?.delete(name);
    },
    watchSet: (group, typeUrl, names, watcher) => {
      watchSet(groupState(group), typeUrl, names, watcher);
    },
    unwatchSet(group, typeUrl, names, watcher) {
      const state = groups.get(group);
      if (state !== undefined) unwatchSet(state, typeUrl, names, watcher);
    },
    generation: (group, typeUrl) => groups.get(group)?.generations.get(typeUrl) ?? 0,
    watchAll: (group, typeUrl, watcher) => void typeMap(groupState(group).wildcards, typeUrl).add(watcher),
    unwatchAll: (group, typeUrl, watcher) => void groups.get(group)?.wildcards.get(typeUrl)?.delete(watcher),
    groups: () => [...groups.keys()].sort(),
    stats() {
      let encodedBytes = 0;
      for (const { resource } of interned.values()) encodedBytes += resource.body.length;
      let namedWatches = 0;
      for (const state of groups.values()) {
        for (const byName of state.watchers.values()) for (const set of byName.values()) namedWatches += set.size;
        for (const byName of state.setsByName.values()) for (const sets of byName.values()) namedWatches += sets.size;
      }
      return { groups: groups.size, resources: interned.size, encodedBytes, namedWatches, publishWork: work };
    },
  };
  return cache;
}
