/**
 * The mesh IR: what one proxy group receives, as plain YAML-serializable data
 * (listeners → route tables → clusters → endpoints). It owns all of its types: no Envoy or
 * Istio API types. Durations are milliseconds, percentages are 0..100.
 */

export type ProxyFlavor = 'sidecar' | 'router' | 'grpc';

export interface ProxyIR {
  readonly flavor: ProxyFlavor;
  readonly listeners: readonly ListenerIR[];
  readonly routeTables: readonly RouteTableIR[];
  readonly clusters: readonly ClusterIR[];
  readonly endpoints: readonly EndpointSetIR[];
}

// ── Listeners ───────────────────────────────────────────────────────────────────────────────

export type ListenerIR = SocketListenerIR | ApiListenerIR;

/** A listener bound (or, behind virtualOutbound, not bound) to an address. */
export interface SocketListenerIR {
  readonly type: 'socket';
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly bindToPort: boolean;
  /** virtualOutbound / virtualInbound: hand connections to the listener of their original destination. */
  readonly useOriginalDst: boolean;
  readonly listenerFilters: readonly ('original_dst' | 'tls_inspector' | 'http_inspector')[];
  readonly chains: readonly FilterChainIR[];
  readonly defaultChain?: FilterChainIR;
  readonly trafficDirection: 'INBOUND' | 'OUTBOUND';
}

/** Proxyless gRPC client listener: no socket, only an HTTP connection manager. */
export interface ApiListenerIR {
  readonly type: 'api';
  /** `host:port`, the gRPC target. */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly http: HttpHandlerIR;
}

export interface ChainMatchIR {
  readonly destinationPort?: number;
  readonly serverNames?: readonly string[];
  readonly transportProtocol?: 'tls' | 'raw_buffer';
}

export interface FilterChainIR {
  readonly name: string;
  readonly match?: ChainMatchIR;
  /** Terminate TLS with this certificate (gateway HTTPS / TLS SIMPLE). */
  readonly tls?: ServerTlsIR;
  readonly handler: HttpHandlerIR | TcpHandlerIR;
}

export interface ServerTlsIR {
  /** `namespace/name` of the Secret, for the record. */
  readonly secret: string;
  readonly certificateChain: string;
  readonly privateKey: string;
  readonly alpn: readonly string[];
}

export interface HttpHandlerIR {
  readonly type: 'http';
  readonly statPrefix: string;
  /** Either an RDS name or an inline table. */
  readonly rds?: string;
  readonly inlineRoutes?: RouteTableIR;
  readonly faultFilter: boolean;
  readonly corsFilter: boolean;
  /** MeshConfig.accessLogFile: an Envoy file access log at this path (absent: none). */
  readonly accessLog?: string;
}

export interface WeightedClusterIR {
  readonly cluster: string;
  readonly weight: number;
}

export interface TcpHandlerIR {
  readonly type: 'tcp';
  readonly statPrefix: string;
  readonly clusters: readonly WeightedClusterIR[];
}

// ── Routes ──────────────────────────────────────────────────────────────────────────────────

export interface RouteTableIR {
  readonly name: string;
  /** Envoy sidecars and gateways ignore the port in Host matching; proxyless gRPC does not. */
  readonly ignorePortInHostMatching: boolean;
  readonly virtualHosts: readonly VirtualHostIR[];
}

export interface VirtualHostIR {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly RouteIR[];
  /** Gateway `tls.httpsRedirect`: plain-HTTP requests get a 301 to https. */
  readonly requireTls?: true;
}

export type StringMatchIR =
  | { readonly exact: string }
  | { readonly prefix: string }
  | { readonly regex: string };

export interface HeaderMatchIR {
  readonly name: string;
  /** Absent ⇒ presence match. */
  readonly match?: StringMatchIR;
  readonly invert: boolean;
}

export interface RouteMatchIR {
  readonly path: StringMatchIR;
  readonly caseSensitive: boolean;
  readonly headers: readonly HeaderMatchIR[];
  readonly queryParams: readonly { readonly name: string; readonly match: StringMatchIR }[];
}

export interface HeaderOpsIR {
  readonly requestSet: readonly KeyValueIR[];
  readonly requestAdd: readonly KeyValueIR[];
  readonly requestRemove: readonly string[];
  readonly responseSet: readonly KeyValueIR[];
  readonly responseAdd: readonly KeyValueIR[];
  readonly responseRemove: readonly string[];
}

export interface KeyValueIR {
  readonly key: string;
  readonly value: string;
}

