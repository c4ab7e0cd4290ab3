/** IR route tables → envoy.config.route.v3.RouteConfiguration (istio.md §4.3). */
import type { CorsIR, FaultIR, ForwardActionIR, HashPolicyIR, ProxyFlavor, RedirectActionIR, RetryIR, RouteIR, RouteMatchIR, RouteTableIR, VirtualHostIR } from '../../ir/types.ts';
import { duration, fractionalPercent, headerOps, stringMatcher, u32, type Obj } from './common.ts';
import { TYPES } from './protos.ts';

function matchOf(m: RouteMatchIR): Obj {
  const path = 'exact' in m.path ? { path: m.path.exact } : 'prefix' in m.path ? { prefix: m.path.prefix } : { safe_regex: { regex: m.path.regex } };
  const out: Obj = { ...path, case_sensitive: { value: m.caseSensitive } };
  if (m.headers.length > 0) {
    out.headers = m.headers.map((h) => ({ name: h.name, ...(h.match === undefined ? { present_match: true } : { string_match: stringMatcher(h.match) }), ...(h.invert ? { invert_match: true } : {}) }));
  }
  if (m.queryParams.length > 0) out.query_parameters = m.queryParams.map((q) => ({ name: q.name, string_match: stringMatcher(q.match) }));
  return out;
}

