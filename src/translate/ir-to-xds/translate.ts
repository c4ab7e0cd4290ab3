/**
 * IR → xDS: the plain-object resources (protobufjs `fromObject` shape, .proto field names, Any as
 * `{ '@type': url, … }`) that the snapshot cache's `setResources` takes, per type URL, sorted by name.
 */
import type { ProxyIR } from '../../ir/types.ts';
import type { ResourceInput } from '../../xds/resource.ts';
import { TYPE_URLS, type XdsTypeUrl } from '../../xds/type-urls.ts';
import { clusterOf } from './cluster.ts';
import { loadAssignmentOf, newLoadAssignmentShare } from './endpoint.ts';
import { apiListenerOf, socketListenerOf } from './listener.ts';
import { ensureTranslationProtos } from './protos.ts';
import { routeConfigurationOf } from './route.ts';

export type XdsResources = Readonly<Record<XdsTypeUrl, readonly ResourceInput[]>>;

/**
 * Per flavor, the xDS object last built from an IR object. IR objects that were reused (same
 * reference) give the same xDS object back, so unchanged resources cost nothing downstream.
 */
const memos = new Map<string, WeakMap<object, ResourceInput>>();

function memoized<T extends object>(kind: string, flavor: string, build: (item: T) => ResourceInput): (item: T) => ResourceInput {
  const key = `${kind}/${flavor}`;
  let memo = memos.get(key);
  if (memo === undefined) memos.set(key, (memo = new WeakMap()));
  const cache = memo;
  return (item) => {
    let out = cache.get(item);
    if (out === undefined) cache.set(item, (out = build(item)));
    return out;
  };
}

export function translateIr(ir: ProxyIR): XdsResources {
  ensureTranslationProtos();
  const flavor = ir.flavor;
  const share = newLoadAssignmentShare();
  return {
    [TYPE_URLS.listener]: ir.listeners.map(memoized<ProxyIR['listeners'][number]>('listener', flavor, (l) => (l.type === 'api' ? apiListenerOf(l, flavor) : socketListenerOf(l, flavor)))),
    [TYPE_URLS.route]: ir.routeTables.map(memoized<ProxyIR['routeTables'][number]>('route', flavor, (t) => routeConfigurationOf(t, flavor))),
    [TYPE_URLS.cluster]: ir.clusters.map(memoized<ProxyIR['clusters'][number]>('cluster', flavor, (c) => clusterOf(c, flavor))),
    [TYPE_URLS.endpoint]: ir.endpoints.map(memoized<ProxyIR['endpoints'][number]>('endpoint', '', (set) => loadAssignmentOf(set, share))),
  };
}
