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

function hasDuplicates(sorted: readonly EndpointIR[]): boolean {
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (a !== undefined && b !== undefined && compareEndpoint(a, b) === 0) return true;
  }
  return false;
}

function toLocality(g: Group): LocalityEndpointsIR {
  const sorted = g.endpoints.sort(compareEndpoint);
  const unique = hasDuplicates(sorted) ? sorted.filter((e, i) => i === 0 || compareEndpoint(sorted[i - 1] ?? e, e) !== 0) : sorted;
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
  if (groups.length > 1) groups.sort((a, b) => compareLocality(a.locality, b.locality));
  const localities: LocalityEndpointsIR[] = new Array<LocalityEndpointsIR>(groups.length);
  for (let i = 0; i < groups.length; i++) localities[i] = toLocality(groups[i] as Group);
  return { clusterName, localities };
}

function groupOf(groups: Group[], locality: Locality): Group {
  for (const g of groups) if (g.locality === locality || compareLocality(g.locality, locality) === 0) return g;
  const group: Group = { locality, endpoints: [] };
  groups.push(group);
  return group;
}
