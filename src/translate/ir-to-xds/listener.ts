/** IR listeners → envoy.config.listener.v3.Listener: socket listeners with filter chains, and gRPC API listeners. */
import type { ApiListenerIR, FilterChainIR, HttpHandlerIR, ProxyFlavor, SocketListenerIR, TcpHandlerIR } from '../../ir/types.ts';
import { ADS, socketAddress, type Obj } from './common.ts';
import { TYPES } from './protos.ts';
import { routeConfigurationOf } from './route.ts';

const LISTENER_FILTERS = {
  original_dst: { name: 'envoy.filters.listener.original_dst', type: TYPES.originalDst },
  tls_inspector: { name: 'envoy.filters.listener.tls_inspector', type: TYPES.tlsInspector },
  http_inspector: { name: 'envoy.filters.listener.http_inspector', type: TYPES.httpInspector },
} as const;

/** HTTP filters: fault and CORS (when used) before the router, which must be last (grpc-js-xds rejects otherwise). */
export function httpConnectionManager(h: HttpHandlerIR, flavor: ProxyFlavor): Obj {
  const filters: Obj[] = [];
  if (h.faultFilter) filters.push({ name: 'envoy.filters.http.fault', typed_config: { '@type': TYPES.fault } });
  if (h.corsFilter && flavor !== 'grpc') filters.push({ name: 'envoy.filters.http.cors', typed_config: { '@type': TYPES.cors } });
  filters.push({ name: 'envoy.filters.http.router', typed_config: { '@type': TYPES.router } });
  const out: Obj = { '@type': TYPES.hcm, stat_prefix: h.statPrefix, http_filters: filters };
  if (h.accessLog !== undefined) out.access_log = [{ name: 'envoy.access_loggers.file', typed_config: { '@type': TYPES.fileAccessLog, path: h.accessLog } }];
  if (h.rds !== undefined) out.rds = { config_source: ADS, route_config_name: h.rds };
  else if (h.inlineRoutes !== undefined) out.route_config = routeConfigurationOf(h.inlineRoutes, flavor);
  return out;
}

function tcpProxy(h: TcpHandlerIR): Obj {
  const target = h.clusters.length === 1 ? { cluster: h.clusters[0]?.cluster ?? '' } : { weighted_clusters: { clusters: h.clusters.map((c) => ({ name: c.cluster, weight: c.weight })) } };
  return { '@type': TYPES.tcpProxy, stat_prefix: h.statPrefix, ...target };
}

function filterChain(c: FilterChainIR, flavor: ProxyFlavor): Obj {
  const filter =
    c.handler.type === 'http'
      ? { name: 'envoy.filters.network.http_connection_manager', typed_config: httpConnectionManager(c.handler, flavor) }
      : { name: 'envoy.filters.network.tcp_proxy', typed_config: tcpProxy(c.handler) };
  const out: Obj = { name: c.name, filters: [filter] };
  const m = c.match;
  if (m !== undefined) {
    const match: Obj = {};
    if (m.destinationPort !== undefined) match.destination_port = { value: m.destinationPort };
    if (m.serverNames !== undefined) match.server_names = [...m.serverNames];
    if (m.transportProtocol !== undefined) match.transport_protocol = m.transportProtocol;
    out.filter_chain_match = match;
  }
  if (c.tls !== undefined) {
    out.transport_socket = {
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': TYPES.downstreamTls,
        common_tls_context: {
          tls_certificates: [{ certificate_chain: { inline_string: c.tls.certificateChain }, private_key: { inline_string: c.tls.privateKey } }],
          alpn_protocols: [...c.tls.alpn],
        },
      },
    };
  }
  return out;
}

export function socketListenerOf(l: SocketListenerIR, flavor: ProxyFlavor): Obj {
  const out: Obj = { name: l.name, address: socketAddress(l.address, l.port), traffic_direction: l.trafficDirection };
  if (!l.bindToPort) out.bind_to_port = { value: false };
  if (l.useOriginalDst) out.use_original_dst = { value: true };
  if (l.listenerFilters.length > 0) out.listener_filters = l.listenerFilters.map((f) => ({ name: LISTENER_FILTERS[f].name, typed_config: { '@type': LISTENER_FILTERS[f].type } }));
  out.filter_chains = l.chains.map((c) => filterChain(c, flavor));
  if (l.defaultChain !== undefined) out.default_filter_chain = filterChain(l.defaultChain, flavor);
  return out;
}

export function apiListenerOf(l: ApiListenerIR, flavor: ProxyFlavor): Obj {
  return { name: l.name, address: socketAddress(l.address, l.port), api_listener: { api_listener: httpConnectionManager(l.http, flavor) } };
}
