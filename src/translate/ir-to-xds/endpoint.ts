/** IR endpoint sets → envoy.config.endpoint.v3.ClusterLoadAssignment, a weight on every locality. */
import type { EndpointIR, EndpointSetIR } from '../../ir/types.ts';
import { socketAddress, u32, type Obj } from './common.ts';

const weightOf = (weight: number): Obj => u32(Math.max(1, weight));

function lbEndpointOf(e: EndpointIR): Obj {
  return { endpoint: { address: socketAddress(e.address, e.port) }, health_status: e.health, load_balancing_weight: weightOf(e.weight) };
}

/**
 * `shared`, when given, holds the LbEndpoint built for each IR endpoint during one translation, so
 * the subset clusters of a service port that list the same IR endpoint share one object (plain
 * data, never mutated). A Map per call, not a WeakMap across calls: cheap, and garbage afterwards.
 */
export function loadAssignmentOf(set: EndpointSetIR, shared?: Map<EndpointIR, Obj>): Obj {
  const lbEndpoint = shared === undefined ? lbEndpointOf : (e: EndpointIR): Obj => {
    let out = shared.get(e);
    if (out === undefined) shared.set(e, (out = lbEndpointOf(e)));
    return out;
  };
  return {
    cluster_name: set.clusterName,
    endpoints: set.localities.map((l) => ({
      locality: { region: l.region, zone: l.zone, sub_zone: l.subZone },
      load_balancing_weight: weightOf(l.weight),
      lb_endpoints: l.endpoints.map(lbEndpoint),
    })),
  };
}
