/**
 * DestinationRule / ServiceEntry → outbound clusters (istio.md §4.4): one per service port, one
 * per subset per port. Policy = merge(top level → portLevelSettings[port] → subset → subset's
 * portLevelSettings[port]); loadBalancer, connectionPool, outlierDetection and tls are each
 * replaced whole by the more specific level.
 */
import type { ClusterIR, Discovery, HashPolicyIR, LbPolicy, OutlierIR, ProxyFlavor, UpstreamTlsIR } from '../../ir/types.ts';
import type { DestinationRule, TrafficPolicy } from '../../model/types.ts';
import type { RegistryService, ServicePort } from '../../registry/types.ts';
import { compact } from './compact.ts';
import { durationMs, outboundClusterName } from './names.ts';

type PortPolicy = Pick<TrafficPolicy, 'loadBalancer' | 'connectionPool' | 'outlierDetection' | 'tls'>;

export interface Problem {
  readonly object: string;
  readonly message: string;
}

const MAX_U32 = 4294967295;

function levelFor(policy: TrafficPolicy | undefined, port: number): PortPolicy {
  if (policy === undefined) return {};
  const portLevel = (policy.portLevelSettings ?? []).find((p) => p.port?.number === port) ?? {};
  const pick = <K extends keyof PortPolicy>(k: K): PortPolicy[K] => portLevel[k] ?? policy[k];
  return compact({ loadBalancer: pick('loadBalancer'), connectionPool: pick('connectionPool'), outlierDetection: pick('outlierDetection'), tls: pick('tls') });
}


/** The effective policy for (port, subset). */
export function effectivePolicy(dr: DestinationRule | undefined, port: number, subset: string): PortPolicy {
  const top = levelFor(dr?.spec.trafficPolicy, port);
  if (subset === '') return top;
  const sub = (dr?.spec.subsets ?? []).find((s) => s.name === subset);
  return { ...top, ...levelFor(sub?.trafficPolicy, port) };
}

function lbOf(policy: PortPolicy, flavor: ProxyFlavor): Pick<ClusterIR, 'lb' | 'ringHashMinimumRingSize' | 'maglevTableSize'> {
  const lb = policy.loadBalancer;
  const hash = lb?.consistentHash;
  if (hash !== undefined) {
    if (hash.maglev !== undefined && flavor !== 'grpc') return { lb: 'MAGLEV', maglevTableSize: hash.maglev.tableSize ?? 65537 };
    return { lb: 'RING_HASH', ringHashMinimumRingSize: hash.ringHash?.minimumRingSize ?? hash.minimumRingSize ?? 1024 };
  }
  // grpc-js-xds accepts only ROUND_ROBIN and RING_HASH (xds.md §3.6).
  if (flavor === 'grpc') return { lb: 'ROUND_ROBIN' };
  const simple: Record<string, LbPolicy> = { ROUND_ROBIN: 'ROUND_ROBIN', RANDOM: 'RANDOM', PASSTHROUGH: 'CLUSTER_PROVIDED' };
  return { lb: simple[lb?.simple ?? ''] ?? 'LEAST_REQUEST' };
}

/** consistentHash → the route's hash policy; undefined without consistent hashing. */
export function hashPolicyOf(policy: PortPolicy): HashPolicyIR | undefined {
  const hash = policy.loadBalancer?.consistentHash;
  if (hash === undefined) return undefined;
  if (hash.httpHeaderName !== undefined) return { type: 'header', name: hash.httpHeaderName };
  if (hash.httpCookie !== undefined) {
    const ttlMs = durationMs(hash.httpCookie.ttl);
    return { type: 'cookie', name: hash.httpCookie.name ?? '', ...(hash.httpCookie.path === undefined ? {} : { path: hash.httpCookie.path }), ...(ttlMs === undefined ? {} : { ttlMs }) };
  }
  if (hash.httpQueryParameterName !== undefined) return { type: 'queryParameter', name: hash.httpQueryParameterName };
  if (hash.useSourceIp === true) return { type: 'sourceIp' };
  return undefined;
}

function outlierOf(policy: PortPolicy): OutlierIR | undefined {
  const o = policy.outlierDetection;
  if (o === undefined) return undefined;
  const consecutive5xx = o.consecutive5xxErrors ?? (o.consecutiveErrors === undefined ? undefined : o.consecutiveErrors);
  return compact({
    consecutive5xx,
    consecutiveGatewayErrors: o.consecutiveGatewayErrors,
    consecutiveLocalOriginFailures: o.consecutiveLocalOriginFailures,
    splitExternalLocalOriginErrors: o.splitExternalLocalOriginErrors ?? false,
    intervalMs: durationMs(o.interval) ?? 10_000,
    baseEjectionTimeMs: durationMs(o.baseEjectionTime) ?? 30_000,
    maxEjectionPercent: o.maxEjectionPercent ?? 10,
  });
}

