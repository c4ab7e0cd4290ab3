/** Schema of `networking.istio.io` DestinationRule (istio.md §1.2). */
import { any, arr, bool, duration, enumOf, int32, int64, map, num, obj, str, uint32 } from './dsl.ts';
import { labelMap, percent, portSelector } from './virtual-service.ts';

const consistentHash = obj(
  {
    httpHeaderName: str(),
    httpCookie: obj({ name: str(), path: str(), ttl: str({ maxLength: 64, description: 'Cookie lifetime, a duration; 0s means a session cookie.' }), attributes: arr(obj({ name: str(), value: str() })) }),
    useSourceIp: bool(),
    httpQueryParameterName: str(),
    ringHash: obj({ minimumRingSize: int64({ minimum: 0 }) }),
    maglev: obj({ tableSize: int64({ minimum: 0 }) }),
    minimumRingSize: int64({ minimum: 0, description: 'Deprecated: use ringHash.' }),
  },
  {
    oneOf: [
      ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'],
      ['ringHash', 'maglev'],
    ],
  },
);

const localityLbSetting = obj({
  distribute: arr(obj({ from: str(), to: map(uint32()) })),
  failover: arr(obj({ from: str(), to: str() })),
  failoverPriority: arr(str()),
  enabled: bool(),
});

export const loadBalancer = obj(
  {
    simple: enumOf(['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST']),
    consistentHash,
    localityLbSetting,
    zoneAwareLbSetting: any(),
    warmupDurationSecs: duration(),
    warmup: obj({ duration: duration(), minimumPercent: num(), aggression: num() }),
  },
  { oneOf: [['simple', 'consistentHash']] },
);

export const connectionPool = obj({
  tcp: obj({
    maxConnections: int32(),
    connectTimeout: duration(),
    tcpKeepalive: obj({ probes: uint32(), time: duration(), interval: duration() }),
    maxConnectionDuration: duration(),
    idleTimeout: duration({ allowZero: true, description: 'Idle timeout; 0s disables it.' }),
  }),
  http: obj({
    http1MaxPendingRequests: int32(),
    http2MaxRequests: int32(),
    maxRequestsPerConnection: int32(),
    maxRetries: int32(),
    idleTimeout: duration(),
    h2UpgradePolicy: enumOf(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']),
    useClientProtocol: bool(),
    maxConcurrentStreams: int32(),
    http2KeepAlive: obj({ interval: duration(), timeout: duration() }),
  }),
});

export const outlierDetection = obj({
  consecutiveErrors: int32({ description: 'Deprecated: use consecutive5xxErrors.' }),
  splitExternalLocalOriginErrors: bool(),
  consecutiveLocalOriginFailures: uint32(),
  consecutiveGatewayErrors: uint32(),
  consecutive5xxErrors: uint32(),
  interval: duration(),
  baseEjectionTime: duration(),
  maxEjectionPercent: int32(),
  minHealthPercent: int32(),
  outlierDetectionHttpErrorCodes: arr(uint32()),
});

export const clientTls = obj({
  mode: enumOf(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']),
  clientCertificate: str(),
  privateKey: str(),
  caCertificates: str(),
  credentialName: str(),
  subjectAltNames: arr(str()),
  sni: str(),
  insecureSkipVerify: bool(),
  caCrl: str(),
});

const portTrafficPolicy = obj({ port: portSelector, loadBalancer, connectionPool, outlierDetection, tls: clientTls });

export const trafficPolicy = obj({
  loadBalancer,
  connectionPool,
  outlierDetection,
  tls: clientTls,
  portLevelSettings: arr(portTrafficPolicy, { maxItems: 4096 }),
  tunnel: obj({ protocol: str(), targetHost: str(), targetPort: uint32() }),
  proxyProtocol: obj({ version: enumOf(['V1', 'V2']) }),
  retryBudget: obj({ percent, minRetryConcurrency: uint32() }),
});

export const destinationRuleSpec = obj(
  {
    host: str({ description: 'Service registry host the rule applies to.' }),
    trafficPolicy,
    subsets: arr(obj({ name: str(), labels: labelMap, trafficPolicy }), { maxItems: 256 }),
    exportTo: arr(str()),
    workloadSelector: obj({ matchLabels: labelMap }),
  },
  { description: 'Policies applied to traffic for a service after routing.' },
);
