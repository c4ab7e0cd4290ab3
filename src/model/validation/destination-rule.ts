/** `ValidateDestinationRule` (istio.md §2.2, DestinationRule). */
import type { DestinationRuleSpec, TrafficPolicy } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import { checkDuration, checkExportTo, checkLabels, goFloat, isIPAddress, validateFQDN, validatePort, validateWildcardDomain } from './common.ts';
import { checkSubsetName } from './http-route.ts';

type LoadBalancer = NonNullable<TrafficPolicy['loadBalancer']>;
type ConnectionPool = NonNullable<TrafficPolicy['connectionPool']>;
type Outlier = NonNullable<TrafficPolicy['outlierDetection']>;
type ClientTls = NonNullable<TrafficPolicy['tls']>;

const isPrime = (n: number): boolean => {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
};

function checkConsistentHash(report: Report, path: string, ch: NonNullable<LoadBalancer['consistentHash']>): void {
  const cookie = ch.httpCookie;
  if (cookie !== undefined) {
    if ((cookie.name ?? '') === '') report.error(field(path, 'httpCookie'), 'name required for HttpCookie');
    const names = new Set<string>();
    (cookie.attributes ?? []).forEach((a, i) => {
      const p = at(field(field(path, 'httpCookie'), 'attributes'), i);
      const name = a.name ?? '';
      if (name === '') report.error(p, 'cookie attribute name cannot be empty');
      else if (names.has(name)) report.error(p, `duplicate cookie attribute name: ${name}`);
      names.add(name);
    });
  }
  if (ch.maglev !== undefined) {
    const size = ch.maglev.tableSize ?? 0;
    const p = field(field(path, 'maglev'), 'tableSize');
    if (size === 0) report.error(p, 'tableSize must be set for maglev');
    else if (!isPrime(size)) report.error(p, 'tableSize must be a prime number for maglev');
    else if (size >= 5000011) report.error(p, 'tableSize must be less than 5000011 for maglev');
  }
  if ((ch.minimumRingSize ?? 0) !== 0 && (ch.ringHash !== undefined || ch.maglev !== undefined)) {
    report.error(path, 'only one of MinimumRingSize or Maglev/Ringhash can be specified');
  }
}

function checkLocality(report: Report, path: string, lb: LoadBalancer, outlier: Outlier | undefined): void {
  const setting = lb.localityLbSetting;
  if (setting === undefined) return;
  if (lb.zoneAwareLbSetting !== undefined) report.error(path, 'only one of localityLbSetting and zoneAwareLbSetting can be set');
  const p = field(path, 'localityLbSetting');
  const distribute = setting.distribute ?? [];
  const failover = setting.failover ?? [];
  if (distribute.length > 0 && failover.length > 0) report.error(p, "can not simultaneously specify 'distribute' and 'failover'");
  if (failover.length > 0 && outlier === undefined) report.warn(p, 'outlier detection policy must be provided for failover', 'IST0133');
  distribute.forEach((d, i) => {
    let total = 0;
    for (const [loc, weight] of Object.entries(d.to ?? {})) {
      if (weight <= 0 || weight > 100) report.error(field(field(at(field(p, 'distribute'), i), 'to'), loc), 'locality weight must be in range [1, 100]');
      total += weight;
    }
    if (total !== 100) report.error(at(field(p, 'distribute'), i), `total locality weight ${total} != 100`);
  });
  failover.forEach((f, i) => {
    const fp = at(field(p, 'failover'), i);
    const from = f.from ?? '';
    const to = f.to ?? '';
    if (from === to) report.error(fp, 'locality lb failover settings must specify different regions');
    if (from.includes('/') || to.includes('/')) report.error(fp, 'locality lb failover only specify region');
    if (from.includes('*') || to.includes('*')) report.error(fp, "locality lb failover region should not contain '*' wildcard");
  });
}

function checkLoadBalancer(report: Report, path: string, lb: LoadBalancer, outlier: Outlier | undefined): void {
  if (lb.consistentHash !== undefined) checkConsistentHash(report, field(path, 'consistentHash'), lb.consistentHash);
  checkLocality(report, path, lb, outlier);
  checkDuration(report, field(path, 'warmupDurationSecs'), lb.warmupDurationSecs);
  const w = lb.warmup;
  if (w === undefined) return;
  const wp = field(path, 'warmup');
  if (w.duration === undefined) report.error(field(wp, 'duration'), 'duration is required');
  else checkDuration(report, field(wp, 'duration'), w.duration);
  if (w.minimumPercent !== undefined && w.minimumPercent > 100) report.error(field(wp, 'minimumPercent'), 'minimumPercent value should be less than or equal to 100');
  if (w.minimumPercent !== undefined && w.minimumPercent < 0) report.error(field(wp, 'minimumPercent'), 'minimumPercent value should be greater than or equal to 0');
  if (w.aggression !== undefined && w.aggression <= 0) report.error(field(wp, 'aggression'), 'aggression should be greater than 0');
}

