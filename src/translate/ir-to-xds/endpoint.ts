/** IR endpoint sets → envoy.config.endpoint.v3.ClusterLoadAssignment, a weight on every locality. */
import type { EndpointIR, EndpointSetIR } from '../../ir/types.ts';
import { socketAddress, u32, type Obj } from './common.ts';

/**
 * Weight wrappers for the usual small weights, shared by every LbEndpoint and locality that uses
 * them (plain data, never mutated): most endpoints weigh 1.
 */
const SMALL_WEIGHTS: readonly Obj[] = Array.from({ length: 129 }, (_, i) => Object.freeze(u32(i)));

const weightOf = (weight: number): Obj => {
  const w = Math.max(1, weight);
  return SMALL_WEIGHTS[w] ?? u32(w);
};

function lbEndpointOf(e: EndpointIR): Obj {
  return { endpoint: { address: socketAddress(e.address, e.port) }, health_status: e.health, load_balancing_weight: weightOf(e.weight) };
}

export function loadAssignmentOf(set: EndpointSetIR): Obj {
  return {
    cluster_name: set.clusterName,
    endpoints: set.localities.map((l) => ({
      locality: { region: l.region, zone: l.zone, sub_zone: l.subZone },
      load_balancing_weight: weightOf(l.weight),
      lb_endpoints: l.endpoints.map(lbEndpointOf),
    })),
  };
}
