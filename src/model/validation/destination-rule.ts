/** `ValidateDestinationRule` (istio.md §2.2, DestinationRule). */
import { parseGoDuration } from '../schema/dsl.ts';
import type { DestinationRuleSpec, TrafficPolicy } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import { checkDuration, checkExportTo, checkLabels, checkSelectorLabels, goFloat, isIPAddress, validateFQDN, validatePort, validateWildcardDomain } from './common.ts';
import { checkSubsetName } from './http-route.ts';

type LoadBalancer = NonNullable<TrafficPolicy['loadBalancer']>;
type ConnectionPool = NonNullable<TrafficPolicy['connectionPool']>;
type Outlier = NonNullable<TrafficPolicy['outlierDetection']>;
type ClientTls = NonNullable<TrafficPolicy['tls']>;

/** Envoy's primality test (utility.cc), which Istio copies: 1, 2 and 3 are "prime", 0 is not. */
const isPrime = (n: number): boolean => {
  if (n !== 0 && n < 4) return true;
  if (n % 2 === 0) return false;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
};

function checkConsistentHash(report: Report, path: string, ch: NonNullable<LoadBalancer['consistentHash']>): void {
  const cookie = ch.httpCookie;
  if (cookie !== undefined) {
    if ((cookie.name ?? '') === '') report.error(field(path, 'httpCookie'), 'name required for HttpCookie');
    if (cookie.ttl !== undefined && parseGoDuration(cookie.ttl) === undefined) {
      report.error(field(field(path, 'httpCookie'), 'ttl'), `time: invalid duration ${JSON.stringify(cookie.ttl)}`);
    }
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
    if (size >= 5000011) report.error(p, 'tableSize must be less than 5000011 for maglev');
    if (!isPrime(size)) report.error(p, 'tableSize must be a prime number for maglev');
  }
  if ((ch.minimumRingSize ?? 0) !== 0) {
    report.warn(field(path, 'minimumRingSize'), "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead", 'IST0133');
    if (ch.ringHash !== undefined || ch.maglev !== undefined) report.error(path, 'only one of MinimumRingSize or Maglev/Ringhash can be specified');
  }
}

/** `ValidateLocalityLbSetting` (early returns as in Istio). */
function checkLocality(report: Report, path: string, lb: LoadBalancer, outlier: Outlier | undefined): void {
  const setting = lb.localityLbSetting;
  if (setting === undefined) return;
  if (lb.zoneAwareLbSetting !== undefined) report.error(path, 'only one of localityLbSetting and zoneAwareLbSetting can be set');
  const p = field(path, 'localityLbSetting');
  const distribute = setting.distribute ?? [];
  const failover = setting.failover ?? [];
  const priority = setting.failoverPriority ?? [];
  if (distribute.length > 0 && failover.length > 0) {
    report.error(p, "can not simultaneously specify 'distribute' and 'failover'");
    return;
  }
  const topology = priority.find((l) => ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'].includes(l));
  if (failover.length > 0 && topology !== undefined) {
    report.error(p, `can not simultaneously set 'failover' and topology label '${topology}' in 'failover_priority'`);
    return;
  }
  for (const [i, d] of distribute.entries()) {
    const dp = at(field(p, 'distribute'), i);
    let total = 0;
    for (const weight of Object.values(d.to ?? {})) {
      if (weight <= 0 || weight > 100) {
        report.error(field(dp, 'to'), 'locality weight must be in range [1, 100]');
        return;
      }
      total += weight;
    }
    if (total !== 100) {
      report.error(field(dp, 'to'), `total locality weight ${total} != 100`);
      return;
    }
    checkLocalities(report, field(dp, 'to'), Object.keys(d.to ?? {}));
  }
  checkLocalities(report, field(p, 'distribute'), distribute.map((d) => d.from ?? ''));
  if ((failover.length > 0 || priority.length > 0) && outlier === undefined) report.warn(p, 'outlier detection policy must be provided for failover', 'IST0133');
  failover.forEach((f, i) => {
    const fp = at(field(p, 'failover'), i);
    const from = f.from ?? '';
    const to = f.to ?? '';
    if (from === to) report.error(fp, 'locality lb failover settings must specify different regions');
    if (from.includes('/') || to.includes('/')) report.error(fp, 'locality lb failover only specify region');
    if (from.includes('*') || to.includes('*')) report.error(fp, "locality lb failover region should not contain '*' wildcard");
  });
}

/** `validateLocalities`: at most one trailing `*`, no empty parts, no overlaps (first problem only). */
function checkLocalities(report: Report, path: string, localities: readonly string[]): void {
  const seen: string[][] = [];
  for (const locality of localities) {
    const stars = locality.split('*').length - 1;
    if (stars > 1 || (stars === 1 && !locality.endsWith('*'))) {
      report.error(path, `locality ${locality} wildcard '*' number can not exceed 1 and must be in the end`);
      return;
    }
    const parts = locality.split('/', 3);
    if (parts.some((x) => x === '')) {
      report.error(path, `locality ${locality} must not contain empty region/zone/subzone info`);
      return;
    }
    const overlaps = seen.some((s) => s.every((x, k) => x === '*' || parts[k] === undefined || parts[k] === '*' || x === parts[k]));
    if (overlaps) {
      report.error(path, `locality ${locality} overlap with previous specified ones`);
      return;
    }
    seen.push(parts);
  }
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
  if (w.aggression !== undefined && w.aggression <= 0) report.error(field(wp, 'aggression'), 'aggression should be greater than 0');
}

function nonNegative(report: Report, path: string, value: number | undefined, what: string): void {
  if (value !== undefined && value < 0) report.error(path, `${what} must be non-negative`);
}

export function checkConnectionPool(report: Report, path: string, pool: ConnectionPool): void {
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
    const sans = tls.subjectAltNames !== undefined;
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
  if (portErr !== undefined) report.error(field(path, 'targetPort'), `tunnel target port is invalid: ${portErr}`);
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
  if (policy.tunnel !== undefined && policy.proxyProtocol !== undefined) {
    report.error(path, 'tunnel and proxyProtocol must not be set together');
    return;
  }
  checkPolicyParts(report, path, policy);
  (policy.portLevelSettings ?? []).forEach((pls, i) => {
    const p = at(field(path, 'portLevelSettings'), i);
    if (pls.port === undefined) report.error(p, 'portTrafficPolicy must have valid port');
    if (pls.outlierDetection === undefined && pls.connectionPool === undefined && pls.loadBalancer === undefined && pls.tls === undefined) {
      report.error(p, 'port traffic policy must have at least one field');
    } else checkPolicyParts(report, p, pls);
  });
  if (policy.tunnel !== undefined) checkTunnel(report, field(path, 'tunnel'), policy.tunnel);
}

function checkSelector(report: Report, path: string, labels: Readonly<Record<string, string>> | undefined): void {
  checkSelectorLabels(report, path, labels ?? {});
  if (Object.keys(labels ?? {}).length === 0) report.warn(path, 'workload selector specified without labels', 'IST0133');
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
