/** Schema of `networking.istio.io` VirtualService (istio.md §1.1) and the pieces other kinds share. */
import { arr, bool, duration, enumOf, int32, map, num, obj, str, uint32 } from './dsl.ts';

export const labelMap = map(str());
export const portSelector = obj({ number: uint32() });
export const percent = obj({ value: num({ description: 'Percentage in the range [0.0, 100.0].' }) });

export const stringMatch = obj(
  { exact: str(), prefix: str(), regex: str({ description: 'RE2 regular expression.' }) },
  { oneOf: [['exact', 'prefix', 'regex']] },
);

export const destination = obj(
  { host: str({ description: 'Service registry name: FQDN or short name.' }), subset: str(), port: portSelector },
  { description: 'Service (and optionally subset and port) that traffic is forwarded to.' },
);

const headerOperations = obj({ set: map(str()), add: map(str()), remove: arr(str()) });
export const headers = obj({ request: headerOperations, response: headerOperations });

const httpMatchRequest = obj({
  name: str(),
  uri: stringMatch,
  scheme: stringMatch,
  method: stringMatch,
  authority: stringMatch,
  headers: map(stringMatch),
  port: uint32(),
  sourceLabels: labelMap,
  gateways: arr(str()),
  queryParams: map(stringMatch),
  ignoreUriCase: bool(),
  withoutHeaders: map(stringMatch),
  sourceNamespace: str(),
  statPrefix: str(),
});

const httpRouteDestination = obj({ destination, weight: int32(), headers });

const httpRedirect = obj(
  {
    uri: str(),
    authority: str(),
    port: uint32(),
    derivePort: enumOf(['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT']),
    scheme: str(),
    redirectCode: uint32(),
    prefixRewrite: str(),
  },
  { oneOf: [['port', 'derivePort']] },
);

const httpDirectResponse = obj({
  status: uint32(),
  body: obj({ string: str(), bytes: str({ description: 'Base64-encoded body.' }) }, { oneOf: [['string', 'bytes']] }),
});

const httpRewrite = obj({ uri: str(), authority: str(), uriRegexRewrite: obj({ match: str(), rewrite: str() }) });

const httpRetry = obj({
  attempts: int32(),
  perTryTimeout: duration(),
  retryOn: str({ description: 'Comma-separated retry conditions.' }),
  retryRemoteLocalities: bool(),
  retryIgnorePreviousHosts: bool(),
  backoff: duration(),
});

const httpFaultInjection = obj({
  delay: obj(
    { fixedDelay: duration(), exponentialDelay: duration(), percentage: percent, percent: int32({ description: 'Deprecated: use percentage.' }) },
    { oneOf: [['fixedDelay', 'exponentialDelay']] },
  ),
  abort: obj({ httpStatus: int32(), grpcStatus: str(), http2Error: str(), percentage: percent }, { oneOf: [['httpStatus', 'grpcStatus', 'http2Error']] }),
});

const corsPolicy = obj({
  allowOrigins: arr(stringMatch),
  allowOrigin: arr(str(), { description: 'Deprecated: use allowOrigins.' }),
  allowMethods: arr(str()),
  allowHeaders: arr(str()),
  exposeHeaders: arr(str()),
  maxAge: duration(),
  allowCredentials: bool(),
  unmatchedPreflights: enumOf(['UNSPECIFIED', 'FORWARD', 'IGNORE']),
});

export const httpRoute = obj(
  {
    name: str(),
    match: arr(httpMatchRequest),
    route: arr(httpRouteDestination),
    redirect: httpRedirect,
    directResponse: httpDirectResponse,
    delegate: obj({ name: str(), namespace: str() }),
    rewrite: httpRewrite,
    timeout: duration(),
    retries: httpRetry,
    fault: httpFaultInjection,
    mirror: destination,
    mirrorPercent: uint32({ description: 'Deprecated: use mirrorPercentage.' }),
    mirrorPercentage: percent,
    mirrors: arr(obj({ destination, percentage: percent })),
    corsPolicy,
    headers,
  },
  { description: 'Ordered HTTP routing rule; the first matching rule wins.' },
);

const routeDestination = obj({ destination, weight: int32() });

const l4Match = {
  destinationSubnets: arr(str()),
  port: uint32(),
  sourceLabels: labelMap,
  gateways: arr(str()),
  sourceNamespace: str(),
};

export const tlsRoute = obj({ match: arr(obj({ sniHosts: arr(str()), ...l4Match })), route: arr(routeDestination) });
export const tcpRoute = obj({ match: arr(obj({ ...l4Match, sourceSubnet: str() })), route: arr(routeDestination) });

export const virtualServiceSpec = obj(
  {
    hosts: arr(str(), { description: 'Destination hosts the rules apply to.' }),
    gateways: arr(str(), { description: 'Gateways (namespace/name) and/or "mesh".' }),
    http: arr(httpRoute),
    tls: arr(tlsRoute),
    tcp: arr(tcpRoute),
    exportTo: arr(str()),
  },
  { description: 'Traffic routing rules for a set of hosts.' },
);
