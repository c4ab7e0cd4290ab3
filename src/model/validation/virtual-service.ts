/** `ValidateVirtualService` (istio.md §2.2, VirtualService). */
import type { HTTPRoute, TCPRoute, TLSRoute, VirtualServiceSpec } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import { checkExportTo, checkLabels, hostSubsetOf, hostsOverlap, isIPAddress, validateIPSubnet, validatePort, validateWildcardDomain } from './common.ts';
import { checkGatewayNames } from './http-policies.ts';
import { checkHttpRoute, checkWeightedDestinations, type RouteContext } from './http-route.ts';

type L4Match = NonNullable<TCPRoute['match']>[number] | NonNullable<TLSRoute['match']>[number];

function checkHosts(report: Report, spec: VirtualServiceSpec, appliesToMesh: boolean): void {
  const hosts = spec.hosts ?? [];
  hosts.forEach((host, i) => {
    const p = at('spec.hosts', i);
    if (appliesToMesh && host === '*') report.error(p, 'wildcard host * is not allowed for virtual services bound to the mesh gateway');
    const err = validateWildcardDomain(host);
    if (err !== undefined && !isIPAddress(host)) report.error(p, err);
  });
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      const a = hosts[i] ?? '';
      const b = hosts[j] ?? '';
      if (hostsOverlap(a, b)) report.error(at('spec.hosts', j), `duplicate hosts in virtual service: ${a} & ${b}`);
    }
  }
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

function checkTlsRoute(report: Report, path: string, tls: TLSRoute, hosts: readonly string[]): void {
  if ((tls.match?.length ?? 0) === 0) report.error(path, 'TLS route must have at least one match condition');
  (tls.match ?? []).forEach((m, i) => {
    const p = at(field(path, 'match'), i);
    if ((m.sniHosts?.length ?? 0) === 0) report.error(p, 'TLS match must have at least one SNI host');
    (m.sniHosts ?? []).forEach((sni, j) => {
      const sp = at(field(p, 'sniHosts'), j);
      const err = validateWildcardDomain(sni);
      if (err !== undefined) {
        if (isIPAddress(sni)) report.warn(sp, `using an IP address (${JSON.stringify(sni)}) as an SNI host is not recommended`, 'IST0133');
        else report.error(sp, err);
      }
      if (!hosts.some((h) => hostSubsetOf(sni, h))) {
        report.error(sp, `SNI host ${JSON.stringify(sni)} is not a compatible subset of any of the virtual service hosts: [${hosts.join(', ')}]`);
      }
    });
    checkL4Match(report, p, m);
  });
  if ((tls.route?.length ?? 0) === 0) report.error(path, 'TLS route is required');
  checkWeightedDestinations(report, field(path, 'route'), tls.route ?? []);
}

function checkTcpRoute(report: Report, path: string, tcp: TCPRoute): void {
  (tcp.match ?? []).forEach((m, i) => {
    const p = at(field(path, 'match'), i);
    checkL4Match(report, p, m);
    if (m.sourceSubnet !== undefined && m.sourceSubnet !== '') {
      const err = validateIPSubnet(m.sourceSubnet);
      if (err !== undefined) report.error(field(p, 'sourceSubnet'), err);
    }
  });
  if ((tcp.route?.length ?? 0) === 0) report.error(path, 'TCP route is required');
  checkWeightedDestinations(report, field(path, 'route'), tcp.route ?? []);
}

const routeName = (r: HTTPRoute, i: number): string => (r.name !== undefined && r.name !== '' ? JSON.stringify(r.name) : `#${i}`);

/** Unreachable rules and shadowed matches: warnings IST0130 and IST0131. */
function checkUnreachable(report: Report, routes: readonly HTTPRoute[]): void {
  const seen = new Map<string, number>();
  let catchAll = -1;
  routes.forEach((route, i) => {
    const p = at('spec.http', i);
    const matches = route.match ?? [];
    if (catchAll >= 0) {
      const reason = matches.length === 0 ? 'only the last rule can have no matches' : 'route without matches defined before';
      report.warn(p, `virtualService rule ${routeName(route, i)} not used (${reason})`, 'IST0130');
      return;
    }
    if (matches.length === 0) {
      catchAll = i;
      return;
    }
    let duplicates = 0;
    matches.forEach((m, j) => {
      const key = JSON.stringify({ ...m, name: undefined });
      const prior = seen.get(key);
      if (prior === undefined) seen.set(key, i);
      else {
        duplicates++;
        const matchName = m.name !== undefined && m.name !== '' ? JSON.stringify(m.name) : `#${j}`;
        const priorRoute = routes[prior];
        const priorName = priorRoute === undefined ? `#${prior}` : routeName(priorRoute, prior);
        report.warn(at(field(p, 'match'), j), `virtualService rule ${routeName(route, i)} match ${matchName} is not used (duplicate/overlapping match in rule ${priorName})`, 'IST0131');
      }
    });
    if (duplicates === matches.length) report.warn(p, `virtualService rule ${routeName(route, i)} not used (all matches used by prior rules)`, 'IST0130');
  });
}

export function checkVirtualService(report: Report, namespace: string, spec: VirtualServiceSpec): void {
  const hosts = spec.hosts ?? [];
  const gateways = spec.gateways ?? [];
  const delegate = hosts.length === 0;
  const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');
  const http = spec.http ?? [];
  const tls = spec.tls ?? [];
  const tcp = spec.tcp ?? [];
  if (delegate) {
    if (gateways.length > 0) report.error('spec.gateways', 'delegate virtual service must have no gateways specified');
    if (tls.length > 0) report.error('spec.tls', 'delegate virtual service must have no tls route specified');
    if (tcp.length > 0) report.error('spec.tcp', 'delegate virtual service must have no tcp route specified');
  }
  checkHosts(report, spec, appliesToMesh);
  checkGatewayNames(report, 'spec.gateways', gateways);
  if (http.length === 0 && tls.length === 0 && tcp.length === 0) report.error('spec', 'http, tcp or tls must be provided in virtual service');
  const ctx: RouteContext = { delegate, boundToGateway: gateways.some((g) => g !== 'mesh'), gateways };
  http.forEach((route, i) => { checkHttpRoute(report, at('spec.http', i), route, ctx); });
  tls.forEach((route, i) => { checkTlsRoute(report, at('spec.tls', i), route, hosts); });
  tcp.forEach((route, i) => { checkTcpRoute(report, at('spec.tcp', i), route); });
  checkUnreachable(report, http);
  checkExportTo(report, 'spec.exportTo', namespace, spec.exportTo, false);
}
