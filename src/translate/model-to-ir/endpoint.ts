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

/** One IR endpoint per registry endpoint, shared by every cluster (subset) that lists it: plain data, never mutated. */
const endpointIrs = new WeakMap<RegistryEndpoint, EndpointIR>();

function endpointIr(e: RegistryEndpoint): EndpointIR {
  let ir = endpointIrs.get(e);
  if (ir === undefined) endpointIrs.set(e, (ir = { address: e.address, port: e.port, weight: e.weight, health: 'HEALTHY' }));
  return ir;
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

export function buildEndpointSet(clusterName: string, endpoints: readonly RegistryEndpoint[], servicePort: number, subsetLabels: Readonly<Record<string, string>>): EndpointSetIR {
  // A service has few localities: a linear search beats building string keys per endpoint.
  const groups: Group[] = [];
  for (const e of endpoints) {
    if (e.servicePort !== servicePort || e.health !== 'HEALTHY' || !labelsMatch(subsetLabels, e.labels)) continue;
    let group = groups.find((g) => compareLocality(g.locality, e.locality) === 0);
    if (group === undefined) groups.push((group = { locality: e.locality, endpoints: [] }));
    group.endpoints.push(endpointIr(e));
  }
  return { clusterName, localities: groups.sort((a, b) => compareLocality(a.locality, b.locality)).map(toLocality) };
}
