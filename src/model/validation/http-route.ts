/** `validateHTTPRoute` and its parts (pkg/config/validation/virtualservice.go, validation.go). */
import type { Destination, Headers, HTTPRoute } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import { checkDuration, checkLabels, checkRegex, checkStringMatch, isDns1123Label, validateHeaderName, validatePort, validateWildcardDomain } from './common.ts';
import { checkGatewayNames, checkHttpRetry, checkHeaderOperations, checkFault, checkCors } from './http-policies.ts';

type HTTPMatch = NonNullable<HTTPRoute['match']>[number];
type Percent = { readonly value?: number } | undefined;

export interface RouteContext {
  /** The route belongs to a delegate VirtualService (one without hosts). */
  readonly delegate: boolean;
  /** The VirtualService binds to at least one gateway other than `mesh`. */
  readonly boundToGateway: boolean;
  readonly gateways: readonly string[];
}

export function checkDestination(report: Report, path: string, dest: Destination | undefined): void {
  if (dest === undefined) {
    report.error(path, 'destination is required');
    return;
  }
  const host = dest.host ?? '';
  if (host === '*') report.error(field(path, 'host'), `invalid destination host ${host}`);
  else {
    const err = validateWildcardDomain(host);
    if (err !== undefined) report.error(field(path, 'host'), err);
  }
  if (dest.subset !== undefined) checkSubsetName(report, field(path, 'subset'), dest.subset);
  if (dest.port !== undefined) {
    const err = validatePort(dest.port.number ?? 0);
    if (err !== undefined) report.error(field(field(path, 'port'), 'number'), err);
  }
}

export function checkSubsetName(report: Report, path: string, name: string): void {
  if (name === '') report.error(path, 'subset name cannot be empty');
  else if (!isDns1123Label(name)) report.error(path, `subset name is invalid: ${name}`);
}

/** Weighted destinations of an HTTP, TCP or TLS route. */
export function checkWeightedDestinations(
  report: Report,
  path: string,
  routes: readonly { readonly destination?: Destination; readonly weight?: number; readonly headers?: Headers }[],
): void {
  let total = 0;
  routes.forEach((r, i) => {
    const p = at(path, i);
    if (r.headers !== undefined) checkHeaderOperations(report, field(p, 'headers'), r.headers);
    checkDestination(report, field(p, 'destination'), r.destination);
    const weight = r.weight ?? 0;
    if (weight < 0) report.error(field(p, 'weight'), `weight ${weight} < 0`);
    total += weight;
  });
  if (routes.length > 1 && total === 0) report.error(path, 'total destination weight = 0');
}

function checkConflicts(report: Report, path: string, http: HTTPRoute): void {
  const hasRoute = (http.route?.length ?? 0) > 0;
  if (http.redirect !== undefined) {
    if (hasRoute) report.error(path, 'HTTP route cannot contain both route and redirect');
    if (http.fault !== undefined) report.error(path, 'HTTP route cannot contain both fault and redirect');
    if (http.rewrite !== undefined) report.error(path, 'HTTP route rule cannot contain both rewrite and redirect');
  } else if (!hasRoute && http.directResponse === undefined && http.delegate === undefined) {
    report.error(path, 'HTTP route, redirect or direct_response is required');
  }
  if (http.directResponse !== undefined) {
    if (hasRoute) report.error(path, 'HTTP route cannot contain both route and direct_response');
    if (http.fault !== undefined) report.error(path, 'HTTP route cannot contain both fault and direct_response');
    if (http.rewrite !== undefined) report.error(path, 'HTTP route rule cannot contain both rewrite and direct_response');
    if (http.redirect !== undefined) report.error(path, 'HTTP route cannot contain both direct_response and redirect');
  }
  if (http.mirror !== undefined && (http.mirrors?.length ?? 0) > 0) report.error(path, 'HTTP route cannot contain both mirror and mirrors');
}

function checkDelegation(report: Report, path: string, http: HTTPRoute, ctx: RouteContext): void {
  if (http.delegate === undefined) return;
  if (ctx.delegate) {
    report.error(field(path, 'delegate'), 'delegate HTTP route cannot contain delegate');
    return;
  }
  if ((http.route?.length ?? 0) > 0) report.error(path, `root HTTP route ${http.name ?? ''} must not specify route`);
  if (http.redirect !== undefined) report.error(path, `root HTTP route ${http.name ?? ''} must not specify redirect`);
}

