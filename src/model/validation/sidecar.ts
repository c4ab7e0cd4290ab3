/** `ValidateSidecar` (istio.md §2.2, Sidecar). */
import type { SidecarSpec } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import { checkLabels, isIPAddress, validatePort } from './common.ts';
import { checkNamespacedHost } from './gateway.ts';
import { checkDestination } from './http-route.ts';

const DEFAULT_ENDPOINT = 'sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset';

function checkDefaultEndpoint(report: Report, path: string, endpoint: string): void {
  if (endpoint.startsWith('unix://')) return;
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(endpoint);
  const host = m?.[1] ?? m?.[2];
  if (m === null || host === undefined || !['', '127.0.0.1', '0.0.0.0', '::1', '::'].includes(host)) {
    report.error(path, DEFAULT_ENDPOINT);
    return;
  }
  const err = validatePort(Number(m[3]));
  if (err !== undefined) report.error(path, err);
}

function checkIngress(report: Report, spec: SidecarSpec): void {
  const ports = new Set<number>();
  (spec.ingress ?? []).forEach((ing, i) => {
    const p = at('spec.ingress', i);
    if (ing.port === undefined) {
      report.error(p, 'sidecar: port is required for ingress listeners');
      return;
    }
    const number = ing.port.number ?? 0;
    const err = validatePort(number);
    if (err !== undefined) report.error(field(field(p, 'port'), 'number'), err);
    if (ports.has(number)) report.error(field(p, 'port'), 'sidecar: ports on IP bound listeners must be unique');
    ports.add(number);
    if (ing.bind !== undefined && ing.bind !== '' && !isIPAddress(ing.bind)) report.error(field(p, 'bind'), `sidecar: ${ing.bind} is not a valid IP`);
    if (ing.defaultEndpoint !== undefined && ing.defaultEndpoint !== '') checkDefaultEndpoint(report, field(p, 'defaultEndpoint'), ing.defaultEndpoint);
    const mode = ing.tls?.mode;
    if (mode !== undefined && mode !== 'SIMPLE' && mode !== 'MUTUAL') report.error(field(field(p, 'tls'), 'mode'), `sidecar: ingress tls mode ${mode} is not supported`);
  });
}

function checkEgress(report: Report, spec: SidecarSpec): void {
  const egress = spec.egress ?? [];
  const ports = new Set<string>();
  let catchAll = false;
  egress.forEach((eg, i) => {
    const p = at('spec.egress', i);
    if (eg.port === undefined) {
      if (catchAll) report.error(p, 'sidecar: egress can have only one listener with empty port');
      else if (i !== egress.length - 1) report.error(p, 'sidecar: the egress listener with empty port should be the last listener in the list');
      else catchAll = true;
    } else {
      const bind = eg.bind ?? '';
      const number = eg.port.number ?? 0;
      if (bind.startsWith('unix://')) {
        if (eg.captureMode !== undefined && eg.captureMode !== 'DEFAULT' && eg.captureMode !== 'NONE') {
          report.error(field(p, 'captureMode'), 'sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners');
        }
      } else if (number === 0) report.error(field(p, 'port'), 'sidecar: ports with 0 value must have a unix domain socket bind address');
      else {
        if (bind !== '' && !isIPAddress(bind)) report.error(field(p, 'bind'), `sidecar: ${bind} is not a valid IP`);
        const err = validatePort(number);
        if (err !== undefined) report.error(field(field(p, 'port'), 'number'), err);
      }
      const key = bind.startsWith('unix://') ? bind : String(number);
      if (ports.has(key)) report.error(field(p, 'port'), 'sidecar: ports on IP bound listeners must be unique');
      ports.add(key);
    }
    const hosts = eg.hosts ?? [];
    if (hosts.length === 0) report.error(field(p, 'hosts'), 'sidecar: egress listener must contain at least one host');
    hosts.forEach((h, j) => { checkNamespacedHost(report, at(field(p, 'hosts'), j), h, false); });
  });
}

export function checkSidecar(report: Report, spec: SidecarSpec): void {
  if (spec.workloadSelector !== undefined) checkLabels(report, 'spec.workloadSelector.labels', spec.workloadSelector.labels);
  const empty = (spec.egress?.length ?? 0) === 0 && (spec.ingress?.length ?? 0) === 0 && spec.outboundTrafficPolicy === undefined && spec.inboundConnectionPool === undefined;
  if (empty) report.error('spec', 'sidecar: empty configuration provided');
  checkIngress(report, spec);
  checkEgress(report, spec);
  const otp = spec.outboundTrafficPolicy;
  if (otp !== undefined) {
    if (otp.mode === 'ALLOW_ANY_DYNAMIC_DNS') {
      report.error('spec.outboundTrafficPolicy.mode', 'sidecar: ALLOW_ANY_DYNAMIC_DNS mode is only supported in MeshConfig, not in Sidecar resource');
    }
    if (otp.egressProxy !== undefined) {
      if (otp.mode !== 'ALLOW_ANY') report.error('spec.outboundTrafficPolicy', 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode');
      checkDestination(report, 'spec.outboundTrafficPolicy.egressProxy', otp.egressProxy);
    }
  }
}
