/**
 * IR → xDS: the plain-object resources (protobufjs `fromObject` shape, .proto field names, Any as
 * `{ '@type': url, … }`) that the snapshot cache's `setResources` takes, per type URL, sorted by name.
 */
import type { ProxyIR } from '../../ir/types.ts';
import type { ResourceInput } from '../../xds/resource.ts';
import { TYPE_URLS, type XdsTypeUrl } from '../../xds/type-urls.ts';
import { clusterOf } from './cluster.ts';
import { loadAssignmentOf } from './endpoint.ts';
import { apiListenerOf, socketListenerOf } from './listener.ts';
import { ensureTranslationProtos } from './protos.ts';
import { routeConfigurationOf } from './route.ts';

export type XdsResources = Readonly<Record<XdsTypeUrl, readonly ResourceInput[]>>;

export function translateIr(ir: ProxyIR): XdsResources {
  ensureTranslationProtos();
  const flavor = ir.flavor;
  return {
    [TYPE_URLS.listener]: ir.listeners.map((l) => (l.type === 'api' ? apiListenerOf(l, flavor) : socketListenerOf(l, flavor))),
    [TYPE_URLS.route]: ir.routeTables.map((t) => routeConfigurationOf(t, flavor)),
    [TYPE_URLS.cluster]: ir.clusters.map((c) => clusterOf(c, flavor)),
    [TYPE_URLS.endpoint]: ir.endpoints.map(loadAssignmentOf),
  };
}
