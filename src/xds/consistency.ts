/**
 * The publish-time consistency rule (as go-control-plane's Snapshot.Consistent): every EDS name a
 * cluster refers to exists and every ClusterLoadAssignment is named by a cluster; every RDS name a
 * listener refers to exists and every RouteConfiguration is named by a listener.
 *
 * The cache only ever holds consistent states, so a publish can only break the rule at the names
 * it touches. `ReferenceIndex` keeps, per child type, how many parents name each child, and
 * `patchIsConsistent` checks a patch against it in O(patch) instead of re-checking the snapshot.
 * The full scan (`checkConsistency`) is kept for the failure path, where it words the problems.
 */
import type { XdsResource } from './resource.ts';
import { TYPE_URLS, type XdsTypeUrl } from './type-urls.ts';

type State = ReadonlyMap<XdsTypeUrl, ReadonlyMap<string, XdsResource>>;
/** name → new resource, or undefined for a removal. */
export type TypePatch = ReadonlyMap<string, XdsResource | undefined>;
export type Patch = ReadonlyMap<XdsTypeUrl, TypePatch>;

interface Pair {
  readonly parent: XdsTypeUrl;
  readonly child: XdsTypeUrl;
  readonly parentKind: string;
  readonly childKind: string;
}

const PAIRS: readonly Pair[] = [
  { parent: TYPE_URLS.cluster, child: TYPE_URLS.endpoint, parentKind: 'cluster', childKind: 'ClusterLoadAssignment' },
  { parent: TYPE_URLS.listener, child: TYPE_URLS.route, parentKind: 'listener', childKind: 'RouteConfiguration' },
];

/** Per child type (EDS, RDS): child name → number of parents naming it. */
export type ReferenceIndex = Map<XdsTypeUrl, Map<string, number>>;

export function createReferenceIndex(): ReferenceIndex {
  return new Map(PAIRS.map((pair) => [pair.child, new Map<string, number>()]));
}

/** Full scan of a state; the problems sorted. O(state): used only to word a refusal. */
export function checkConsistency(state: State): string[] {
  return PAIRS.flatMap((pair) => checkPair(state.get(pair.parent), state.get(pair.child), pair));
}

function checkPair(parents: ReadonlyMap<string, XdsResource> | undefined, children: ReadonlyMap<string, XdsResource> | undefined, pair: Pair): string[] {
  const problems: string[] = [];
  const referenced = new Set<string>();
  for (const parent of parents?.values() ?? []) {
    for (const name of parent.references) {
      referenced.add(name);
      if (children?.has(name) !== true) problems.push(`${pair.parentKind} ${parent.name} names missing ${pair.childKind} ${name}`);
    }
  }
  for (const name of children?.keys() ?? []) {
    if (!referenced.has(name)) problems.push(`${pair.childKind} ${name} is not named by any ${pair.parentKind}`);
  }
  return problems.sort();
}

/** How a patch changes reference counts of one pair's children: child name → delta. */
function referenceDelta(current: State, patch: Patch, pair: Pair): Map<string, number> {
  const delta = new Map<string, number>();
  const parents = current.get(pair.parent);
  for (const [name, next] of patch.get(pair.parent) ?? []) {
    for (const ref of parents?.get(name)?.references ?? []) delta.set(ref, (delta.get(ref) ?? 0) - 1);
    for (const ref of next?.references ?? []) delta.set(ref, (delta.get(ref) ?? 0) + 1);
  }
  return delta;
}

/**
 * Whether `current` (consistent, counted by `index`) stays consistent with `patch` applied.
 * O(names in the patch + references of patched parents).
 */
export function patchIsConsistent(current: State, patch: Patch, index: ReferenceIndex): boolean {
  for (const pair of PAIRS) {
    const counts = index.get(pair.child);
    const delta = referenceDelta(current, patch, pair);
    const childPatch = patch.get(pair.child);
    const children = current.get(pair.child);
    const touched = childPatch === undefined ? delta.keys() : new Set([...delta.keys(), ...childPatch.keys()]);
    for (const name of touched) {
      const count = (counts?.get(name) ?? 0) + (delta.get(name) ?? 0);
      const present = childPatch?.has(name) === true ? childPatch.get(name) !== undefined : children?.has(name) === true;
      if (present !== count > 0) return false;
    }
  }
  return true;
}

/** Applies the reference-count changes of `patch` (call before the patch is committed to `current`). */
export function indexPatch(current: State, patch: Patch, index: ReferenceIndex): void {
  for (const pair of PAIRS) {
    const counts = index.get(pair.child);
    if (counts === undefined) continue;
    for (const [name, change] of referenceDelta(current, patch, pair)) {
      const count = (counts.get(name) ?? 0) + change;
      if (count === 0) counts.delete(name);
      else counts.set(name, count);
    }
  }
}
