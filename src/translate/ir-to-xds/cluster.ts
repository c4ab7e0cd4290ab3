/** IR clusters → envoy.config.cluster.v3.Cluster (istio.md §4.4). */
import type { ClusterIR, ProxyFlavor } from '../../ir/types.ts';
import { ADS, duration, u32, type Obj } from './common.ts';
import { loadAssignmentOf } from './endpoint.ts';
import { TYPES } from './protos.ts';

function protocolOptions(c: ClusterIR): Obj | undefined {
  const common: Obj = {};
  if (c.idleTimeoutMs !== undefined) common.idle_timeout = duration(c.idleTimeoutMs);
  if (c.maxRequestsPerConnection !== undefined && c.maxRequestsPerConnection > 0) common.max_requests_per_connection = u32(c.maxRequestsPerConnection);
  if (Object.keys(common).length === 0 && !c.http2) return undefined;
  const out: Obj = { '@type': TYPES.httpProtocolOptions };
  if (Object.keys(common).length > 0) out.common_http_protocol_options = common;
  out.explicit_http_config = c.http2 ? { http2_protocol_options: {} } : { http_protocol_options: {} };
  return out;
}

function outlierOf(c: ClusterIR): Obj | undefined {
  const o = c.outlier;
  if (o === undefined) return undefined;
  const out: Obj = {
    interval: duration(o.intervalMs),
    base_ejection_time: duration(o.baseEjectionTimeMs),
    max_ejection_percent: u32(o.maxEjectionPercent),
    enforcing_success_rate: u32(0),
  };
  if (o.consecutive5xx !== undefined) Object.assign(out, { consecutive_5xx: u32(o.consecutive5xx), enforcing_consecutive_5xx: u32(o.consecutive5xx > 0 ? 100 : 0) });
  if (o.consecutiveGatewayErrors !== undefined) Object.assign(out, { consecutive_gateway_failure: u32(o.consecutiveGatewayErrors), enforcing_consecutive_gateway_failure: u32(100) });
  if (o.splitExternalLocalOriginErrors) out.split_external_local_origin_errors = true;
  if (o.consecutiveLocalOriginFailures !== undefined) out.consecutive_local_origin_failure = u32(o.consecutiveLocalOriginFailures);
  return out;
}

function tlsOf(c: ClusterIR): Obj | undefined {
  const t = c.tls;
  if (t === undefined) return undefined;
  const validation: Obj = {};
  if (t.caCertificates !== undefined) validation.trusted_ca = { filename: t.caCertificates };
  if (t.subjectAltNames.length > 0) validation.match_typed_subject_alt_names = t.subjectAltNames.map((san) => ({ san_type: 'DNS', matcher: { exact: san } }));
  const context: Obj = Object.keys(validation).length > 0 ? { validation_context: validation } : {};
  return { name: 'envoy.transport_sockets.tls', typed_config: { '@type': TYPES.upstreamTls, common_tls_context: context, ...(t.sni === undefined ? {} : { sni: t.sni }) } };
}

function lbFields(c: ClusterIR): Obj {
  const out: Obj = { lb_policy: c.lb };
  if (c.lb === 'RING_HASH' && c.ringHashMinimumRingSize !== undefined) out.ring_hash_lb_config = { minimum_ring_size: { value: c.ringHashMinimumRingSize } };
  if (c.lb === 'MAGLEV' && c.maglevTableSize !== undefined) out.maglev_lb_config = { table_size: { value: c.maglevTableSize } };
  return out;
}

export function clusterOf(c: ClusterIR, flavor: ProxyFlavor): Obj {
  const out: Obj = { name: c.name, type: c.discovery, connect_timeout: duration(c.connectTimeoutMs), ...lbFields(c) };
  if (c.discovery === 'EDS') out.eds_cluster_config = { eds_config: ADS, service_name: c.name };
  if (c.discovery === 'STRICT_DNS') Object.assign(out, { dns_lookup_family: 'V4_ONLY', respect_dns_ttl: true });
  if (c.inlineEndpoints !== undefined) out.load_assignment = loadAssignmentOf(c.inlineEndpoints);
  if (c.circuitBreakers !== undefined) {
    const cb = c.circuitBreakers;
    out.circuit_breakers = {
      thresholds: [{ max_connections: u32(cb.maxConnections), max_pending_requests: u32(cb.maxPendingRequests), max_requests: u32(cb.maxRequests), max_retries: u32(cb.maxRetries), track_remaining: true }],
    };
  }
  const options = flavor === 'grpc' ? undefined : protocolOptions(c);
  if (options !== undefined) out.typed_extension_protocol_options = { 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': options };
  const outlier = outlierOf(c);
  if (outlier !== undefined) out.outlier_detection = outlier;
  if (c.healthyPanicThreshold !== undefined) out.common_lb_config = { healthy_panic_threshold: { value: c.healthyPanicThreshold } };
  const tls = tlsOf(c);
  if (tls !== undefined) out.transport_socket = tls;
  return out;
}