function tlsOf(policy: PortPolicy, object: string, problems: Problem[]): UpstreamTlsIR | undefined {
  const tls = policy.tls;
  if (tls === undefined || tls.mode === undefined || tls.mode === 'DISABLE') return undefined;
  if (tls.mode !== 'SIMPLE') {
    problems.push({ object, message: `tls mode ${tls.mode} is not supported; the cluster is built without TLS` });
    return undefined;
  }
  return compact({
    mode: 'SIMPLE' as const,
    sni: tls.sni,
    caCertificates: tls.insecureSkipVerify === true ? undefined : tls.caCertificates,
    subjectAltNames: [...(tls.subjectAltNames ?? [])],
    insecureSkipVerify: tls.insecureSkipVerify ?? false,
  });
}

function discoveryOf(service: RegistryService, flavor: ProxyFlavor): Discovery {
  if (service.resolution === 'DNSLB') return 'STRICT_DNS';
  if (service.resolution === 'Passthrough') return flavor === 'sidecar' ? 'ORIGINAL_DST' : 'EDS';
  return 'EDS';
}

export interface ClusterRequest {
  readonly service: RegistryService;
  readonly port: ServicePort;
  readonly subset: string;
  readonly dr: DestinationRule | undefined;
  readonly flavor: ProxyFlavor;
  readonly connectTimeoutMs: number;
}

/** One outbound cluster; endpoints are attached by the caller (EDS) or inline (STRICT_DNS). */
export function buildCluster(req: ClusterRequest, problems: Problem[]): ClusterIR {
  const { service, port, subset, dr, flavor } = req;
  const name = outboundClusterName(port.port, subset, service.hostname);
  const policy = effectivePolicy(dr, port.port, subset);
  const object = dr === undefined ? `cluster ${name}` : `DestinationRule/${dr.metadata.namespace}/${dr.metadata.name}`;
  const pool = policy.connectionPool;
  let discovery = discoveryOf(service, flavor);
  const lb = discovery === 'ORIGINAL_DST' ? { lb: 'CLUSTER_PROVIDED' as const } : lbOf(policy, flavor);
  if (lb.lb === 'CLUSTER_PROVIDED' && discovery === 'EDS' && flavor === 'sidecar') discovery = 'ORIGINAL_DST';
  const outlier = outlierOf(policy);
  const tls = flavor === 'grpc' ? undefined : tlsOf(policy, object, problems);
  const idleTimeoutMs = durationMs(pool?.http?.idleTimeout ?? pool?.tcp?.idleTimeout);
  return compact({
    name,
    discovery,
    ...lb,
    connectTimeoutMs: durationMs(pool?.tcp?.connectTimeout) ?? req.connectTimeoutMs,
    circuitBreakers:
      pool === undefined
        ? undefined
        : {
            maxConnections: pool.tcp?.maxConnections ?? MAX_U32,
            maxPendingRequests: pool.http?.http1MaxPendingRequests ?? MAX_U32,
            maxRequests: pool.http?.http2MaxRequests ?? MAX_U32,
            maxRetries: pool.http?.maxRetries ?? MAX_U32,
          },
    maxRequestsPerConnection: flavor === 'grpc' ? undefined : pool?.http?.maxRequestsPerConnection,
    idleTimeoutMs: flavor === 'grpc' ? undefined : idleTimeoutMs,
    http2: flavor !== 'grpc' && (port.protocol === 'HTTP2' || port.protocol === 'GRPC' || pool?.http?.h2UpgradePolicy === 'UPGRADE'),
    outlier,
    healthyPanicThreshold: policy.outlierDetection?.minHealthPercent,
    tls,
    service: { host: service.hostname, port: port.port, subset },
  });
}

/** Subset names of a DR (sorted) with their labels. */
export function subsetsOf(dr: DestinationRule | undefined): readonly { readonly name: string; readonly labels: Readonly<Record<string, string>> }[] {
  return (dr?.spec.subsets ?? []).map((s) => ({ name: s.name ?? '', labels: s.labels ?? {} })).filter((s) => s.name !== '').sort((a, b) => a.name.localeCompare(b.name));
}
