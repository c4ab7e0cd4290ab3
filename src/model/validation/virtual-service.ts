/** `ValidateVirtualService` (istio.md §2.2, VirtualService). */
import type { TCPRoute, TLSRoute, VirtualServiceSpec } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import { checkExportTo, checkLabels, hostSubsetOf, hostsOverlap, isIPAddress, validateIPSubnet, validatePort, validateWildcardDomain } from './common.ts';
import { checkGatewayNames } from './http-policies.ts';
import { checkHttpRoute, checkWeightedDestinations, isJwtClaimKey } from './http-route.ts';
import { checkUnreachable } from './unreachable.ts';

type L4Match = NonNullable<TCPRoute['match']>[number] | NonNullable<TLSRoute['match']>[number];

/** `ValidateWildcardDomainForVirtualServiceBoundToGateway`: SNI hosts may be `outbound_.<PORT>_._.<HOSTNAME>`. */
function validateGatewayHost(sni: boolean, host: string): string | undefined {
  if (!sni || !host.startsWith('outbound_') || host.length > 255) return validateWildcardDomain(host);
  const parts = host.split('_');
  if (parts.length < 4) return `domain name ${host} invalid, should follow 'outbound_.<PORT>_._.<HOSTNAME>' format`;
  const port = (parts[1] ?? '').replace(/^\.+|\.+$/g, '');
  const name = (parts[3] ?? '').replace(/^\.+|\.+$/g, '');
  if (!/[0-9]/.test(port)) return `domain name ${JSON.stringify(host)} invalid (label ${JSON.stringify(port)} invalid). should follow outbound_.<PORT>_._.<HOSTNAME> format`;
  if (!/[a-zA-Z]/.test(name)) return `domain name ${JSON.stringify(host)} invalid (label ${JSON.stringify(name)} invalid). should follow outbound_.<PORT>_._.<HOSTNAME> format`;
  return undefined;
}

/** A VirtualService applies to gateways (not sidecars) when it names gateways and not `mesh`. */
const isGatewayOnly = (gateways: readonly string[]): boolean => !gateways.includes('mesh');
const hasSniHosts = (spec: VirtualServiceSpec): boolean => (spec.tls ?? []).some((t) => (t.match ?? []).some((m) => (m.sniHosts?.length ?? 0) > 0));

function checkHosts(report: Report, spec: VirtualServiceSpec, appliesToGateway: boolean): void {
  const hosts = spec.hosts ?? [];
  let allValid = true;
  for (const [i, host] of hosts.entries()) {
    const p = at('spec.hosts', i);
    const err = appliesToGateway ? validateGatewayHost(hasSniHosts(spec), host) : validateWildcardDomain(host);
    if (err !== undefined) {
      if (!isIPAddress(host)) {
        report.error(p, err);
        allValid = false;
      }
    } else if (!appliesToGateway && host === '*') {
      report.error(p, 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
      allValid = false;
    }
  }
  if (!allValid) return;
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      const a = hosts[i] ?? '';
      const b = hosts[j] ?? '';
      if (hostsOverlap(a, b)) report.error(at('spec.hosts', j), `duplicate hosts in virtual service: ${a} & ${b}`);
    }
  }
}

function checkJwtClaims(report: Report, spec: VirtualServiceSpec): void {
  const gateways = spec.gateways ?? [];
  (spec.http ?? []).forEach((h, i) => {
    (h.match ?? []).forEach((m, j) => {
      for (const where of ['headers', 'withoutHeaders'] as const) {
        for (const key of Object.keys(m[where] ?? {})) {
          if (!isJwtClaimKey(key)) continue;
          const p = field(field(at(field(at('spec.http', i), 'match'), j), where), key);
          report.error(p, `JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: [${gateways.join(' ')}]`);
        }
      }
    });
  });
}

