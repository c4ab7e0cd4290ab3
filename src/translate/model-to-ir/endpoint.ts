/**
 * Registry endpoints → one cluster's load assignment: filtered by service port and subset
 * labels, grouped by locality (sorted), each locality weighted by the sum of its endpoint
 * weights (grpc-js-xds requires a weight on every locality). Only healthy endpoints are sent;
 * an address:port listed twice is sent once (grpc-js-xds rejects duplicates).
 */
import type { EndpointIR, EndpointSetIR, LocalityEndpointsIR } from '../../ir/types.ts';
import type { Locality, RegistryEndpoint } from '../../registry/types.ts';
import { labelsMatch } from './context.ts';

interface Group {
  readonly locality: Locality;
  readonly endpoints: EndpointIR[];
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareLocality = (a: Locality, b: Locality): number => compareText(a.region, b.region) || compareText(a.zone, b.zone) || compareText(a.subZone, b.subZone);
const compareEndpoint = (a: EndpointIR, b: EndpointIR): number => compareText(a.address, b.address) || a.port - b.port;

/**
 * One IR endpoint per registry endpoint (same index), to be shared by every cluster (subset) of a
 * service port that lists it: plain data, never mutated.
 */
export function endpointIrs(endpoints: readonly RegistryEndpoint[]): EndpointIR[] {
  const out: EndpointIR[] = new Array<EndpointIR>(endpoints.length);
  for (let i = 0; i < endpoints.length; i++) {
    const e = endpoints[i] as RegistryEndpoint;
    out[i] = { address: e.address, port: e.port, weight: e.weight, health: 'HEALTHY' };
  }
  return out;
}

/** One pass: -1 out of order, 0 sorted with a duplicate, 1 strictly sorted. */
function orderOf(list: readonly EndpointIR[]): -1 | 0 | 1 {
  let order: -1 | 0 | 1 = 1;
  for (let i = 1; i < list.length; i++) {
    const c = compareEndpoint(list[i - 1] as EndpointIR, list[i] as EndpointIR);
    if (c > 0) return -1;
    if (c === 0) order = 0;
  }
  return order;
}

function toLocality(g: Group): LocalityEndpointsIR {
  // Registry endpoints are kept sorted (registry/build.ts), so a filtered list usually is too:
  // checking is one pass, and sorting (which allocates) happens only when it is not.
  const sorted = g.endpoints;
  let order = orderOf(sorted);
  if (order < 0) {
    sorted.sort(compareEndpoint);
    order = orderOf(sorted);
  }
  const unique = order === 0 ? sorted.filter((e, i) => i === 0 || compareEndpoint(sorted[i - 1] ?? e, e) !== 0) : sorted;
  let weight = 0;
  for (const e of unique) weight += e.weight;
  return { region: g.locality.region, zone: g.locality.zone, subZone: g.locality.subZone, weight, endpoints: unique };
}

/** `irs` are `endpointIrs(endpoints)`, passed in when several subsets share them. */
export function buildEndpointSet(
  clusterName: string,
  endpoints: readonly RegistryEndpoint[],
  servicePort: number,
  subsetLabels: Readonly<Record<string, string>>,
  irs: readonly EndpointIR[] = endpointIrs(endpoints),
): EndpointSetIR {
  // A service has few localities: a linear search beats building string keys per endpoint.
  const groups: Group[] = [];
  for (let i = 0; i < endpoints.length; i++) {
    const e = endpoints[i] as RegistryEndpoint;
    if (e.servicePort !== servicePort || e.health !== 'HEALTHY' || !labelsMatch(subsetLabels, e.labels)) continue;
    const group = groupOf(groups, e.locality);
    group.endpoints.push(irs[i] as EndpointIR);
  }
  const localities: LocalityEndpointsIR[] = new Array<LocalityEndpointsIR>(groups.length);
  for (let i = 0; i < groups.length; i++) localities[i] = toLocality(groups[i] as Group);
  return { clusterName, localities };
}

/** The group of `locality`; groups are kept in locality order (inserted in place, never sorted). */
function groupOf(groups: Group[], locality: Locality): Group {
  let at = groups.length;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as Group;
    if (g.locality === locality) return g;
    const c = compareLocality(g.locality, locality);
    if (c === 0) return g;
    if (c > 0) {
      at = i;
      break;
    }
  }
  const group: Group = { locality, endpoints: [] };
  groups.splice(at, 0, group);
  return group;
}
