/** IR endpoint sets → envoy.config.endpoint.v3.ClusterLoadAssignment, a weight on every locality. */
import type { EndpointIR, EndpointSetIR, LocalityEndpointsIR } from '../../ir/types.ts';
import { socketAddress, u32, type Obj } from './common.ts';

const weightOf = (weight: number): Obj => u32(Math.max(1, weight));

function lbEndpointOf(e: EndpointIR): Obj {
  return { endpoint: { address: socketAddress(e.address, e.port) }, health_status: e.health, load_balancing_weight: weightOf(e.weight) };
}

/**
 * What the load assignments of one translation share (plain data, never mutated): the LbEndpoint
 * of each IR endpoint (the subset clusters of a service port list the same ones) and the locality
 * objects. Maps per translation, not WeakMaps across translations: cheap, and garbage afterwards.
 */
export interface LoadAssignmentShare {
  readonly lbEndpoints: Map<EndpointIR, Obj>;
  readonly localities: Map<string, Obj>;
}

export const newLoadAssignmentShare = (): LoadAssignmentShare => ({ lbEndpoints: new Map(), localities: new Map() });

function sharedLocality(share: LoadAssignmentShare, l: LocalityEndpointsIR): Obj {
  const key = `${l.region}\u0000${l.zone}\u0000${l.subZone}`;
  let out = share.localities.get(key);
  if (out === undefined) share.localities.set(key, (out = { region: l.region, zone: l.zone, sub_zone: l.subZone }));
  return out;
}

export function loadAssignmentOf(set: EndpointSetIR, share: LoadAssignmentShare = newLoadAssignmentShare()): Obj {
  const lbEndpoint = (e: EndpointIR): Obj => {
    let out = share.lbEndpoints.get(e);
    if (out === undefined) share.lbEndpoints.set(e, (out = lbEndpointOf(e)));
    return out;
  };
  return {
    cluster_name: set.clusterName,
    endpoints: set.localities.map((l) => ({
      locality: sharedLocality(share, l),
      load_balancing_weight: weightOf(l.weight),
      lb_endpoints: l.endpoints.map(lbEndpoint),
    })),
  };
}
