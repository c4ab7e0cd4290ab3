/** Rule cases of istio.md §2.2 for DestinationRule: a valid and an invalid spec per rule, with Istio's message. */
import type { RuleCase } from './rule-case.ts';

export const dr = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ host: 'reviews', ...extra });
export const tp = (policy: Record<string, unknown>): Record<string, unknown> => dr({ trafficPolicy: policy });
export const lb = (loadBalancer: Record<string, unknown>, rest: Record<string, unknown> = {}): Record<string, unknown> => tp({ loadBalancer, ...rest });
export const pool = (connectionPool: Record<string, unknown>): Record<string, unknown> => tp({ connectionPool });
export const outlier = (outlierDetection: Record<string, unknown>): Record<string, unknown> => tp({ outlierDetection });
export const tls = (t: Record<string, unknown>): Record<string, unknown> => tp({ tls: t });
export const locality = (setting: Record<string, unknown>): Record<string, unknown> => lb({ localityLbSetting: setting }, { outlierDetection: { consecutive5xxErrors: 5 } });

export const DESTINATION_RULE_CASES: readonly RuleCase[] = [
  { rule: 'host is a wildcard domain', valid: dr({ host: '*.example.com' }), invalid: dr({ host: '' }), message: 'empty domain name not allowed', path: 'spec.host' },
  { rule: 'host TLD not all numeric', valid: dr({ host: 'reviews.default.svc.cluster.local' }), invalid: dr({ host: 'a.123' }), message: 'domain name "123" invalid (top level domain "123" cannot be all-numeric)' },
  { rule: 'host at most 255 characters', valid: dr({ host: `${'a'.repeat(60)}.com` }), invalid: dr({ host: `${'a.'.repeat(130)}com` }), message: 'too long (max 255)' },
  { rule: 'subset names unique', valid: dr({ subsets: [{ name: 'v1' }, { name: 'v2' }] }), invalid: dr({ subsets: [{ name: 'v1' }, { name: 'v1' }] }), message: 'duplicate subset names: v1', path: 'spec.subsets[1].name' },
  { rule: 'subset name not empty', valid: dr({ subsets: [{ name: 'V1' }] }), invalid: dr({ subsets: [{ labels: { version: 'v1' } }] }), message: 'subset name cannot be empty' },
  { rule: 'subset name is a DNS label', valid: dr({ subsets: [{ name: 'v0-1' }] }), invalid: dr({ subsets: [{ name: 'v0.1' }] }), message: 'subset name is invalid: v0.1' },
  { rule: 'subset labels', valid: dr({ subsets: [{ name: 'v1', labels: { version: 'v0.1' } }] }), invalid: dr({ subsets: [{ name: 'v1', labels: { version: 'v 1' } }] }), message: 'invalid tag value: "v 1"' },
  { rule: 'traffic policy not empty', valid: tp({ tls: { mode: 'ISTIO_MUTUAL' } }), invalid: tp({}), message: 'traffic policy must have at least one field', path: 'spec.trafficPolicy' },
  { rule: 'tunnel xor proxyProtocol', valid: tp({ proxyProtocol: { version: 'V2' } }), invalid: tp({ tunnel: { targetHost: 'a.com', targetPort: 443 }, proxyProtocol: { version: 'V1' } }), message: 'tunnel and proxyProtocol must not be set together' },
  { rule: 'connection pool not empty', valid: pool({ tcp: { maxConnections: 1 } }), invalid: pool({}), message: 'connection pool must have at least one field' },
  { rule: 'max connections not negative', valid: pool({ tcp: { maxConnections: 0 } }), invalid: pool({ tcp: { maxConnections: -1 } }), message: 'max connections must be non-negative' },
  { rule: 'http1 max pending not negative', valid: pool({ http: { http1MaxPendingRequests: 1 } }), invalid: pool({ http: { http1MaxPendingRequests: -1 } }), message: 'http1 max pending requests must be non-negative' },
  { rule: 'http2 max requests not negative', valid: pool({ http: { http2MaxRequests: 1 } }), invalid: pool({ http: { http2MaxRequests: -1 } }), message: 'http2 max requests must be non-negative' },
  { rule: 'max requests per connection not negative', valid: pool({ http: { maxRequestsPerConnection: 1 } }), invalid: pool({ http: { maxRequestsPerConnection: -2 } }), message: 'max requests per connection must be non-negative' },
  { rule: 'max retries not negative', valid: pool({ http: { maxRetries: 3 } }), invalid: pool({ http: { maxRetries: -1 } }), message: 'max retries must be non-negative' },
  { rule: 'max concurrent streams not negative', valid: pool({ http: { maxConcurrentStreams: 100 } }), invalid: pool({ http: { maxConcurrentStreams: -1 } }), message: 'max concurrent streams must be non-negative' },
  { rule: 'UPGRADE xor useClientProtocol', valid: pool({ http: { h2UpgradePolicy: 'UPGRADE' } }), invalid: pool({ http: { h2UpgradePolicy: 'UPGRADE', useClientProtocol: true } }), message: 'use client protocol must not be true when H2UpgradePolicy is UPGRADE' },
  { rule: 'http2 keepalive interval', valid: pool({ http: { http2KeepAlive: { interval: '10s', timeout: '1s' } } }), invalid: pool({ http: { http2KeepAlive: { timeout: '1s' } } }), message: 'http2 keepalive interval is required' },
  { rule: 'http2 keepalive timeout', valid: pool({ http: { http2KeepAlive: { interval: '10s', timeout: '1s' } } }), invalid: pool({ http: { http2KeepAlive: { interval: '10s' } } }), message: 'http2 keepalive timeout is required' },
  { rule: 'pool durations', valid: pool({ tcp: { connectTimeout: '30ms', idleTimeout: '0s' } }), invalid: pool({ tcp: { connectTimeout: '0s' } }), message: 'duration must be greater than 1ms', path: 'spec.trafficPolicy.connectionPool.tcp.connectTimeout' },
  { rule: 'outlier percentages 0..100', valid: outlier({ maxEjectionPercent: 100, minHealthPercent: 0 }), invalid: outlier({ maxEjectionPercent: 101 }), message: 'percentage 101 is not in range 0..100' },
  {
    rule: 'local origin failures need the split flag',
    valid: outlier({ consecutiveLocalOriginFailures: 5, splitExternalLocalOriginErrors: true }),
    invalid: outlier({ consecutiveLocalOriginFailures: 5 }),
    message: 'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false',
  },
  { rule: 'outlier durations', valid: outlier({ interval: '5m', baseEjectionTime: '15m' }), invalid: outlier({ interval: '100us' }), message: 'duration must be greater than 1ms' },
  { rule: 'cookie ttl is a duration', valid: lb({ consistentHash: { httpCookie: { name: 'user', ttl: '0s' } } }), invalid: lb({ consistentHash: { httpCookie: { name: 'user', ttl: '1 day' } } }), message: 'time: invalid duration "1 day"' },
  { rule: 'cookie name', valid: lb({ consistentHash: { httpCookie: { name: 'user', ttl: '0s' } } }), invalid: lb({ consistentHash: { httpCookie: { ttl: '10s' } } }), message: 'name required for HttpCookie' },
  { rule: 'cookie attribute names not empty', valid: lb({ consistentHash: { httpCookie: { name: 'u', attributes: [{ name: 'SameSite', value: 'Strict' }] } } }), invalid: lb({ consistentHash: { httpCookie: { name: 'u', attributes: [{ value: 'x' }] } } }), message: 'cookie attribute name cannot be empty' },
  {
    rule: 'cookie attribute names unique',
    valid: lb({ consistentHash: { httpCookie: { name: 'u', attributes: [{ name: 'a' }, { name: 'b' }] } } }),
    invalid: lb({ consistentHash: { httpCookie: { name: 'u', attributes: [{ name: 'a' }, { name: 'a' }] } } }),
    message: 'duplicate cookie attribute name: a',
  },
  { rule: 'maglev table size set', valid: lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } }), invalid: lb({ consistentHash: { useSourceIp: true, maglev: {} } }), message: 'tableSize must be set for maglev' },
  { rule: 'maglev table size prime', valid: lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 5 } } }), invalid: lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 65536 } } }), message: 'tableSize must be a prime number for maglev' },
  { rule: 'maglev table size below 5000011', valid: lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 4999999 } } }), invalid: lb({ consistentHash: { useSourceIp: true, maglev: { tableSize: 5000011 } } }), message: 'tableSize must be less than 5000011 for maglev' },
  {
    rule: 'minimumRingSize xor ringHash/maglev',
    valid: lb({ consistentHash: { useSourceIp: true, ringHash: { minimumRingSize: 1024 } } }),
    invalid: lb({ consistentHash: { useSourceIp: true, minimumRingSize: 1024, ringHash: { minimumRingSize: 1024 } } }),
    message: 'only one of MinimumRingSize or Maglev/Ringhash can be specified',
  },
  { rule: 'locality xor zone aware', valid: lb({ localityLbSetting: { enabled: true } }), invalid: lb({ localityLbSetting: { enabled: true }, zoneAwareLbSetting: { enabled: true } }), message: 'only one of localityLbSetting and zoneAwareLbSetting can be set' },
  {
    rule: 'distribute xor failover',
    valid: locality({ failover: [{ from: 'us-east', to: 'us-west' }] }),
    invalid: locality({ distribute: [{ from: 'us-east/*', to: { 'us-east/*': 100 } }], failover: [{ from: 'us-east', to: 'us-west' }] }),
    message: "can not simultaneously specify 'distribute' and 'failover'",
  },
  { rule: 'locality weights 1..100', valid: locality({ distribute: [{ from: 'a/*', to: { 'a/*': 80, 'b/*': 20 } }] }), invalid: locality({ distribute: [{ from: 'a/*', to: { 'a/*': 0, 'b/*': 100 } }] }), message: 'locality weight must be in range [1, 100]' },
  { rule: 'locality weights sum to 100', valid: locality({ distribute: [{ from: 'a/*', to: { 'a/*': 100 } }] }), invalid: locality({ distribute: [{ from: 'a/*', to: { 'a/*': 50, 'b/*': 40 } }] }), message: 'total locality weight 90 != 100' },
  { rule: 'failover regions differ', valid: locality({ failover: [{ from: 'us-east', to: 'us-west' }] }), invalid: locality({ failover: [{ from: 'us-east', to: 'us-east' }] }), message: 'locality lb failover settings must specify different regions' },
  { rule: 'failover names regions only', valid: locality({ failover: [{ from: 'a', to: 'b' }] }), invalid: locality({ failover: [{ from: 'a/z1', to: 'b' }] }), message: 'locality lb failover only specify region' },
  { rule: 'failover without wildcards', valid: locality({ failover: [{ from: 'a', to: 'b' }] }), invalid: locality({ failover: [{ from: 'a', to: '*' }] }), message: "locality lb failover region should not contain '*' wildcard" },
  { rule: 'warmup duration required', valid: lb({ warmup: { duration: '60s' } }), invalid: lb({ warmup: { minimumPercent: 10 } }), message: 'duration is required' },
  { rule: 'warmup minimumPercent at most 100', valid: lb({ warmup: { duration: '60s', minimumPercent: 100 } }), invalid: lb({ warmup: { duration: '60s', minimumPercent: 101 } }), message: 'minimumPercent value should be less than or equal to 100' },
  { rule: 'warmup aggression positive', valid: lb({ warmup: { duration: '60s', aggression: 1.5 } }), invalid: lb({ warmup: { duration: '60s', aggression: 0 } }), message: 'aggression should be greater than 0' },
  {
    rule: 'SIMPLE insecureSkipVerify without CA/SANs',
    valid: tls({ mode: 'SIMPLE', insecureSkipVerify: true }),
    invalid: tls({ mode: 'SIMPLE', insecureSkipVerify: true, caCertificates: '/ca.pem' }),
    message: 'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true',
  },
  {
    rule: 'MUTUAL insecureSkipVerify without CA/SANs',
    valid: tls({ mode: 'MUTUAL', insecureSkipVerify: true, credentialName: 'c' }),
    invalid: tls({ mode: 'MUTUAL', insecureSkipVerify: true, credentialName: 'c', subjectAltNames: ['a'] }),
    message: 'cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true',
  },
  { rule: 'MUTUAL needs a client certificate', valid: tls({ mode: 'MUTUAL', clientCertificate: '/c.pem', privateKey: '/k.pem' }), invalid: tls({ mode: 'MUTUAL', privateKey: '/k.pem' }), message: 'client certificate required for mutual tls' },
  { rule: 'MUTUAL needs a private key', valid: tls({ mode: 'MUTUAL', credentialName: 'secret' }), invalid: tls({ mode: 'MUTUAL', clientCertificate: '/c.pem' }), message: 'private key required for mutual tls' },
  {
    rule: 'credentialName excludes inline certificates',
    valid: tls({ mode: 'SIMPLE', credentialName: 'secret' }),
    invalid: tls({ mode: 'SIMPLE', credentialName: 'secret', caCertificates: '/ca.pem' }),
    message: 'cannot specify client certificates or CA certificate or CA CRL If credentialName is set',
  },
  { rule: 'port level settings need a port', valid: tp({ portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'DISABLE' } }] }), invalid: tp({ portLevelSettings: [{ tls: { mode: 'DISABLE' } }] }), message: 'portTrafficPolicy must have valid port' },
  { rule: 'port level settings not empty', valid: tp({ portLevelSettings: [{ port: { number: 80 }, loadBalancer: { simple: 'RANDOM' } }] }), invalid: tp({ portLevelSettings: [{ port: { number: 80 } }] }), message: 'port traffic policy must have at least one field' },
  { rule: 'tunnel protocol', valid: tp({ tunnel: { protocol: 'POST', targetHost: 'a.com', targetPort: 443 } }), invalid: tp({ tunnel: { protocol: 'GET', targetHost: 'a.com', targetPort: 443 } }), message: 'tunnel protocol must be "CONNECT" or "POST"' },
  { rule: 'tunnel target host', valid: tp({ tunnel: { targetHost: '10.0.0.1', targetPort: 443 } }), invalid: tp({ tunnel: { targetHost: 'bad_host', targetPort: 443 } }), message: 'tunnel target host must be valid FQDN or IP address: ' },
  { rule: 'tunnel target port', valid: tp({ tunnel: { targetHost: 'a.com', targetPort: 8443 } }), invalid: tp({ tunnel: { targetHost: 'a.com', targetPort: 0 } }), message: 'tunnel target port is invalid: port number 0 must be in the range 1..65535' },
  { rule: 'selector keys not empty', valid: dr({ workloadSelector: { matchLabels: { app: 'a' } }, exportTo: ['.'] }), invalid: dr({ workloadSelector: { matchLabels: { '': 'a' } } }), message: 'empty key is not supported in selector: "=a"' },
  { rule: 'selector without wildcards', valid: dr({ workloadSelector: { matchLabels: { app: 'a' } } }), invalid: dr({ workloadSelector: { matchLabels: { app: 'a*' } } }), message: 'wildcard is not supported in selector: "app=a*"' },
  {
    rule: 'selector rules are exported to their namespace only',
    valid: dr({ workloadSelector: { matchLabels: { app: 'a' } }, exportTo: ['default'] }),
    invalid: dr({ workloadSelector: { matchLabels: { app: 'a' } }, exportTo: ['other'] }),
    message: 'destination rule with workload selector cannot have exportTo beyond current namespace',
  },
  { rule: 'exportTo duplicates', valid: dr({ exportTo: ['a', 'b'] }), invalid: dr({ exportTo: ['a', 'a'] }), message: 'duplicate entries in exportTo for entry a' },
];