function checkMatch(report: Report, path: string, match: HTTPMatch, ctx: RouteContext): void {
  for (const where of ['uri', 'scheme', 'method', 'authority'] as const) checkStringMatch(report, field(path, where), match[where], where);
  for (const where of ['headers', 'withoutHeaders'] as const) {
    for (const [name, sm] of Object.entries(match[where] ?? {})) {
      const p = field(field(path, where), name);
      if (name.startsWith('@request.auth.claims')) {
        if (!ctx.boundToGateway) report.error(p, `JWT claim based routing (key: ${name}) is only supported for gateway, found no gateways: [${ctx.gateways.join(' ')}]`);
      } else {
        const err = validateHeaderName(name);
        if (err !== undefined) report.error(p, err);
      }
      checkStringMatch(report, p, sm, where);
    }
  }
  for (const [name, sm] of Object.entries(match.queryParams ?? {})) checkStringMatch(report, field(field(path, 'queryParams'), name), sm, 'queryParams');
  if (match.port !== undefined && match.port !== 0) {
    const err = validatePort(match.port);
    if (err !== undefined) report.error(field(path, 'port'), err);
  }
  checkLabels(report, field(path, 'sourceLabels'), match.sourceLabels);
  if (match.gateways !== undefined) checkGatewayNames(report, field(path, 'gateways'), match.gateways);
  if (match.sourceNamespace !== undefined && !isDns1123Label(match.sourceNamespace)) {
    report.error(field(path, 'sourceNamespace'), `sourceNamespace match ${match.sourceNamespace} is invalid`);
  }
}

function checkRedirect(report: Report, path: string, http: HTTPRoute): void {
  const r = http.redirect;
  if (r === undefined) return;
  if (r.uri !== undefined && r.uri !== '' && r.prefixRewrite !== undefined && r.prefixRewrite !== '') report.error(path, 'redirect may only specify one of uri or prefix_rewrite');
  if (r.prefixRewrite !== undefined && r.prefixRewrite !== '' && (http.match ?? []).some((m) => m.uri !== undefined && m.uri.prefix === undefined)) {
    report.error(path, 'redirect prefix_rewrite requires all URI matches to use prefix match type');
  }
  const empty = (s: string | undefined): boolean => s === undefined || s === '';
  if (empty(r.uri) && empty(r.authority) && empty(r.scheme) && empty(r.prefixRewrite) && (r.port ?? 0) === 0 && r.derivePort === undefined) {
    report.error(path, 'redirect must specify URI, authority, scheme, or port');
  }
  const code = r.redirectCode ?? 0;
  if (code !== 0 && (code < 300 || code > 399)) report.error(field(path, 'redirectCode'), `${code} is not a valid redirect code, must be 3xx`);
  if (!empty(r.scheme) && r.scheme !== 'http' && r.scheme !== 'https') report.error(field(path, 'scheme'), 'invalid redirect scheme, must be "http" or "https"');
  if ((r.port ?? 0) > 0) {
    const err = validatePort(r.port ?? 0);
    if (err !== undefined) report.error(field(path, 'port'), err);
  }
}

function checkDirectResponse(report: Report, path: string, http: HTTPRoute): void {
  const d = http.directResponse;
  if (d === undefined) return;
  const status = d.status ?? 0;
  if (status < 200 || status > 599) report.error(field(path, 'status'), `HTTP status ${status} is not in range 200-599`);
  const body = d.body?.string ?? d.body?.bytes ?? '';
  const size = d.body?.bytes !== undefined ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body);
  if (size > 1024 * 1024) report.error(field(path, 'body'), 'large direct_responses may impact control plane performance, must be less than 1MB');
  else if (size > 100 * 1024) report.warn(field(path, 'body'), 'large direct_responses may impact control plane performance');
}

