/**
 * The xDS cache: Envoy v3 resources per proxy group, each with its own content-hash version.
 *
 * - Producers call `setResources(group, set)` (replace the given types) or `updateResources`
 *   (upsert/remove names of one type). A publish is checked for consistency first and refused
 *   as a whole if it fails, so clients keep the last good state.
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
import { checkConsistency } from './consistency.ts';
import { createPublish, type Publish } from './publish.ts';
import { encodeResource, type ResourceInput, type XdsResource } from './resource.ts';
import { ADS_ORDER, SHORT_NAMES, TYPE_URLS, type XdsTypeUrl } from './type-urls.ts';

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
  watchAll(group: string, typeUrl: XdsTypeUrl, watcher: Watcher): void;
  unwatchAll(group: string, typeUrl: XdsTypeUrl, watcher: Watcher): void;
  groups(): readonly string[];
  stats(): CacheStats;
}

/** What the ADS server needs: reads and watches, never writes. */
export type WatchableCache = Pick<SnapshotCache, 'get' | 'names' | 'watch' | 'unwatch' | 'watchAll' | 'unwatchAll'>;

export interface CacheStats {
  readonly groups: number;
  /** Distinct resource versions held (shared between groups). */
  readonly resources: number;
  readonly encodedBytes: number;
  readonly namedWatches: number;
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

  function groupState(group: string): GroupState {
    let state = groups.get(group);
    if (state === undefined) {
      state = { resources: new Map(), watchers: new Map(), wildcards: new Map() };
      for (const typeUrl of ADS_ORDER) {
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

  /** Validates the candidate state, swaps it in, and wakes the watchers of what changed. */
  function publish(group: string, candidate: TypeMap<Map<string, XdsResource>>, problems: string[], referencesUnchanged = false): PublishOutcome {
    const state = groupState(group);
    const next = new Map(state.resources);
    for (const [typeUrl, resources] of candidate) next.set(typeUrl, resources);
    if (!referencesUnchanged) problems.push(...checkConsistency(next));
    if (problems.length > 0) {
      log.warn({ group, problems: problems.slice(0, 20), count: problems.length }, 'refused inconsistent resources');
      return { ok: false, problems };
    }
    const changes: TypeMap<string[]> = new Map();
    for (const [typeUrl, resources] of candidate) {
      const names = commitType(typeMap(state.resources, typeUrl), resources);
      if (names.length > 0) changes.set(typeUrl, names);
    }
    const control = createPublish((_publish, seconds) => {
      onConverged(seconds);
    });
    let changed = 0;
    for (const typeUrl of ADS_ORDER) {
      const names = changes.get(typeUrl);
      if (names === undefined) continue;
      changed += names.length;
      notify(state, typeUrl, names, control);
    }
    control.sealed();
    if (changed > 0) log.info({ group, publish: control.id, changed }, 'published resources');
    return { ok: true, publish: control, changed };
  }

  /** Replaces `current` by `next` in place; returns the names whose version changed. */
  function commitType(current: Map<string, XdsResource>, next: Map<string, XdsResource>): string[] {
    const changed: string[] = [];
    for (const [name, resource] of next) {
      const old = current.get(name);
      if (old?.version === resource.version) continue;
      current.set(name, acquire(resource));
      if (old !== undefined) release(old);
      changed.push(name);
    }
    for (const [name, old] of current) {
      if (next.has(name)) continue;
      current.delete(name);
      release(old);
      changed.push(name);
    }
    return changed;
  }

  function notify(state: GroupState, typeUrl: XdsTypeUrl, names: readonly string[], control: Publish): void {
    for (const watcher of typeMap(state.wildcards, typeUrl)) watcher.onChange(typeUrl, names, control);
    const byName = typeMap(state.watchers, typeUrl);
    const named = new Map<Watcher, string[]>();
    for (const name of names) {
      const watchers = byName.get(name);
      if (watchers === undefined) continue;
      for (const watcher of watchers) {
        let list = named.get(watcher);
        if (list === undefined) named.set(watcher, (list = []));
        list.push(name);
      }
    }
    for (const [watcher, list] of named) watcher.onChange(typeUrl, list, control);
  }

  const cache: SnapshotCache = {
    setResources(group, resources) {
      const problems: string[] = [];
      const candidate: TypeMap<Map<string, XdsResource>> = new Map();
      for (const typeUrl of ADS_ORDER) {
        const inputs = resources[typeUrl];
        if (inputs === undefined) continue;
        const into = new Map<string, XdsResource>();
        encodeAll(typeUrl, inputs, into, problems);
        candidate.set(typeUrl, into);
      }
      return publish(group, candidate, problems);
    },
    updateResources(group, typeUrl, change) {
      const problems: string[] = [];
      const into = new Map(typeMap(groupState(group).resources, typeUrl));
      for (const name of change.remove ?? []) into.delete(name);
      const upserts = new Map<string, XdsResource>();
      encodeAll(typeUrl, change.upsert ?? [], upserts, problems);
      // Updating existing EDS/RDS names cannot break consistency: skip the O(group) check.
      const current = typeMap(groupState(group).resources, typeUrl);
      const referencesUnchanged = (typeUrl === TYPE_URLS.endpoint || typeUrl === TYPE_URLS.route) && (change.remove ?? []).length === 0 && [...upserts.keys()].every((name) => current.has(name));
      for (const [name, resource] of upserts) into.set(name, resource);
      return publish(group, new Map([[typeUrl, into]]), problems, referencesUnchanged);
    },
    removeGroup(group) {
      const empty: TypeMap<Map<string, XdsResource>> = new Map(ADS_ORDER.map((t) => [t, new Map<string, XdsResource>()]));
      const outcome = publish(group, empty, []);
      const state = groups.get(group);
      const watched = state !== undefined && ADS_ORDER.some((t) => typeMap(state.watchers, t).size > 0 || typeMap(state.wildcards, t).size > 0);
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
    watchAll: (group, typeUrl, watcher) => void typeMap(groupState(group).wildcards, typeUrl).add(watcher),
    unwatchAll: (group, typeUrl, watcher) => void groups.get(group)?.wildcards.get(typeUrl)?.delete(watcher),
    groups: () => [...groups.keys()].sort(),
    stats() {
      let encodedBytes = 0;
      for (const { resource } of interned.values()) encodedBytes += resource.body.length;
      let namedWatches = 0;
      for (const state of groups.values()) for (const byName of state.watchers.values()) for (const set of byName.values()) namedWatches += set.size;
      return { groups: groups.size, resources: interned.size, encodedBytes, namedWatches };
    },
  };
  return cache;
}
