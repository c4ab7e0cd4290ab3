/**
 * Registry endpoints → one cluster's load assignment: filtered by service port and subset
 * labels, grouped by locality (sorted), each locality weighted by the sum of its endpoint
 * weights (grpc-js-xds requires a weight on every locality). Only healthy endpoints are sent.
 */
import type { EndpointIR, EndpointSetIR, LocalityEndpointsIR } from '../../ir/types.ts';
import type { RegistryEndpoint } from '../../registry/types.ts';
import { labelsMatch } from './context.ts';

export function buildEndpointSet(clusterName: string, endpoints: readonly RegistryEndpoint[], servicePort: number, subsetLabels: Readonly<Record<string, string>>): EndpointSetIR {
  const groups = new Map<string, { region: string; zone: string; subZone: string; endpoints: EndpointIR[] }>();
  for (const e of endpoints) {
    if (e.servicePort !== servicePort || e.health !== 'HEALTHY' || !labelsMatch(subsetLabels, e.labels)) continue;
    const key = `${e.locality.region}/${e.locality.zone}/${e.locality.subZone}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { ...e.locality, endpoints: [] }));
    if (group.endpoints.some((x) => x.address === e.address && x.port === e.port)) continue;
    group.endpoints.push({ address: e.address, port: e.port, weight: e.weight, health: 'HEALTHY' });
  }
  const localities: LocalityEndpointsIR[] = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      region: g.region,
      zone: g.zone,
      subZone: g.subZone,
      weight: g.endpoints.reduce((sum, e) => sum + e.weight, 0),
      endpoints: g.endpoints.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port)),
    }));
  return { clusterName, localities };
}