function checkL4Match(report: Report, path: string, match: L4Match): void {
  (match.destinationSubnets ?? []).forEach((s, i) => {
    const err = validateIPSubnet(s);
    if (err !== undefined) report.error(at(field(path, 'destinationSubnets'), i), err);
  });
  if (match.port !== undefined && match.port !== 0) {
    const err = validatePort(match.port);
    if (err !== undefined) report.error(field(path, 'port'), err);
  }
  checkLabels(report, field(path, 'sourceLabels'), match.sourceLabels);
  if (match.gateways !== undefined) checkGatewayNames(report, field(path, 'gateways'), match.gateways);
}

function checkSniHost(report: Report, path: string, sni: string, spec: VirtualServiceSpec): void {
  const hosts = spec.hosts ?? [];
  const err = isGatewayOnly(spec.gateways ?? []) ? validateGatewayHost(true, sni) : validateWildcardDomain(sni);
  if (err !== undefined) {
    if (isIPAddress(sni)) report.warn(path, `using an IP address (${JSON.stringify(sni)}) goes against SNI spec and most clients do not support this`, 'IST0133');
    else report.error(path, err);
    return;
  }
  if (!hosts.some((h) => hostSubsetOf(sni, h))) {
    report.error(path, `SNI host ${JSON.stringify(sni)} is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`);
  }
}

function checkTlsRoute(report: Report, path: string, tls: TLSRoute, spec: VirtualServiceSpec): void {
  if ((tls.match?.length ?? 0) === 0) report.error(path, 'TLS route must have at least one match condition');
  (tls.match ?? []).forEach((m, i) => {
    const p = at(field(path, 'match'), i);
    if ((m.sniHosts?.length ?? 0) === 0) report.error(p, 'TLS match must have at least one SNI host');
    (m.sniHosts ?? []).forEach((sni, j) => { checkSniHost(report, at(field(p, 'sniHosts'), j), sni, spec); });
    checkL4Match(report, p, m);
  });
  if ((tls.route?.length ?? 0) === 0) report.error(path, 'TLS route is required');
  checkWeightedDestinations(report, field(path, 'route'), tls.route ?? []);
}

function checkTcpRoute(report: Report, path: string, tcp: TCPRoute): void {
  (tcp.match ?? []).forEach((m, i) => { checkL4Match(report, at(field(path, 'match'), i), m); });
  if ((tcp.route?.length ?? 0) === 0) report.error(path, 'TCP route is required');
  checkWeightedDestinations(report, field(path, 'route'), tcp.route ?? []);
}

export function checkVirtualService(report: Report, namespace: string, spec: VirtualServiceSpec): void {
  const hosts = spec.hosts ?? [];
  const gateways = spec.gateways ?? [];
  const http = spec.http ?? [];
  const tls = spec.tls ?? [];
  const tcp = spec.tcp ?? [];
  const delegate = hosts.length === 0;
  if (delegate) {
    if (gateways.length > 0) report.error('spec.gateways', 'delegate virtual service must have no gateways specified');
    if (tls.length > 0) report.error('spec.tls', 'delegate virtual service must have no tls route specified');
    if (tcp.length > 0) report.error('spec.tcp', 'delegate virtual service must have no tcp route specified');
  }
  const appliesToGateway = gateways.length > 0 && isGatewayOnly(gateways);
  if (gateways.length > 0) checkGatewayNames(report, 'spec.gateways', gateways);
  if (!appliesToGateway) checkJwtClaims(report, spec);
  checkHosts(report, spec, appliesToGateway);
  if (http.length === 0 && tls.length === 0 && tcp.length === 0) report.error('spec', 'http, tcp or tls must be provided in virtual service');
  http.forEach((route, i) => { checkHttpRoute(report, at('spec.http', i), route, { delegate }); });
  tls.forEach((route, i) => { checkTlsRoute(report, at('spec.tls', i), route, spec); });
  tcp.forEach((route, i) => { checkTcpRoute(report, at('spec.tcp', i), route); });
  checkExportTo(report, 'spec.exportTo', namespace, spec.exportTo, false);
  checkUnreachable(report, 'spec.http', http, true);
  checkUnreachable(report, 'spec.tcp', tcp, false);
  checkUnreachable(report, 'spec.tls', tls, false);
}
