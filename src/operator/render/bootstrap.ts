/**
 * The Envoy bootstrap of a gateway: ADS over plaintext gRPC to istiod:15010, an admin interface on
 * loopback, and two static listeners in Istio's places: 15021 `/healthz/ready` (proxied to the admin
 * `/ready`, which only answers 200 once the first xDS configuration arrived) and 15090
 * `/stats/prometheus`. The node id in the file is a placeholder: the Deployment passes the per-pod
 * Istio-style id `router~<ip>~<pod>.<ns>~<ns>.svc.cluster.local` through `--config-yaml`.
 */

export const ENVOY_ADMIN_PORT = 15000;
export const STATUS_PORT = 15021;
export const PROMETHEUS_PORT = 15090;

export interface BootstrapInput {
  readonly gatewayName: string;
  readonly namespace: string;
  readonly discoveryHost: string;
  readonly discoveryPort: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly istioVersion: string;
  readonly meshId: string;
}

/** The node id Istio gives a gateway pod; Kubernetes expands the `$(VAR)`s from the pod's env. */
export function routerNodeId(namespace: string, ip = '$(POD_IP)', pod = '$(POD_NAME)'): string {
  return `router~${ip}~${pod}.${namespace}~${namespace}.svc.cluster.local`;
}

const socket = (address: string, port: number): Record<string, unknown> => ({ socket_address: { address, port_value: port } });

function adminProxyListener(name: string, port: number, path: string, rewrite: string): Record<string, unknown> {
  return {
    name,
    address: socket('0.0.0.0', port),
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
              stat_prefix: name,
              route_config: {
                virtual_hosts: [{ name, domains: ['*'], routes: [{ match: { path }, route: { cluster: 'admin', prefix_rewrite: rewrite } }] }],
              },
              http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
            },
          },
        ],
      },
    ],
  };
}

function xdsCluster(host: string, port: number): Record<string, unknown> {
  return {
    name: 'xds-grpc',
    type: 'STRICT_DNS',
    connect_timeout: '1s',
    lb_policy: 'ROUND_ROBIN',
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        explicit_http_config: { http2_protocol_options: {} },
      },
    },
    load_assignment: { cluster_name: 'xds-grpc', endpoints: [{ lb_endpoints: [{ endpoint: { address: socket(host, port) } }] }] },
  };
}

export function renderBootstrap(input: BootstrapInput): Record<string, unknown> {
  const ads = { ads: {}, resource_api_version: 'V3' };
  return {
    node: {
      id: routerNodeId(input.namespace, '0.0.0.0', input.gatewayName),
      cluster: `${input.gatewayName}.${input.namespace}`,
      metadata: {
        CLUSTER_ID: 'Kubernetes',
        ISTIO_VERSION: input.istioVersion,
        LABELS: input.labels,
        MESH_ID: input.meshId,
        NAMESPACE: input.namespace,
        WORKLOAD_NAME: input.gatewayName,
      },
    },
    admin: { address: socket('127.0.0.1', ENVOY_ADMIN_PORT) },
    dynamic_resources: {
      ads_config: { api_type: 'GRPC', transport_api_version: 'V3', grpc_services: [{ envoy_grpc: { cluster_name: 'xds-grpc' } }], set_node_on_first_message_only: true },
      cds_config: ads,
      lds_config: ads,
    },
    static_resources: {
      clusters: [
        {
          name: 'admin',
          type: 'STATIC',
          connect_timeout: '0.25s',
          load_assignment: { cluster_name: 'admin', endpoints: [{ lb_endpoints: [{ endpoint: { address: socket('127.0.0.1', ENVOY_ADMIN_PORT) } }] }] },
        },
        xdsCluster(input.discoveryHost, input.discoveryPort),
      ],
      listeners: [
        adminProxyListener('status', STATUS_PORT, '/healthz/ready', '/ready'),
        adminProxyListener('prometheus', PROMETHEUS_PORT, '/stats/prometheus', '/stats/prometheus'),
      ],
    },
  };
}