function checkRewrite(report: Report, path: string, http: HTTPRoute): void {
  const r = http.rewrite;
  if (r === undefined) return;
  const hasUri = r.uri !== undefined && r.uri !== '';
  if (hasUri && r.uriRegexRewrite !== undefined) report.error(path, 'rewrite may only contain one of URI or UriRegexRewrite');
  if (!hasUri && r.uriRegexRewrite === undefined && (r.authority ?? '') === '') {
    report.error(path, 'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified');
  }
  const rr = r.uriRegexRewrite;
  if (rr === undefined) return;
  if ((rr.match ?? '') === '' || (rr.rewrite ?? '') === '') report.error(field(path, 'uriRegexRewrite'), 'UriRegexRewrite requires both Rewrite and Match fields to be specified');
  else checkRegex(report, field(field(path, 'uriRegexRewrite'), 'match'), rr.match ?? '', 'HTTPRewrite.UriRegexRewrite.Match');
}

function checkAuthority(report: Report, path: string, http: HTTPRoute): void {
  const sets: string[] = [];
  if (http.rewrite?.authority !== undefined && http.rewrite.authority !== '') sets.push(http.rewrite.authority);
  for (const ops of [http.headers?.request?.set, http.headers?.request?.add]) {
    for (const [k, v] of Object.entries(ops ?? {})) if (k.toLowerCase() === ':authority' || k.toLowerCase() === 'host') sets.push(v);
  }
  for (let i = 1; i < sets.length; i++) {
    report.error(path, `authority header cannot be set multiple times: have ${JSON.stringify(sets[0])}, attempting to set ${JSON.stringify(sets[i])}`);
  }
}

function checkMirrors(report: Report, path: string, http: HTTPRoute): void {
  if (http.mirror !== undefined) checkDestination(report, field(path, 'mirror'), http.mirror);
  const fixed = (n: number): string => n.toFixed(6);
  if (http.mirrorPercent !== undefined) {
    if (http.mirrorPercent > 100) report.error(field(path, 'mirrorPercent'), 'mirror_percent must have a max value of 100');
    report.warn(field(path, 'mirrorPercent'), 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead');
  }
  const mp: Percent = http.mirrorPercentage;
  if (mp?.value !== undefined && mp.value > 100) report.error(field(path, 'mirrorPercentage'), `mirror_percentage must have a max value of 100 (it has ${fixed(mp.value)})`);
  if (mp?.value !== undefined && mp.value < 0) report.error(field(path, 'mirrorPercentage'), `mirror_percentage must have a min value of 0 (it has ${fixed(mp.value)})`);
  (http.mirrors ?? []).forEach((m, i) => {
    const p = at(field(path, 'mirrors'), i);
    if (m.destination === undefined) report.error(p, 'destination is required for mirrors');
    else checkDestination(report, field(p, 'destination'), m.destination);
    const v = m.percentage?.value;
    if (v !== undefined && v > 100) report.error(field(p, 'percentage'), `mirror percentage must have a max value of 100 (it has ${fixed(v)})`);
    if (v !== undefined && v < 0) report.error(field(p, 'percentage'), `mirror percentage must have a min value of 0 (it has ${fixed(v)})`);
  });
}

/** Checks one HTTP route of a VirtualService. */
export function checkHttpRoute(report: Report, path: string, http: HTTPRoute, ctx: RouteContext): void {
  checkConflicts(report, path, http);
  checkDelegation(report, path, http, ctx);
  (http.match ?? []).forEach((m, i) => { checkMatch(report, at(field(path, 'match'), i), m, ctx); });
  if (http.route !== undefined) checkWeightedDestinations(report, field(path, 'route'), http.route);
  if (http.headers !== undefined) checkHeaderOperations(report, field(path, 'headers'), http.headers);
  checkAuthority(report, path, http);
  checkRedirect(report, field(path, 'redirect'), http);
  checkDirectResponse(report, field(path, 'directResponse'), http);
  checkRewrite(report, field(path, 'rewrite'), http);
  checkDuration(report, field(path, 'timeout'), http.timeout);
  if (http.retries !== undefined) checkHttpRetry(report, field(path, 'retries'), http.retries);
  if (http.fault !== undefined) checkFault(report, field(path, 'fault'), http.fault);
  checkMirrors(report, path, http);
  if (http.corsPolicy !== undefined) checkCors(report, field(path, 'corsPolicy'), http.corsPolicy);
}
