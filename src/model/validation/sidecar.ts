/** `ValidateSidecar` (istio.md §2.2, Sidecar). */
import type { SidecarSpec } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import { checkSelectorLabels, isIPAddress, isTlsProtocol, isHttpProtocol, validateFQDN, validatePort, validatePortName, validateProtocol, validateUnixAddress } from './common.ts';
import { checkConnectionPool } from './destination-rule.ts';
import { checkNamespacedHost, checkServerTls } from './gateway.ts';
import { checkDestination } from './http-route.ts';

type Ingress = NonNullable<SidecarSpec['ingress']>[number];
type Egress = NonNullable<SidecarSpec['egress']>[number];
type SidecarPort = NonNullable<Egress['port']>;

const DEFAULT_ENDPOINT = 'sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset';

function put(report: Report, path: string, err: string | undefined): void {
  if (err !== undefined) report.error(path, err);
}

function checkDefaultEndpoint(report: Report, path: string, endpoint: string): void {
  if (endpoint.startsWith('unix://')) {
    put(report, path, validateUnixAddress(endpoint.slice('unix://'.length)));
    return;
  }
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(endpoint);
  if (m === null) {
    report.error(path, `address ${endpoint}: missing port in address`);
    return;
  }
  const host = m[1] ?? m[2] ?? '';
  if (!['', '127.0.0.1', '0.0.0.0', '::1', '::'].includes(host)) report.error(path, DEFAULT_ENDPOINT);
  const port = m[3] ?? '';
  if (!/^[-+]?\d+$/.test(port)) report.error(path, `sidecar: defaultEndpoint port (${port}) is not a number`);
  else put(report, path, validatePort(Number(port)));
}

/** `validateSidecarIngressPortAndBind` and the egress twin for IP listeners. */
function checkPortAndBind(report: Report, path: string, port: SidecarPort, bind: string): void {
  if ((port.name ?? '') !== '') put(report, field(field(path, 'port'), 'name'), validatePortName(port.name));
  put(report, field(field(path, 'port'), 'protocol'), validateProtocol(port.protocol));
  put(report, field(field(path, 'port'), 'number'), validatePort(port.number ?? 0));
  if (bind !== '' && !isIPAddress(bind)) report.error(field(path, 'bind'), `${bind} is not a valid IP`);
}

function checkIngressTls(report: Report, path: string, ing: Ingress): void {
  const tls = ing.tls;
  if (tls === undefined) return;
  const p = field(path, 'tls');
  if ((tls.subjectAltNames?.length ?? 0) > 0) report.error(p, 'sidecar: subjectAltNames is not supported in ingress tls');
  if (tls.httpsRedirect === true) report.error(p, 'sidecar: httpsRedirect is not supported');
  if ((tls.credentialName ?? '') !== '') report.error(p, 'sidecar: credentialName is not currently supported');
  if ((tls.credentialNames?.length ?? 0) > 0) report.error(p, 'sidecar: credentialNames is not currently supported');
  if ((tls.tlsCertificates?.length ?? 0) > 0) report.error(p, 'sidecar: tls_certificates is not currently supported');
  if (tls.mode === 'ISTIO_MUTUAL' || tls.mode === 'AUTO_PASSTHROUGH') report.error(p, `configuration is invalid: cannot set mode to ${tls.mode} in sidecar ingress tls`);
  if (!isTlsProtocol(ing.port?.protocol ?? '')) report.error(p, 'server cannot have TLS settings for non HTTPS/TLS ports');
  checkServerTls(report, p, tls);
}

function checkIngress(report: Report, spec: SidecarSpec): void {
  const ports = new Set<number>();
  (spec.ingress ?? []).forEach((ing, i) => {
    const p = at('spec.ingress', i);
    if (ing.port === undefined) {
      report.error(p, 'sidecar: port is required for ingress listeners');
      return;
    }
    if ((ing.port.targetPort ?? 0) > 0) report.error(field(field(p, 'port'), 'targetPort'), 'targetPort has no impact on Sidecars');
    checkPortAndBind(report, p, ing.port, ing.bind ?? '');
    const number = ing.port.number ?? 0;
    if (ports.has(number)) report.error(field(p, 'port'), 'sidecar: ports on IP bound listeners must be unique');
    ports.add(number);
    if ((ing.defaultEndpoint ?? '') !== '') checkDefaultEndpoint(report, field(p, 'defaultEndpoint'), ing.defaultEndpoint ?? '');
    checkIngressTls(report, p, ing);
    if (ing.connectionPool !== undefined) {
      checkConnectionPool(report, field(p, 'connectionPool'), ing.connectionPool);
      if (ing.connectionPool.http !== undefined && !isHttpProtocol(ing.port.protocol ?? '')) {
        const msg = `sidecar: HTTP connection pool settings are configured for port ${number} (${JSON.stringify(ing.port.name ?? '')}) but its protocol is not HTTP (${ing.port.protocol ?? ''}); only TCP settings will apply`;
        report.warn(field(p, 'connectionPool'), msg, 'IST0133');
      }
    }
  });
}

