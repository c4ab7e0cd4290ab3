/** Istio's names for xDS resources (istio.md §4.1), and Istio host name resolution. */
import { parseGoDuration } from '../../model/schema/dsl.ts';

/** `outbound|9080|v2|reviews.default.svc.cluster.local` (`model.BuildSubsetKey`). */
export function outboundClusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}

/** `inbound|9080||`. */
export function inboundClusterName(targetPort: number): string {
  return `inbound|${targetPort}||`;
}

export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';
export const INBOUND_PASSTHROUGH_CLUSTER = 'InboundPassthroughCluster';

/** `0.0.0.0_9080`, `10.96.4.7_27017`. */
export function listenerName(bind: string, port: number): string {
  return `${bind}_${port}`;
}

/** Gateway RDS names (`model/gateway.go gatewayRDSRouteName`). */
export function gatewayHttpRouteName(targetPort: number): string {
  return `http.${targetPort}`;
}

export function gatewayHttpsRouteName(port: number, portName: string, gatewayName: string, gatewayNamespace: string): string {
  return `https.${port}.${portName}.${gatewayName}.${gatewayNamespace}`;
}

/**
 * Istio's `ResolveShortnameToFQDN`: a name without dots is a short name in the config's
 * namespace (`reviews` → `reviews.default.svc.cluster.local`); anything else is taken as written.
 */
export function resolveHost(host: string, namespace: string, domainSuffix: string): string {
  if (host === '*' || host.includes('.')) return host;
  return `${host}.${namespace}.svc.${domainSuffix}`;
}

/** Host matching with a leading `*` wildcard on either side (`*.example.com`, `*`). */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1));
  if (host.startsWith('*')) return pattern.endsWith(host.slice(1));
  return false;
}

/** Go duration text → whole milliseconds; undefined when absent or malformed. */
export function durationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (parsed.has(text)) return parsed.get(text);
  const ns = parseGoDuration(text);
  const ms = ns === undefined ? undefined : Math.round(ns / 1e6);
  if (parsed.size < 10_000) parsed.set(text, ms);
  return ms;
}

/** Config repeats a handful of duration strings ("5s", "10s") thousands of times. */
const parsed = new Map<string, number | undefined>();
