/**
 * The endpoint-only push (ADR 0042): when only a service's EndpointSlices changed, recompute that
 * service's endpoints, swap them into the context, and upsert the load assignments of its clusters
 * in every group that has them. Nothing else is translated, encoded or checked.
 */
import type { V1EndpointSlice } from '@kubernetes/client-node';
import type { ProxyIR } from '../ir/types.ts';
import type { Logger } from '../log.ts';
import { serviceEndpoints, type RegistryInput } from '../registry/build.ts';
import { indexPods, serviceHostname, type PodInfo } from '../registry/kubernetes.ts';
import { serviceKey } from '../registry/types.ts';
import type { XdsResources } from '../translate/ir-to-xds/translate.ts';
import { endpointUpserts, replaceEndpointSets, sameContent, serviceEndpointSets, withServiceEndpoints } from '../translate/incremental.ts';
import type { MeshContext } from '../translate/model-to-ir/context.ts';
import type { ProxyDescriptor } from '../translate/model-to-ir/proxy.ts';
import type { ResourceInput, SnapshotCache } from '../xds/index.ts';
import { TYPE_URLS } from '../xds/index.ts';

/** A proxy group's last published translation (absent while its first publish was refused). */
export interface GroupState {
  readonly proxy: ProxyDescriptor;
  readonly ir?: ProxyIR;
  readonly xds?: XdsResources;
}

export interface EndpointPathOptions {
  readonly cache: SnapshotCache;
  readonly log: Logger;
  readonly groups: Map<string, GroupState>;
  context(): MeshContext;
  setContext(ctx: MeshContext): void;
  input(): RegistryInput;
}

export interface EndpointPath {
  /** `namespace/name` of a Kubernetes service whose slices changed. */
  update(key: string): void;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** The group's EDS list with `upserts` swapped in by cluster name (order kept). */
function withEds(xds: XdsResources, upserts: readonly ResourceInput[]): XdsResources {
  const byName = new Map(upserts.map((u) => [u.cluster_name, u]));
  return { ...xds, [TYPE_URLS.endpoint]: xds[TYPE_URLS.endpoint].map((r) => byName.get(r.cluster_name) ?? r) };
}

export function createEndpointPath(options: EndpointPathOptions): EndpointPath {
  let pods: { readonly from: RegistryInput['pods']; readonly index: ReadonlyMap<string, PodInfo> } | undefined;
  const podIndex = (): ReadonlyMap<string, PodInfo> => {
    const current = options.input().pods;
    if (pods !== undefined && pods.from === current) return pods.index;
    const index = indexPods(current ?? []);
    pods = { from: current, index };
    return index;
  };

  return {
    update(key) {
      const slash = key.indexOf('/');
      const namespace = key.slice(0, slash);
      const name = key.slice(slash + 1);
      let ctx = options.context();
      const hostname = serviceHostname(name, namespace, ctx.registry.mesh.domainSuffix);
      const service = ctx.servicesByHost.get(hostname)?.find((s) => s.origin === 'kubernetes' && s.namespace === namespace);
      if (service === undefined) return;
      const slices = (options.input().endpointSlices ?? []).filter((s: V1EndpointSlice) => s.metadata?.namespace === namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === name);
      const endpoints = serviceEndpoints(ctx.registry, namespace, name, slices, podIndex()) ?? [];
      if (sameContent(endpoints, ctx.registry.endpoints.get(serviceKey(service)))) return;
      ctx = withServiceEndpoints(ctx, service, endpoints);
      options.setContext(ctx);
      for (const [group, state] of options.groups) {
        if (state.ir === undefined || state.xds === undefined) continue;
        const sets = serviceEndpointSets(ctx, state.ir, state.proxy.namespace, service);
        if (sets.length === 0) continue;
        const upsert = endpointUpserts(sets);
        const outcome = options.cache.updateResources(group, TYPE_URLS.endpoint, { upsert });
        if (!outcome.ok) {
          options.log.error({ group, service: key, problems: outcome.problems.slice(0, 5) }, 'endpoint update refused');
          continue;
        }
        options.groups.set(group, { proxy: state.proxy, ir: replaceEndpointSets(state.ir, sets), xds: withEds(state.xds, upsert) });
      }
    },
  };
}