function nonNegative(report: Report, path: string, value: number | undefined, what: string): void {
  if (value !== undefined && value < 0) report.error(path, `${what} must be non-negative`);
}

function checkConnectionPool(report: Report, path: string, pool: ConnectionPool): void {
  if (pool.http === undefined && pool.tcp === undefined) report.error(path, 'connection pool must have at least one field');
  const h = pool.http;
  if (h !== undefined) {
    const hp = field(path, 'http');
    nonNegative(report, field(hp, 'http1MaxPendingRequests'), h.http1MaxPendingRequests, 'http1 max pending requests');
    nonNegative(report, field(hp, 'http2MaxRequests'), h.http2MaxRequests, 'http2 max requests');
    nonNegative(report, field(hp, 'maxRequestsPerConnection'), h.maxRequestsPerConnection, 'max requests per connection');
    nonNegative(report, field(hp, 'maxRetries'), h.maxRetries, 'max retries');
    nonNegative(report, field(hp, 'maxConcurrentStreams'), h.maxConcurrentStreams, 'max concurrent streams');
    checkDuration(report, field(hp, 'idleTimeout'), h.idleTimeout);
    if (h.h2UpgradePolicy === 'UPGRADE' && h.useClientProtocol === true) report.error(hp, 'use client protocol must not be true when H2UpgradePolicy is UPGRADE');
    const ka = h.http2KeepAlive;
    if (ka !== undefined) {
      if (ka.interval === undefined) report.error(field(hp, 'http2KeepAlive'), 'http2 keepalive interval is required');
      if (ka.timeout === undefined) report.error(field(hp, 'http2KeepAlive'), 'http2 keepalive timeout is required');
      checkDuration(report, field(field(hp, 'http2KeepAlive'), 'interval'), ka.interval);
      checkDuration(report, field(field(hp, 'http2KeepAlive'), 'timeout'), ka.timeout);
    }
  }
  const t = pool.tcp;
  if (t !== undefined) {
    const tp = field(path, 'tcp');
    nonNegative(report, field(tp, 'maxConnections'), t.maxConnections, 'max connections');
    checkDuration(report, field(tp, 'connectTimeout'), t.connectTimeout);
    checkDuration(report, field(tp, 'maxConnectionDuration'), t.maxConnectionDuration);
    checkDuration(report, field(tp, 'idleTimeout'), t.idleTimeout, true);
    checkDuration(report, field(field(tp, 'tcpKeepalive'), 'time'), t.tcpKeepalive?.time);
    checkDuration(report, field(field(tp, 'tcpKeepalive'), 'interval'), t.tcpKeepalive?.interval);
  }
}

function checkPercent(report: Report, path: string, value: number | undefined): void {
  if (value !== undefined && (value < 0 || value > 100)) report.error(path, `percentage ${goFloat(value)} is not in range 0..100`);
}

function checkOutlier(report: Report, path: string, o: Outlier): void {
  checkDuration(report, field(path, 'baseEjectionTime'), o.baseEjectionTime);
  checkDuration(report, field(path, 'interval'), o.interval);
  if ((o.consecutiveErrors ?? 0) !== 0) {
    report.warn(field(path, 'consecutiveErrors'), 'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead', 'IST0133');
  }
  if (o.splitExternalLocalOriginErrors !== true && (o.consecutiveLocalOriginFailures ?? 0) > 0) {
    report.error(path, 'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false');
  }
  checkPercent(report, field(path, 'maxEjectionPercent'), o.maxEjectionPercent);
  checkPercent(report, field(path, 'minHealthPercent'), o.minHealthPercent);
}

function checkClientTls(report: Report, path: string, tls: ClientTls): void {
  const set = (s: string | undefined): boolean => s !== undefined && s !== '';
  if (tls.insecureSkipVerify === true) {
    const sans = (tls.subjectAltNames?.length ?? 0) > 0;
    if (tls.mode === 'SIMPLE' && (set(tls.caCertificates) || set(tls.credentialName) || sans)) {
      report.error(path, 'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true');
    }
    if (tls.mode === 'MUTUAL' && (set(tls.caCertificates) || sans)) report.error(path, 'cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true');
  }
  if ((tls.mode === 'SIMPLE' || tls.mode === 'MUTUAL') && set(tls.credentialName)) {
    if (set(tls.clientCertificate) || set(tls.caCertificates) || set(tls.privateKey) || set(tls.caCrl)) {
      report.error(path, 'cannot specify client certificates or CA certificate or CA CRL If credentialName is set');
    }
    return;
  }
  if (tls.mode === 'MUTUAL') {
    if (!set(tls.clientCertificate)) report.error(field(path, 'clientCertificate'), 'client certificate required for mutual tls');
    if (!set(tls.privateKey)) report.error(field(path, 'privateKey'), 'private key required for mutual tls');
  }
}