export interface RetryIR {
  readonly attempts: number;
  readonly retryOn: string;
  readonly perTryTimeoutMs?: number;
  readonly retriableStatusCodes: readonly number[];
  readonly retryIgnorePreviousHosts: boolean;
  readonly backoffBaseMs?: number;
}

export interface FaultIR {
  readonly delay?: { readonly fixedDelayMs: number; readonly percent: number };
  readonly abort?: { readonly httpStatus?: number; readonly grpcStatus?: number; readonly percent: number };
}

export interface CorsIR {
  readonly allowOrigins: readonly StringMatchIR[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number;
  readonly allowCredentials?: boolean;
}

export interface MirrorIR {
  readonly cluster: string;
  readonly percent: number;
}

export type HashPolicyIR =
  | { readonly type: 'header'; readonly name: string }
  | { readonly type: 'cookie'; readonly name: string; readonly path?: string; readonly ttlMs?: number }
  | { readonly type: 'sourceIp' }
  | { readonly type: 'queryParameter'; readonly name: string };

export interface ForwardActionIR {
  readonly type: 'forward';
  readonly clusters: readonly (WeightedClusterIR & { readonly headers?: HeaderOpsIR })[];
  readonly timeoutMs: number;
  readonly retry?: RetryIR;
  readonly mirrors: readonly MirrorIR[];
  readonly prefixRewrite?: string;
  readonly regexRewrite?: { readonly pattern: string; readonly substitution: string };
  readonly authorityRewrite?: string;
  readonly hashPolicies: readonly HashPolicyIR[];
}

export interface RedirectActionIR {
  readonly type: 'redirect';
  readonly path?: string;
  readonly prefixRewrite?: string;
  readonly authority?: string;
  readonly port?: number;
  readonly scheme?: string;
  readonly code: 301 | 302 | 303 | 307 | 308;
}

export interface DirectResponseActionIR {
  readonly type: 'directResponse';
  readonly status: number;
  readonly body?: string;
}

export type RouteActionIR = ForwardActionIR | RedirectActionIR | DirectResponseActionIR;

export interface RouteIR {
  readonly name: string;
  readonly match: RouteMatchIR;
  readonly action: RouteActionIR;
  readonly headers?: HeaderOpsIR;
  readonly fault?: FaultIR;
  readonly cors?: CorsIR;
  /** `VirtualService/ns/name` that produced it, or a built-in name. */
  readonly source: string;
}

// ── Clusters and endpoints ──────────────────────────────────────────────────────────────────

export type Discovery = 'EDS' | 'STRICT_DNS' | 'ORIGINAL_DST' | 'STATIC';
export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'RING_HASH' | 'MAGLEV' | 'CLUSTER_PROVIDED';

export interface CircuitBreakersIR {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
}

export interface OutlierIR {
  readonly consecutive5xx?: number;
  readonly consecutiveGatewayErrors?: number;
  readonly consecutiveLocalOriginFailures?: number;
  readonly splitExternalLocalOriginErrors: boolean;
  readonly intervalMs: number;
  readonly baseEjectionTimeMs: number;
  readonly maxEjectionPercent: number;
}

export interface UpstreamTlsIR {
  readonly mode: 'SIMPLE' | 'MUTUAL';
  readonly sni?: string;
  readonly caCertificates?: string;
  readonly subjectAltNames: readonly string[];
  readonly insecureSkipVerify: boolean;
}

export interface ClusterIR {
  readonly name: string;
  readonly discovery: Discovery;
  readonly lb: LbPolicy;
  readonly ringHashMinimumRingSize?: number;
  readonly maglevTableSize?: number;
  readonly connectTimeoutMs: number;
  readonly circuitBreakers?: CircuitBreakersIR;
  readonly maxRequestsPerConnection?: number;
  readonly idleTimeoutMs?: number;
  readonly http2: boolean;
  readonly outlier?: OutlierIR;
  readonly healthyPanicThreshold?: number;
  readonly tls?: UpstreamTlsIR;
  /** STRICT_DNS / STATIC: endpoints inline in the cluster (no EDS). */
  readonly inlineEndpoints?: EndpointSetIR;
  /** `host`, `port`, `subset` the cluster stands for (empty for built-ins). */
  readonly service: { readonly host: string; readonly port: number; readonly subset: string };
}

export interface EndpointIR {
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  readonly health: 'HEALTHY' | 'DRAINING';
}

export interface LocalityEndpointsIR {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
  /** Sum of the endpoint weights: grpc-js-xds requires a weight on every locality. */
  readonly weight: number;
  readonly endpoints: readonly EndpointIR[];
}

export interface EndpointSetIR {
  readonly clusterName: string;
  readonly localities: readonly LocalityEndpointsIR[];
}
