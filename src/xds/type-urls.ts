/**
 * The xDS resource types Weft serves, written once as literal types.
 *
 * ADS_ORDER is the make-before-break order of the aggregated stream: clusters before their
 * endpoints, listeners before their routes, and every cluster before the routes that use it.
 * See https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#eventual-consistency-considerations
 * and go-control-plane#526 for the traffic drops an unordered push causes.
 */
export const TYPE_URLS = {
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoint: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
} as const;

export type ResourceKind = keyof typeof TYPE_URLS;
export type XdsTypeUrl = (typeof TYPE_URLS)[ResourceKind];

/** CDS → EDS → LDS → RDS. */
export const ADS_ORDER: readonly XdsTypeUrl[] = [TYPE_URLS.cluster, TYPE_URLS.endpoint, TYPE_URLS.listener, TYPE_URLS.route];

const KNOWN = new Set<string>(ADS_ORDER);

export function isXdsTypeUrl(value: string): value is XdsTypeUrl {
  return KNOWN.has(value);
}

/** In state-of-the-world, every LDS and CDS response carries the full subscribed set; omission means deletion. */
export function requiresFullState(typeUrl: XdsTypeUrl): boolean {
  return typeUrl === TYPE_URLS.listener || typeUrl === TYPE_URLS.cluster;
}

/** Envoy may subscribe to these types by wildcard; EDS and RDS are always requested by name. */
export function allowsLegacyWildcard(typeUrl: XdsTypeUrl): boolean {
  return requiresFullState(typeUrl);
}

/** The message name (without the type.googleapis.com/ prefix). */
export function messageName(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
}

export const SHORT_NAMES: Readonly<Record<XdsTypeUrl, 'cds' | 'eds' | 'lds' | 'rds'>> = {
  [TYPE_URLS.cluster]: 'cds',
  [TYPE_URLS.endpoint]: 'eds',
  [TYPE_URLS.listener]: 'lds',
  [TYPE_URLS.route]: 'rds',
};
