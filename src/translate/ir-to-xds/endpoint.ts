/** IR endpoint sets → envoy.config.endpoint.v3.ClusterLoadAssignment, a weight on every locality. */
import type { EndpointIR, EndpointSetIR } from '../../ir/types.ts';
import { socketAddress, u32, type Obj } from './common.ts';

/** One LbEndpoint object per IR endpoint, shared by the load assignments that list it (plain data, never mutated). */
const lbEndpoints = new WeakMap<EndpointIR, Obj>();

function lbEndpointOf(e: EndpointIR): Obj {
  let out = lbEndpoints.get(e);
  if (out === undefined) lbEndpoints.set(e, (out = { endpoint: { address: socketAddress(e.address, e.port) }, health_status: e.health, load_balancing_weight: u32(Math.max(1, e.weight)) }));
  return out;
}

export function loadAssignmentOf(set: EndpointSetIR): Obj {
  return {
    cluster_name: set.clusterName,
    endpoints: set.localities.map((l) => ({
      locality: { region: l.region, zone: l.zone, sub_zone: l.subZone },
      load_balancing_weight: u32(Math.max(1, l.weight)),
      lb_endpoints: l.endpoints.map(lbEndpointOf),
    })),
  };
}