/** `validateSidecarEgressPortBindAndCaptureMode`. */
function checkEgressPort(report: Report, path: string, eg: Egress, port: SidecarPort): void {
  const bind = eg.bind ?? '';
  if ((port.number ?? 0) !== 0) {
    checkPortAndBind(report, path, port, bind);
    return;
  }
  if ((port.name ?? '') !== '') put(report, field(field(path, 'port'), 'name'), validatePortName(port.name));
  put(report, field(field(path, 'port'), 'protocol'), validateProtocol(port.protocol));
  if (!bind.startsWith('unix://')) report.error(field(path, 'port'), 'sidecar: ports with 0 value must have a unix domain socket bind address');
  else put(report, field(path, 'bind'), validateUnixAddress(bind.slice('unix://'.length)));
  if (eg.captureMode !== undefined && eg.captureMode !== 'DEFAULT' && eg.captureMode !== 'NONE') {
    report.error(field(path, 'captureMode'), 'sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners');
  }
}

function checkEgressHosts(report: Report, path: string, hosts: readonly string[], namespace: string): void {
  if (hosts.length === 0) report.error(field(path, 'hosts'), 'sidecar: egress listener must contain at least one host');
  const byNs = new Map<string, Set<string>>();
  hosts.forEach((h, j) => {
    const hp = at(field(path, 'hosts'), j);
    const slash = h.indexOf('/');
    if (slash !== -1) {
      const ns = h.slice(0, slash) === '.' ? namespace : h.slice(0, slash);
      const svc = h.slice(slash + 1);
      const seen = byNs.get(ns) ?? new Set<string>();
      if (svc !== '' && svc !== '*' ? seen.has(svc) || seen.has('*') : seen.size > 0) report.warn(hp, `duplicated egress host: ${h}`, 'IST0133');
      seen.add(svc);
      byNs.set(ns, seen);
    }
    checkNamespacedHost(report, hp, h, false);
  });
  if (byNs.get('*')?.has('*') === true && byNs.size !== 1) report.warn(field(path, 'hosts'), '`*/*` host select all resources, no other hosts can be added', 'IST0133');
}

function checkEgress(report: Report, spec: SidecarSpec, namespace: string): void {
  const egress = spec.egress ?? [];
  const ports = new Set<number>();
  const sockets = new Set<string>();
  let catchAll = false;
  egress.forEach((eg, i) => {
    const p = at('spec.egress', i);
    if (eg.port === undefined) {
      if (catchAll) {
        report.error(p, 'sidecar: egress can have only one listener with empty port');
        return;
      }
      if (i === egress.length - 1) catchAll = true;
      else report.error(p, 'sidecar: the egress listener with empty port should be the last listener in the list');
    } else {
      if ((eg.port.targetPort ?? 0) > 0) report.error(field(field(p, 'port'), 'targetPort'), 'targetPort has no impact on Sidecars');
      checkEgressPort(report, p, eg, eg.port);
      const number = eg.port.number ?? 0;
      const bind = eg.bind ?? '';
      if (number === 0 && sockets.has(bind)) report.error(field(p, 'bind'), 'sidecar: unix domain socket values for listeners must be unique');
      if (number !== 0 && ports.has(number)) report.error(field(p, 'port'), 'sidecar: ports on IP bound listeners must be unique');
      if (number === 0) sockets.add(bind);
      else ports.add(number);
    }
    checkEgressHosts(report, p, eg.hosts ?? [], namespace);
  });
}

function checkOutboundTrafficPolicy(report: Report, spec: SidecarSpec): void {
  const otp = spec.outboundTrafficPolicy;
  if (otp === undefined) return;
  const path = 'spec.outboundTrafficPolicy';
  if (otp.mode === 'ALLOW_ANY_DYNAMIC_DNS') report.error(field(path, 'mode'), 'sidecar: ALLOW_ANY_DYNAMIC_DNS mode is only supported in MeshConfig, not in Sidecar resource');
  const proxy = otp.egressProxy;
  if (proxy === undefined) return;
  if (otp.mode !== 'ALLOW_ANY') {
    report.error(path, 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode');
    return;
  }
  put(report, field(field(path, 'egressProxy'), 'host'), validateFQDN(proxy.host ?? ''));
  if (proxy.port === undefined) {
    report.error(field(path, 'egressProxy'), 'sidecar: egress_proxy port must be non-nil');
    return;
  }
  checkDestination(report, field(path, 'egressProxy'), proxy);
}

export function checkSidecar(report: Report, namespace: string, spec: SidecarSpec): void {
  const selector = spec.workloadSelector;
  if (selector !== undefined) {
    if (!checkSelectorLabels(report, 'spec.workloadSelector.labels', selector.labels ?? {})) return;
    if (Object.keys(selector.labels ?? {}).length === 0) {
      report.warn('spec.workloadSelector', 'sidecar: workload selector specified without labels, will be applied to all services in namespace', 'IST0133');
    }
  }
  const empty = (spec.egress?.length ?? 0) === 0 && (spec.ingress?.length ?? 0) === 0 && spec.outboundTrafficPolicy === undefined && spec.inboundConnectionPool === undefined;
  if (empty) {
    report.error('spec', 'sidecar: empty configuration provided');
    return;
  }
  checkIngress(report, spec);
  if (spec.inboundConnectionPool !== undefined) checkConnectionPool(report, 'spec.inboundConnectionPool', spec.inboundConnectionPool);
  checkEgress(report, spec, namespace);
  checkOutboundTrafficPolicy(report, spec);
}