function checkTunnel(report: Report, path: string, tunnel: NonNullable<TrafficPolicy['tunnel']>): void {
  const protocol = tunnel.protocol ?? '';
  if (protocol !== '' && protocol !== 'CONNECT' && protocol !== 'POST') report.error(field(path, 'protocol'), 'tunnel protocol must be "CONNECT" or "POST"');
  const host = tunnel.targetHost ?? '';
  const fqdnErr = validateFQDN(host);
  if (fqdnErr !== undefined && !isIPAddress(host)) report.error(field(path, 'targetHost'), `tunnel target host must be valid FQDN or IP address: ${fqdnErr}; ${host} is not a valid IP`);
  const portErr = validatePort(tunnel.targetPort ?? 0);
  if (portErr !== undefined) report.error(field(path, 'targetPort'), portErr);
}

type PolicyParts = Pick<TrafficPolicy, 'loadBalancer' | 'connectionPool' | 'outlierDetection' | 'tls'>;

function checkPolicyParts(report: Report, path: string, p: PolicyParts): void {
  if (p.outlierDetection !== undefined) checkOutlier(report, field(path, 'outlierDetection'), p.outlierDetection);
  if (p.connectionPool !== undefined) checkConnectionPool(report, field(path, 'connectionPool'), p.connectionPool);
  if (p.loadBalancer !== undefined) checkLoadBalancer(report, field(path, 'loadBalancer'), p.loadBalancer, p.outlierDetection);
  if (p.tls !== undefined) checkClientTls(report, field(path, 'tls'), p.tls);
}

export function checkTrafficPolicy(report: Report, path: string, policy: TrafficPolicy | undefined): void {
  if (policy === undefined) return;
  if (Object.keys(policy).length === 0) {
    report.error(path, 'traffic policy must have at least one field');
    return;
  }
  if (policy.tunnel !== undefined && policy.proxyProtocol !== undefined) report.error(path, 'tunnel and proxyProtocol must not be set together');
  checkPolicyParts(report, path, policy);
  (policy.portLevelSettings ?? []).forEach((pls, i) => {
    const p = at(field(path, 'portLevelSettings'), i);
    if (pls.port === undefined) report.error(p, 'portTrafficPolicy must have valid port');
    else {
      const err = validatePort(pls.port.number ?? 0);
      if (err !== undefined) report.error(field(field(p, 'port'), 'number'), err);
    }
    if (pls.outlierDetection === undefined && pls.connectionPool === undefined && pls.loadBalancer === undefined && pls.tls === undefined) {
      report.error(p, 'port traffic policy must have at least one field');
    }
    checkPolicyParts(report, p, pls);
  });
  if (policy.tunnel !== undefined) checkTunnel(report, field(path, 'tunnel'), policy.tunnel);
}

function checkSelector(report: Report, path: string, labels: Readonly<Record<string, string>> | undefined): void {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) report.warn(path, 'workload selector specified without labels', 'IST0133');
  for (const [k, v] of entries) {
    if (k === '') report.error(path, `empty key is not supported in selector: ${JSON.stringify(k)}`);
    if (k.includes('*') || v.includes('*')) report.error(field(path, k), `wildcard is not supported in selector: ${JSON.stringify(`${k}=${v}`)}`);
  }
}

export function checkDestinationRule(report: Report, namespace: string, spec: DestinationRuleSpec): void {
  const hostErr = validateWildcardDomain(spec.host ?? '');
  if (hostErr !== undefined) report.error('spec.host', hostErr);
  if (spec.workloadSelector !== undefined) checkSelector(report, 'spec.workloadSelector.matchLabels', spec.workloadSelector.matchLabels);
  checkTrafficPolicy(report, 'spec.trafficPolicy', spec.trafficPolicy);
  const names = new Set<string>();
  (spec.subsets ?? []).forEach((subset, i) => {
    const p = at('spec.subsets', i);
    const name = subset.name ?? '';
    if (names.has(name)) report.error(field(p, 'name'), `duplicate subset names: ${name}`);
    names.add(name);
    checkSubsetName(report, field(p, 'name'), name);
    checkLabels(report, field(p, 'labels'), subset.labels);
    checkTrafficPolicy(report, field(p, 'trafficPolicy'), subset.trafficPolicy);
  });
  checkExportTo(report, 'spec.exportTo', namespace, spec.exportTo, false, spec.workloadSelector !== undefined);
}
