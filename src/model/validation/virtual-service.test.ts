import { describe, expect, it } from 'vitest';
import { expectError, expectValid, expectWarning, validateSpec, type RuleCase } from './testing.ts';

const dest = (host = 'reviews', extra: Record<string, unknown> = {}): Record<string, unknown> => ({ destination: { host, ...extra } });
const route = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ route: [dest()], ...extra });
const vs = (http: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ hosts: ['reviews'], http: [http], ...extra });
const match = (m: Record<string, unknown>): Record<string, unknown> => vs(route({ match: [m] }));
const redirect = { uri: '/new' };

const cases: RuleCase[] = [
  { rule: 'at least one of http/tcp/tls', valid: vs(route()), invalid: { hosts: ['reviews'] }, message: 'http, tcp or tls must be provided in virtual service', path: 'spec' },
  {
    rule: 'host * only when not bound to the mesh',
    valid: vs(route(), { hosts: ['*'], gateways: ['gw'] }),
    invalid: vs(route(), { hosts: ['*'] }),
    message: 'wildcard host * is not allowed for virtual services bound to the mesh gateway',
    path: 'spec.hosts[0]',
  },
  { rule: 'hosts are domains or IPs', valid: vs(route(), { hosts: ['10.0.0.1', '*.example.com'] }), invalid: vs(route(), { hosts: ['a..b'] }), message: 'domain name ".b" invalid (label "" invalid)' },
  { rule: 'no overlapping hosts', valid: vs(route(), { hosts: ['*.foo.bar', '*.baz.com'] }), invalid: vs(route(), { hosts: ['*.foo.bar', '*.bar'] }), message: 'duplicate hosts in virtual service: *.foo.bar & *.bar' },
  { rule: 'delegate: no gateways', valid: { http: [route()] }, invalid: { gateways: ['gw'], http: [route()] }, message: 'delegate virtual service must have no gateways specified' },
  {
    rule: 'delegate: no tls',
    valid: { http: [route()] },
    invalid: { tls: [{ match: [{ sniHosts: ['a.com'] }], route: [dest()] }] },
    message: 'delegate virtual service must have no tls route specified',
  },
  { rule: 'delegate: no tcp', valid: { http: [route()] }, invalid: { tcp: [{ route: [dest()] }] }, message: 'delegate virtual service must have no tcp route specified' },
  { rule: 'gateway namespace/name not empty', valid: vs(route(), { gateways: ['istio-system/gw'] }), invalid: vs(route(), { gateways: ['ns/'] }), message: 'config namespace and gateway name cannot be empty' },
  { rule: 'gateway namespace is a label', valid: vs(route(), { gateways: ['ns/gw'] }), invalid: vs(route(), { gateways: ['Bad_NS/gw'] }), message: 'invalid value for namespace: "Bad_NS"' },
  { rule: 'gateway name is a label', valid: vs(route(), { gateways: ['ns/gw', 'mesh'] }), invalid: vs(route(), { gateways: ['ns/bad.name'] }), message: 'invalid value for gateway name: "bad.name"' },
  {
    rule: 'JWT claim routing only with gateways',
    valid: { ...vs(route({ match: [{ headers: { '@request.auth.claims.group': { exact: 'a' } } }] })), gateways: ['gw'] },
    invalid: vs(route({ match: [{ headers: { '@request.auth.claims.group': { exact: 'a' } } }] })),
    message: 'JWT claim based routing (key: @request.auth.claims.group) is only supported for gateway, found no gateways: []',
  },
  { rule: 'route, redirect or direct response', valid: vs(route()), invalid: vs({}), message: 'HTTP route, redirect or direct_response is required', path: 'spec.http[0]' },
  { rule: 'route xor redirect', valid: vs({ redirect }), invalid: vs(route({ redirect })), message: 'HTTP route cannot contain both route and redirect' },
  { rule: 'fault xor redirect', valid: vs({ redirect }), invalid: vs({ redirect, fault: { abort: { httpStatus: 500 } } }), message: 'HTTP route cannot contain both fault and redirect' },
  { rule: 'rewrite xor redirect', valid: vs({ redirect }), invalid: vs({ redirect, rewrite: { uri: '/' } }), message: 'HTTP route rule cannot contain both rewrite and redirect' },
  { rule: 'direct response xor redirect', valid: vs({ redirect }), invalid: vs({ redirect, directResponse: { status: 200 } }), message: 'HTTP route rule cannot contain both direct_response and redirect' },
  { rule: 'route xor direct response', valid: vs({ directResponse: { status: 503 } }), invalid: vs(route({ directResponse: { status: 503 } })), message: 'HTTP route cannot contain both route and direct_response' },
  {
    rule: 'fault xor direct response',
    valid: vs({ directResponse: { status: 503 } }),
    invalid: vs({ directResponse: { status: 503 }, fault: { abort: { httpStatus: 500 } } }),
    message: 'HTTP route cannot contain both fault and direct_response',
  },
  {
    rule: 'rewrite xor direct response',
    valid: vs({ directResponse: { status: 503 } }),
    invalid: vs({ directResponse: { status: 503 }, rewrite: { uri: '/' } }),
    message: 'HTTP route rule cannot contain both rewrite and direct_response',
  },
  { rule: 'mirror xor mirrors', valid: vs(route({ mirror: { host: 'm' } })), invalid: vs(route({ mirror: { host: 'm' }, mirrors: [dest('m')] })), message: 'HTTP route cannot contain both mirror and mirrors' },
  { rule: 'root route may not route', valid: vs({ name: 'r1', delegate: { name: 'd' } }), invalid: vs(route({ name: 'r1', delegate: { name: 'd' } })), message: 'root HTTP route r1 must not specify route' },
  { rule: 'root route may not redirect', valid: vs({ name: 'r1', delegate: { name: 'd' } }), invalid: vs({ name: 'r1', delegate: { name: 'd' }, redirect }), message: 'root HTTP route r1 must not specify redirect' },
  { rule: 'delegate route may not delegate', valid: { http: [route()] }, invalid: { http: [{ delegate: { name: 'x' } }] }, message: 'delegate HTTP route cannot contain delegate' },
  { rule: 'destination required', valid: vs(route()), invalid: vs({ route: [{ weight: 1 }] }), message: 'destination is required', path: 'spec.http[0].route[0].destination' },
  { rule: 'destination host is not *', valid: vs(route()), invalid: vs({ route: [dest('*')] }), message: 'invalid destination host *', path: 'spec.http[0].route[0].destination.host' },
  { rule: 'destination subset is a label', valid: vs({ route: [dest('reviews', { subset: 'V1' })] }), invalid: vs({ route: [dest('reviews', { subset: 'v_1' })] }), message: 'subset name is invalid: v_1' },
  { rule: 'destination port in range', valid: vs({ route: [dest('reviews', { port: { number: 9080 } })] }), invalid: vs({ route: [dest('reviews', { port: { number: 0 } })] }), message: 'port number 0 must be in the range 1..65535' },
  {
    rule: 'weights not negative',
    valid: vs({ route: [{ ...dest(), weight: 550 }, { ...dest(), weight: 500 }] }),
    invalid: vs({ route: [{ ...dest(), weight: -1 }, { ...dest(), weight: 50 }] }),
    message: 'weight -1 < 0',
    path: 'spec.http[0].route[0].weight',
  },
  {
    rule: 'total weight not 0 with several destinations',
    valid: vs({ route: [{ ...dest(), weight: 0 }] }),
    invalid: vs({ route: [{ ...dest(), weight: 0 }, { ...dest(), weight: 0 }] }),
    message: 'total destination weight = 0',
    path: 'spec.http[0].route',
  },
  { rule: 'match header name not empty', valid: match({ headers: { ':method': { exact: 'GET' } } }), invalid: match({ headers: { '': { exact: 'a' } } }), message: 'header name cannot be empty' },
  { rule: 'match header name is a token', valid: match({ headers: { 'x-user': { exact: 'a' } } }), invalid: match({ headers: { 'bad header': { exact: 'a' } } }), message: 'header name bad header is not a valid header name' },
  { rule: 'request headers may not set : headers', valid: vs(route({ headers: { request: { set: { ':authority': 'a' } } } })), invalid: vs(route({ headers: { request: { set: { ':path': '/' } } } })), message: 'invalid header ":path": header cannot have ":" prefix' },
  { rule: 'response headers may not set Host', valid: vs(route({ headers: { response: { set: { 'x-a': 'b' } } } })), invalid: vs(route({ headers: { response: { set: { Host: 'b' } } } })), message: 'invalid header "Host": cannot set Host header' },
  { rule: 'header removal may not touch host', valid: vs(route({ headers: { request: { remove: ['x-a'] } } })), invalid: vs(route({ headers: { request: { remove: ['host'] } } })), message: 'invalid header "host": cannot set Host header' },
  {
    rule: 'header value variables terminated',
    valid: vs(route({ headers: { request: { set: { 'x-a': '100%% %HOSTNAME%' } } } })),
    invalid: vs(route({ headers: { request: { set: { 'x-a': 'abc%123' } } } })),
    message: "header value configuration: invalid header configuration. Un-terminated variable expression '%123'",
  },
  { rule: 'header value without control characters', valid: vs(route({ headers: { request: { set: { 'x-a': 'tab\there' } } } })), invalid: vs(route({ headers: { request: { set: { 'x-a': 'a\nb' } } } })), message: 'header value configuration a\nb is invalid' },
  {
    rule: 'authority set once',
    valid: vs(route({ rewrite: { authority: 'a' } })),
    invalid: vs(route({ rewrite: { authority: 'a' }, headers: { request: { set: { host: 'b' } } } })),
    message: 'authority header cannot be set multiple times: have "a", attempting to set "b"',
  },
  { rule: 'match port in range', valid: match({ port: 8080 }), invalid: match({ port: 70000 }), message: 'port number 70000 must be in the range 1..65535', path: 'spec.http[0].match[0].port' },
  { rule: 'match sourceLabels keys', valid: match({ sourceLabels: { 'app.kubernetes.io/name': 'x' } }), invalid: match({ sourceLabels: { 'bad key!': 'x' } }), message: 'invalid tag key: "bad key!"' },
  { rule: 'match sourceLabels values', valid: match({ sourceLabels: { app: 'x' } }), invalid: match({ sourceLabels: { app: 'bad value' } }), message: 'invalid tag value: "bad value"' },
  { rule: 'match gateways', valid: match({ gateways: ['ns/gw'] }), invalid: match({ gateways: ['ns/Bad_Gw'] }), message: 'invalid value for gateway name: "Bad_Gw"' },
  { rule: 'match sourceNamespace is a label', valid: match({ sourceNamespace: 'prod' }), invalid: match({ sourceNamespace: 'Bad_NS' }), message: 'sourceNamespace match Bad_NS is invalid' },
  { rule: 'prefix match not empty (except uri)', valid: match({ uri: { prefix: '' } }), invalid: match({ method: { prefix: '' } }), message: '"method": prefix string match should not be empty' },
  { rule: 'regex match not empty', valid: match({ uri: { regex: '/api/.*' } }), invalid: match({ uri: { regex: '' } }), message: '"uri": regex string match should not be empty' },
  { rule: 'regex at most 1024 characters', valid: match({ headers: { x: { regex: 'a'.repeat(1024) } } }), invalid: match({ headers: { x: { regex: 'a'.repeat(1025) } } }), message: '"headers": regex is too large, max length allowed is 1024' },
  {
    rule: 'regex compiles as RE2',
    valid: match({ headers: { x: { regex: '(?i)^ab+[c-e]$' } } }),
    invalid: match({ headers: { x: { regex: '(abc' } } }),
    message: '"headers": error parsing regexp: missing closing ): `(abc`; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
  },
  { rule: 'redirect: uri xor prefix_rewrite', valid: vs({ redirect: { prefixRewrite: '/v2' } }), invalid: vs({ redirect: { uri: '/a', prefixRewrite: '/b' } }), message: 'redirect may only specify one of uri or prefix_rewrite' },
  {
    rule: 'redirect: prefix_rewrite needs prefix matches',
    valid: vs({ match: [{ uri: { prefix: '/v1' } }], redirect: { prefixRewrite: '/v2' } }),
    invalid: vs({ match: [{ uri: { exact: '/v1' } }], redirect: { prefixRewrite: '/v2' } }),
    message: 'redirect prefix_rewrite requires all URI matches to use prefix match type',
  },
  { rule: 'redirect: something to redirect to', valid: vs({ redirect: { port: 8443 } }), invalid: vs({ redirect: { redirectCode: 302 } }), message: 'redirect must specify URI, authority, scheme, or port' },
  { rule: 'redirect: 3xx code', valid: vs({ redirect: { uri: '/', redirectCode: 308 } }), invalid: vs({ redirect: { uri: '/', redirectCode: 200 } }), message: '200 is not a valid redirect code, must be 3xx' },
  { rule: 'redirect: http or https', valid: vs({ redirect: { scheme: 'https' } }), invalid: vs({ redirect: { scheme: 'ftp' } }), message: 'invalid redirect scheme, must be "http" or "https"' },
  { rule: 'direct response status', valid: vs({ directResponse: { status: 600 } }), invalid: vs({ directResponse: { status: 700 } }), message: 'HTTP status 700 is not in range 200-599' },
  {
    rule: 'direct response body under 1MB',
    valid: vs({ directResponse: { status: 200, body: { string: 'ok' } } }),
    invalid: vs({ directResponse: { status: 200, body: { string: 'x'.repeat(1024 * 1024 + 1) } } }),
    message: 'large direct_responses may impact control plane performance, must be less than 1MB',
  },
  { rule: 'rewrite: uri xor regex rewrite', valid: vs(route({ rewrite: { uri: '/' } })), invalid: vs(route({ rewrite: { uri: '/', uriRegexRewrite: { match: 'a', rewrite: 'b' } } })), message: 'rewrite may only contain one of URI or UriRegexRewrite' },
  { rule: 'rewrite: something to rewrite', valid: vs(route({ rewrite: { authority: 'a' } })), invalid: vs(route({ rewrite: {} })), message: 'rewrite must specify at least one of URI, UriRegexRewrite, or authority' },
  {
    rule: 'rewrite: regex rewrite needs match and rewrite',
    valid: vs(route({ rewrite: { uriRegexRewrite: { match: '^/a(.*)', rewrite: '/b\\1' } } })),
    invalid: vs(route({ rewrite: { uriRegexRewrite: { match: '^/a' } } })),
    message: 'UriRegexRewrite requires both Rewrite and Match fields to be specified',
  },
  { rule: 'retries: attempts not negative', valid: vs(route({ retries: { attempts: 3 } })), invalid: vs(route({ retries: { attempts: -1 } })), message: 'attempts cannot be negative' },
  { rule: 'retries: nothing else when disabled', valid: vs(route({ retries: { attempts: 0 } })), invalid: vs(route({ retries: { attempts: 0, perTryTimeout: '2s' } })), message: 'http retry policy configured when attempts are set to 0 (disabled)' },
  { rule: 'retries: known retryOn', valid: vs(route({ retries: { attempts: 2, retryOn: '5xx,503,reset,cancelled' } })), invalid: vs(route({ retries: { attempts: 2, retryOn: '5xx,boom' } })), message: '"boom" is not a valid retryOn policy' },
  { rule: 'fault: abort or delay', valid: vs(route({ fault: { delay: { fixedDelay: '1s' } } })), invalid: vs(route({ fault: {} })), message: 'HTTP fault injection must have an abort and/or a delay' },
  { rule: 'fault: percentage range', valid: vs(route({ fault: { delay: { fixedDelay: '1s', percentage: { value: 0.0001 } } } })), invalid: vs(route({ fault: { delay: { fixedDelay: '1s', percentage: { value: 150 } } } })), message: 'percentage 150 is neither 0.0, nor in range [0.0001, 100.0]' },
  { rule: 'fault: tiny percentage', valid: vs(route({ fault: { abort: { httpStatus: 503, percentage: { value: 0 } } } })), invalid: vs(route({ fault: { abort: { httpStatus: 503, percentage: { value: 0.00001 } } } })), message: 'percentage 1e-05 is neither 0.0' },
  { rule: 'fault: abort HTTP status', valid: vs(route({ fault: { abort: { httpStatus: 503 } } })), invalid: vs(route({ fault: { abort: { httpStatus: 100 } } })), message: 'HTTP status 100 is not in range 200-599' },
  { rule: 'fault: known gRPC status', valid: vs(route({ fault: { abort: { grpcStatus: 'UNAVAILABLE' } } })), invalid: vs(route({ fault: { abort: { grpcStatus: 'NOPE' } } })), message: 'gRPC status "NOPE" is not supported.' },
  { rule: 'fault: no HTTP/2 errors', valid: vs(route({ fault: { abort: { httpStatus: 500 } } })), invalid: vs(route({ fault: { abort: { http2Error: 'REFUSED_STREAM' } } })), message: 'HTTP/2 abort fault injection not supported yet' },
  { rule: 'fault: no exponential delay', valid: vs(route({ fault: { delay: { fixedDelay: '5s' } } })), invalid: vs(route({ fault: { delay: { exponentialDelay: '5s' } } })), message: 'exponentialDelay not supported yet' },
  { rule: 'mirror percentage at most 100', valid: vs(route({ mirror: { host: 'm' }, mirrorPercentage: { value: 100 } })), invalid: vs(route({ mirror: { host: 'm' }, mirrorPercentage: { value: 150 } })), message: 'mirror_percentage must have a max value of 100 (it has 150.000000)' },
  { rule: 'mirror percentage at least 0', valid: vs(route({ mirror: { host: 'm' }, mirrorPercentage: { value: 0 } })), invalid: vs(route({ mirror: { host: 'm' }, mirrorPercentage: { value: -1 } })), message: 'mirror_percentage must have a min value of 0 (it has -1.000000)' },
  { rule: 'mirrors percentage at most 100', valid: vs(route({ mirrors: [{ ...dest('m'), percentage: { value: 5 } }] })), invalid: vs(route({ mirrors: [{ ...dest('m'), percentage: { value: 101 } }] })), message: 'mirror percentage must have a max value of 100 (it has 101.000000)' },
  { rule: 'mirrors need a destination', valid: vs(route({ mirrors: [dest('m')] })), invalid: vs(route({ mirrors: [{ percentage: { value: 5 } }] })), message: 'destination is required for mirrors' },
  { rule: 'mirrorPercent at most 100', valid: vs(route({ mirror: { host: 'm' } })), invalid: vs(route({ mirror: { host: 'm' }, mirrorPercent: 150 })), message: 'mirror_percent must have a max value of 100 (it has 150)' },
  { rule: 'CORS methods', valid: vs(route({ corsPolicy: { allowMethods: ['GET', '*'] } })), invalid: vs(route({ corsPolicy: { allowMethods: ['FETCH'] } })), message: '"FETCH" is not a supported HTTP method' },
  { rule: 'CORS header names', valid: vs(route({ corsPolicy: { allowHeaders: ['*', 'x-a'] } })), invalid: vs(route({ corsPolicy: { exposeHeaders: ['bad header'] } })), message: 'header name bad header is not a valid header name' },
  { rule: 'CORS origins not empty', valid: vs(route({ corsPolicy: { allowOrigins: [{ exact: 'https://a.com' }] } })), invalid: vs(route({ corsPolicy: { allowOrigins: [{ exact: '' }] } })), message: "'' is not a valid match type for CORS allow origins" },
  { rule: 'CORS maxAge whole seconds', valid: vs(route({ corsPolicy: { maxAge: '24h' } })), invalid: vs(route({ corsPolicy: { maxAge: '1500ms' } })), message: 'max_age duration is accurate only to seconds precision' },
  { rule: 'durations at least 1ms', valid: vs(route({ timeout: '1ms' })), invalid: vs(route({ timeout: '0.5ms' })), message: 'duration must be greater than 1ms', path: 'spec.http[0].timeout' },
  { rule: 'durations in whole ms', valid: vs(route({ timeout: '1.5s' })), invalid: vs(route({ timeout: '1.5ms' })), message: 'only durations to ms precision are supported' },
  { rule: 'tcp route needs a route', valid: { hosts: ['db'], tcp: [{ route: [dest('db')] }] }, invalid: { hosts: ['db'], tcp: [{ match: [{ port: 3306 }] }] }, message: 'TCP route is required' },
  {
    rule: 'tcp match subnets',
    valid: { hosts: ['db'], tcp: [{ match: [{ destinationSubnets: ['10.0.0.0/8'] }], route: [dest('db')] }] },
    invalid: { hosts: ['db'], tcp: [{ match: [{ destinationSubnets: ['10.0.0.0/40'] }], route: [dest('db')] }] },
    message: '10.0.0.0/40 is not a valid CIDR block',
  },
  { rule: 'tls route needs a match', valid: { hosts: ['a.com'], tls: [{ match: [{ sniHosts: ['a.com'] }], route: [dest('a.com')] }] }, invalid: { hosts: ['a.com'], tls: [{ route: [dest('a.com')] }] }, message: 'TLS route must have at least one match condition' },
  { rule: 'tls match needs SNI hosts', valid: { hosts: ['a.com'], tls: [{ match: [{ sniHosts: ['a.com'] }], route: [dest('a.com')] }] }, invalid: { hosts: ['a.com'], tls: [{ match: [{ port: 443 }], route: [dest('a.com')] }] }, message: 'TLS match must have at least one SNI host' },
  { rule: 'tls route needs a route', valid: { hosts: ['a.com'], tls: [{ match: [{ sniHosts: ['a.com'] }], route: [dest('a.com')] }] }, invalid: { hosts: ['a.com'], tls: [{ match: [{ sniHosts: ['a.com'] }] }] }, message: 'TLS route is required' },
  {
    rule: 'SNI hosts within the VirtualService hosts',
    valid: { hosts: ['*.a.com'], tls: [{ match: [{ sniHosts: ['x.a.com'] }], route: [dest('a.com')] }] },
    invalid: { hosts: ['a.com'], tls: [{ match: [{ sniHosts: ['b.com'] }], route: [dest('a.com')] }] },
    message: 'SNI host "b.com" is not a compatible subset of any of the virtual service hosts: [a.com]',
  },
  { rule: 'exportTo: no duplicates', valid: vs(route(), { exportTo: ['ns1', 'ns2'] }), invalid: vs(route(), { exportTo: ['ns1', 'ns1'] }), message: 'duplicate entries in exportTo for entry ns1' },
  { rule: 'exportTo: . is the own namespace', valid: vs(route(), { exportTo: ['.', 'other'] }), invalid: vs(route(), { exportTo: ['default', '.'] }), message: 'duplicate entries in exportTo: . and current namespace default' },
  { rule: 'exportTo: * alone', valid: vs(route(), { exportTo: ['*'] }), invalid: vs(route(), { exportTo: ['*', 'ns1'] }), message: 'cannot have both public (*) and non-public exportTo values for a resource' },
  { rule: 'exportTo: namespace names', valid: vs(route(), { exportTo: ['team-a'] }), invalid: vs(route(), { exportTo: ['Team_A'] }), message: 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry' },
];

describe('VirtualService rules (istio.md §2.2)', () => {
  it.each(cases)('$rule: the valid case is accepted', ({ valid }) => {
    expectValid('VirtualService', valid);
  });
  it.each(cases)('$rule: the invalid case is rejected with Istio\'s message', ({ invalid, message, path }) => {
    expectError('VirtualService', invalid, message, path);
  });
});

const warnings: { rule: string; spec: Record<string, unknown>; message: string; code: string }[] = [
  { rule: 'legacy gateway name', spec: vs(route(), { gateways: ['gw.istio-system'] }), message: 'using legacy gatewayName format "gw.istio-system"; prefer the <namespace>/<name> format: "istio-system/gw"', code: 'IST0133' },
  { rule: 'abort without error type', spec: vs(route({ fault: { abort: { percentage: { value: 1 } } } })), message: 'abort configured, but error type not set', code: 'IST0133' },
  { rule: 'deprecated mirrorPercent', spec: vs(route({ mirror: { host: 'm' }, mirrorPercent: 5 })), message: 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead', code: 'IST0133' },
  { rule: 'IP as SNI host', spec: { hosts: ['a.com'], tls: [{ match: [{ sniHosts: ['1.2.3.4'] }], route: [dest('a.com')] }] }, message: 'using an IP address ("1.2.3.4") goes against SNI spec', code: 'IST0133' },
  { rule: 'rule after a catch-all', spec: { hosts: ['r'], http: [route(), route({ match: [{ uri: { prefix: '/a' } }] })] }, message: 'virtualService rule #1 not used (route without matches defined before)', code: 'IST0130' },
  { rule: 'two catch-alls', spec: { hosts: ['r'], http: [route(), route({ name: 'second' })] }, message: 'virtualService rule "second" not used (only the last rule can have no matches)', code: 'IST0130' },
  {
    rule: 'duplicate match',
    spec: { hosts: ['r'], http: [route({ match: [{ uri: { exact: '/a' } }] }), route({ match: [{ name: 'dup', uri: { exact: '/a' } }, { uri: { exact: '/b' } }] })] },
    message: 'virtualService rule #1 match "dup" is not used (duplicate/overlapping match in rule #0)',
    code: 'IST0131',
  },
  {
    rule: 'match covered by an earlier prefix',
    spec: { hosts: ['r'], http: [route({ match: [{ uri: { prefix: '/debug' } }] }), route({ name: 'later', match: [{ name: 'm', uri: { prefix: '/debugs' } }] })] },
    message: 'virtualService rule "later" match "m" of prefix /debugs is not used (duplicate/overlapping match in rule #0 of prefix /debug on #0)',
    code: 'IST0131',
  },
  { rule: 'large direct response', spec: vs({ directResponse: { status: 200, body: { string: 'x'.repeat(200 * 1024) } } }), message: 'large direct_responses may impact control plane performance', code: 'IST0133' },
];

describe('VirtualService warnings', () => {
  it.each(warnings)('$rule gives a warning, not an error', ({ spec, message, code }) => {
    expectValid('VirtualService', spec);
    expectWarning('VirtualService', spec, message, code);
  });

  it('does not warn when a longer prefix comes first or the methods differ', () => {
    const spec = (first: Record<string, unknown>, second: Record<string, unknown>): Record<string, unknown> => ({ hosts: ['r'], http: [route({ match: [first] }), route({ match: [second] })] });
    expect(expectValid('VirtualService', spec({ uri: { prefix: '/debugs' } }, { uri: { prefix: '/debug' } }))).toEqual([]);
    expect(expectValid('VirtualService', spec({ uri: { prefix: '/a' }, method: { exact: 'POST' } }, { uri: { prefix: '/ab' } }))).toEqual([]);
  });

  it('reports every error of an object, each with its own path', () => {
    const result = validateSpec('VirtualService', { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' }, weight: 10 }, { destination: { host: '*' }, weight: -5 }] }] });
    expect(result.ok ? [] : result.errors).toEqual([
      { path: 'spec.http[0].route[1].destination.host', message: 'invalid destination host *' },
      { path: 'spec.http[0].route[1].weight', message: 'weight -5 < 0' },
    ]);
  });
});
