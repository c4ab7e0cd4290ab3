/**
 * The publish-time consistency check (as go-control-plane's Snapshot.Consistent): every EDS name a
 * cluster refers to exists and every ClusterLoadAssignment is named by a cluster; every RDS name a
 * listener refers to exists and every RouteConfiguration is named by a listener. Pure.
 */
import type { XdsResource } from './resource.ts';
import { TYPE_URLS, type XdsTypeUrl } from './type-urls.ts';

export function checkConsistency(state: ReadonlyMap<XdsTypeUrl, ReadonlyMap<string, XdsResource>>): string[] {
  return [
    ...checkPair(state.get(TYPE_URLS.cluster), state.get(TYPE_URLS.endpoint), 'cluster', 'ClusterLoadAssignment'),
    ...checkPair(state.get(TYPE_URLS.listener), state.get(TYPE_URLS.route), 'listener', 'RouteConfiguration'),
  ];
}

function checkPair(
  parents: ReadonlyMap<string, XdsResource> | undefined,
  children: ReadonlyMap<string, XdsResource> | undefined,
  parentKind: string,
  childKind: string,
): string[] {
  const problems: string[] = [];
  const referenced = new Set<string>();
  for (const parent of parents?.values() ?? []) {
    for (const name of parent.references) {
      referenced.add(name);
      if (children?.has(name) !== true) problems.push(`${parentKind} ${parent.name} names missing ${childKind} ${name}`);
    }
  }
  for (const name of children?.keys() ?? []) {
    if (!referenced.has(name)) problems.push(`${childKind} ${name} is not named by any ${parentKind}`);
  }
  return problems.sort();
}