function retryOf(r: RetryIR, flavor: ProxyFlavor): Obj {
  const out: Obj = { retry_on: r.retryOn, num_retries: u32(r.attempts) };
  if (r.perTryTimeoutMs !== undefined) out.per_try_timeout = duration(r.perTryTimeoutMs);
  if (r.retriableStatusCodes.length > 0) out.retriable_status_codes = [...r.retriableStatusCodes];
  if (r.retryIgnorePreviousHosts && flavor !== 'grpc') {
    out.retry_host_predicate = [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': TYPES.previousHosts } }];
    out.host_selection_retry_max_attempts = 5;
  }
  if (r.backoffBaseMs !== undefined) out.retry_back_off = { base_interval: duration(r.backoffBaseMs) };
  return out;
}

function hashPolicy(h: HashPolicyIR): Obj {
  switch (h.type) {
    case 'header':
      return { header: { header_name: h.name } };
    case 'cookie':
      return { cookie: { name: h.name, ...(h.path === undefined ? {} : { path: h.path }), ...(h.ttlMs === undefined ? {} : { ttl: duration(h.ttlMs) }) } };
    case 'sourceIp':
      return { connection_properties: { source_ip: true } };
    case 'queryParameter':
      return { query_parameter: { name: h.name } };
  }
}

function forwardOf(a: ForwardActionIR, flavor: ProxyFlavor): Obj {
  const out: Obj =
    a.clusters.length === 1 && a.clusters[0]?.headers === undefined
      ? { cluster: a.clusters[0]?.cluster ?? '' }
      : { weighted_clusters: { clusters: a.clusters.map((c) => ({ name: c.cluster, weight: u32(c.weight), ...headerOps(c.headers) })) } };
  // grpc-js-xds ignores route.timeout; it reads max_stream_duration (gRFC A31).
  if (flavor === 'grpc') {
    if (a.timeoutMs > 0) out.max_stream_duration = { max_stream_duration: duration(a.timeoutMs) };
  } else out.timeout = duration(a.timeoutMs);
  if (a.retry !== undefined) out.retry_policy = retryOf(a.retry, flavor);
  if (a.mirrors.length > 0) out.request_mirror_policies = a.mirrors.map((m) => ({ cluster: m.cluster, runtime_fraction: { default_value: fractionalPercent(m.percent) } }));
  if (a.prefixRewrite !== undefined) out.prefix_rewrite = a.prefixRewrite;
  if (a.regexRewrite !== undefined) out.regex_rewrite = { pattern: { regex: a.regexRewrite.pattern }, substitution: a.regexRewrite.substitution };
  if (a.authorityRewrite !== undefined) out.host_rewrite_literal = a.authorityRewrite;
  if (a.hashPolicies.length > 0) out.hash_policy = a.hashPolicies.map(hashPolicy);
  return out;
}

const REDIRECT_CODES = { 301: 'MOVED_PERMANENTLY', 302: 'FOUND', 303: 'SEE_OTHER', 307: 'TEMPORARY_REDIRECT', 308: 'PERMANENT_REDIRECT' } as const;

function redirectOf(r: RedirectActionIR): Obj {
  const out: Obj = { response_code: REDIRECT_CODES[r.code] };
  if (r.path !== undefined) out.path_redirect = r.path;
  if (r.prefixRewrite !== undefined) out.prefix_rewrite = r.prefixRewrite;
  if (r.authority !== undefined) out.host_redirect = r.authority;
  if (r.port !== undefined) out.port_redirect = r.port;
  if (r.scheme !== undefined) out.scheme_redirect = r.scheme;
  return out;
}

function faultOf(f: FaultIR): Obj {
  const out: Obj = { '@type': TYPES.fault };
  if (f.delay !== undefined) out.delay = { fixed_delay: duration(f.delay.fixedDelayMs), percentage: fractionalPercent(f.delay.percent) };
  if (f.abort !== undefined) {
    const status = f.abort.httpStatus !== undefined ? { http_status: f.abort.httpStatus } : { grpc_status: f.abort.grpcStatus ?? 2 };
    out.abort = { ...status, percentage: fractionalPercent(f.abort.percent) };
  }
  return out;
}

function corsOf(c: CorsIR): Obj {
  const out: Obj = { '@type': TYPES.corsPolicy, allow_origin_string_match: c.allowOrigins.map(stringMatcher) };
  if (c.allowMethods.length > 0) out.allow_methods = c.allowMethods.join(',');
  if (c.allowHeaders.length > 0) out.allow_headers = c.allowHeaders.join(',');
  if (c.exposeHeaders.length > 0) out.expose_headers = c.exposeHeaders.join(',');
  if (c.maxAgeSeconds !== undefined) out.max_age = String(c.maxAgeSeconds);
  if (c.allowCredentials !== undefined) out.allow_credentials = { value: c.allowCredentials };
  return out;
}

export function routeOf(r: RouteIR, flavor: ProxyFlavor): Obj {
  const out: Obj = { match: matchOf(r.match) };
  if (r.name !== '') out.name = r.name;
  switch (r.action.type) {
    case 'forward':
      out.route = forwardOf(r.action, flavor);
      break;
    case 'redirect':
      out.redirect = redirectOf(r.action);
      break;
    case 'directResponse':
      out.direct_response = { status: r.action.status, ...(r.action.body === undefined ? {} : { body: { inline_string: r.action.body } }) };
      break;
  }
  Object.assign(out, headerOps(r.headers));
  const perFilter: Obj = {};
  if (r.fault !== undefined) perFilter['envoy.filters.http.fault'] = faultOf(r.fault);
  if (r.cors !== undefined && flavor !== 'grpc') perFilter['envoy.filters.http.cors'] = corsOf(r.cors);
  if (Object.keys(perFilter).length > 0) out.typed_per_filter_config = perFilter;
  return out;
}

/** Per flavor, the xDS virtual host last built from an IR virtual host object (reused objects convert once). */
const virtualHosts = new Map<ProxyFlavor, WeakMap<VirtualHostIR, Obj>>();

function virtualHostOf(vh: VirtualHostIR, flavor: ProxyFlavor): Obj {
  let memo = virtualHosts.get(flavor);
  if (memo === undefined) virtualHosts.set(flavor, (memo = new WeakMap()));
  let out = memo.get(vh);
  if (out === undefined) memo.set(vh, (out = buildVirtualHost(vh, flavor)));
  return out;
}

function buildVirtualHost(vh: VirtualHostIR, flavor: ProxyFlavor): Obj {
  const out: Obj = { name: vh.name, domains: [...vh.domains], routes: vh.routes.map((r) => routeOf(r, flavor)) };
  if (vh.requireTls === true) out.require_tls = 'ALL';
  return out;
}

export function routeConfigurationOf(table: RouteTableIR, flavor: ProxyFlavor): Obj {
  const out: Obj = { name: table.name, virtual_hosts: table.virtualHosts.map((vh) => virtualHostOf(vh, flavor)) };
  if (flavor !== 'grpc') out.validate_clusters = { value: false };
  if (table.ignorePortInHostMatching) out.ignore_port_in_host_matching = true;
  return out;
}
