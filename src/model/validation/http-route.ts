/** `validateHTTPRoute` and its parts (pkg/config/validation/virtualservice.go, validation.go). */
import type { Destination, Headers, HTTPRoute } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import { checkDuration, checkLabels, checkRegex, checkStringMatch, isDns1123Label, validateHeaderName, validatePort, validateWildcardDomain } from './common.ts';
import { checkCors, checkFault, checkGatewayNames, checkHeaderOperations, checkHttpRetry } from './http-policies.ts';

type HTTPMatch = NonNullable<HTTPRoute['match']>[number];

export interface RouteContext {
  /** The route belongs to a delegate VirtualService (one without hosts). */
  readonly delegate: boolean;
}

/** `validateDestination`: host, subset name and port of a destination that is present. */
export function checkDestination(report: Report, path: string, dest: Destination): void {
  const host = dest.host ?? '';
  if (host === '*') report.error(field(path, 'host'), `invalid destination host ${host}`);
  else {
    const err = validateWildcardDomain(host);
    if (err !== undefined) report.error(field(path, 'host'), err);
  }
  if (dest.subset !== undefined && dest.subset !== '') checkSubsetName(report, field(path, 'subset'), dest.subset);
  if (dest.port !== undefined) {
    const err = validatePort(dest.port.number ?? 0);
    if (err !== undefined) report.error(field(field(path, 'port'), 'number'), err);
  }
}

export function checkSubsetName(report: Report, path: string, name: string): void {
  if (name === '') report.error(path, 'subset name cannot be empty');
  else if (!isDns1123Label(name)) report.error(path, `subset name is invalid: ${name}`);
}

/** Weighted destinations of an HTTP, TCP or TLS route (`validateHTTPRouteDestinations`). */
export function checkWeightedDestinations(
  report: Report,
  path: string,
  routes: readonly { readonly destination?: Destination; readonly weight?: number; readonly headers?: Headers }[],
): void {
  let total = 0;
  routes.forEach((r, i) => {
    const p = at(path, i);
    if (r.destination === undefined) report.error(field(p, 'destination'), 'destination is required');
    if (r.headers !== undefined) checkHeaderOperations(report, field(p, 'headers'), r.headers);
    if (r.destination !== undefined) checkDestination(report, field(p, 'destination'), r.destination);
    const weight = r.weight ?? 0;
    if (weight < 0) report.error(field(p, 'weight'), `weight ${weight} < 0`);
    total += weight;
  });
  if (routes.length > 1 && total === 0) report.error(path, 'total destination weight = 0');
}

/** `validateHTTPRouteConflict`: a root route (with delegate) may only delegate; otherwise one action. */
function checkConflicts(report: Report, path: string, http: HTTPRoute, ctx: RouteContext): void {
  if (!ctx.delegate && http.delegate !== undefined) {
    if (http.redirect !== undefined) report.error(path, `root HTTP route ${http.name ?? ''} must not specify redirect`);
    if (http.route !== undefined) report.error(path, `root HTTP route ${http.name ?? ''} must not specify route`);
    return;
  }
  if (ctx.delegate && http.delegate !== undefined) report.error(field(path, 'delegate'), 'delegate HTTP route cannot contain delegate');
  const hasRoute = (http.route?.length ?? 0) > 0;
  if (http.redirect !== undefined) {
    if (hasRoute) report.error(path, 'HTTP route cannot contain both route and redirect');
    if (http.fault !== undefined) report.error(path, 'HTTP route cannot contain both fault and redirect');
    if (http.rewrite !== undefined) report.error(path, 'HTTP route rule cannot contain both rewrite and redirect');
    if (http.directResponse !== undefined) report.error(path, 'HTTP route rule cannot contain both direct_response and redirect');
  } else if (http.directResponse !== undefined) {
    if (hasRoute) report.error(path, 'HTTP route cannot contain both route and direct_response');
    if (http.fault !== undefined) report.error(path, 'HTTP route cannot contain both fault and direct_response');
    if (http.rewrite !== undefined) report.error(path, 'HTTP route rule cannot contain both rewrite and direct_response');
  } else if (!hasRoute) {
    report.error(path, 'HTTP route, redirect or direct_response is required');
  }
  if (http.mirror !== undefined && (http.mirrors?.length ?? 0) > 0) report.error(path, 'HTTP route cannot contain both mirror and mirrors');
}

/** `@request.auth.claims.x` / `@request.auth.claims[x]`: JWT claim routing keys. */
export const isJwtClaimKey = (key: string): boolean => key.startsWith('@request.auth.claims.') || key.startsWith('@request.auth.claims[');

/** `ValidateHTTPHeaderNameOrJwtClaimRoute`. */
function validateMatchHeaderName(name: string): string | undefined {
  return name !== '' && isJwtClaimKey(name) ? undefined : validateHeaderName(name);
}

function checkMatch(report: Report, path: string, match: HTTPMatch): void {
  for (const [name, sm] of Object.entries(match.headers ?? {})) {
    const p = field(field(path, 'headers'), name);
    const err = validateMatchHeaderName(name);
    if (err !== undefined) report.error(p, err);
    checkStringMatch(report, p, sm, 'headers');
  }
  for (const [name, sm] of Object.entries(match.withoutHeaders ?? {})) {
    const p = field(field(path, 'withoutHeaders'), name);
    const err = validateMatchHeaderName(name);
    if (err !== undefined) report.error(p, err);
    // `*` is not a regex here: it means "header absent".
    if (sm.regex !== '*') checkStringMatch(report, p, sm, 'withoutHeaders');
  }
  // uri allows an empty prefix (Envoy does); scheme, method and authority do not.
  if (match.uri?.regex !== undefined) checkRegex(report, field(field(path, 'uri'), 'regex'), match.uri.regex, 'uri');
  for (const where of ['scheme', 'method', 'authority'] as const) checkStringMatch(report, field(path, where), match[where], where);
  for (const [name, sm] of Object.entries(match.queryParams ?? {})) checkStringMatch(report, field(field(path, 'queryParams'), name), sm, 'queryParams');
  if (match.port !== undefined && match.port !== 0) {
    const err = validatePort(match.port);
    if (err !== undefined) report.error(field(path, 'port'), err);
  }
  checkLabels(report, field(path, 'sourceLabels'), match.sourceLabels);
  if (match.gateways !== undefined) checkGatewayNames(report, field(path, 'gateways'), match.gateways);
  if (match.sourceNamespace !== undefined && match.sourceNamespace !== '' && !isDns1123Label(match.sourceNamespace)) {
    report.error(field(path, 'sourceNamespace'), `sourceNamespace match ${match.sourceNamespace} is invalid`);
  }
}

const empty = (s: string | undefined): boolean => s === undefined || s === '';

/** `validateHTTPRedirect` (first problem only, as Istio returns). */
function redirectProblem(http: HTTPRoute): [string, string] | undefined {
  const r = http.redirect;
  if (r === undefined) return undefined;
  if (!empty(r.uri) && !empty(r.prefixRewrite)) return ['', 'redirect may only specify one of uri or prefix_rewrite'];
  if (!empty(r.prefixRewrite) && (http.match ?? []).some((m) => m.uri !== undefined && m.uri.prefix === undefined)) {
    return ['prefixRewrite', 'redirect prefix_rewrite requires all URI matches to use prefix match type'];
  }
  if (empty(r.uri) && empty(r.authority) && empty(r.scheme) && empty(r.prefixRewrite) && r.port === undefined && r.derivePort === undefined) {
    return ['', 'redirect must specify URI, authority, scheme, or port'];
  }
  const code = r.redirectCode ?? 0;
  if (code !== 0 && (code < 300 || code > 399)) return ['redirectCode', `${code} is not a valid redirect code, must be 3xx`];
  if (!empty(r.scheme) && r.scheme !== 'http' && r.scheme !== 'https') return ['scheme', 'invalid redirect scheme, must be "http" or "https"'];
  const portErr = (r.port ?? 0) > 0 ? validatePort(r.port ?? 0) : undefined;
  return portErr === undefined ? undefined : ['port', portErr];
}

function checkRedirect(report: Report, path: string, http: HTTPRoute): void {
  const problem = redirectProblem(http);
  if (problem !== undefined) report.error(problem[0] === '' ? path : field(path, problem[0]), problem[1]);
}

/** `validateHTTPStatus`: Istio accepts 200..600 and says "200-599". */
export function validateHttpStatus(status: number): string | undefined {
  return status < 200 || status > 600 ? `HTTP status ${status} is not in range 200-599` : undefined;
}

function checkDirectResponse(report: Report, path: string, http: HTTPRoute): void {
  const d = http.directResponse;
  if (d === undefined) return;
  const body = d.body;
  if (body !== undefined) {
    const size = body.bytes !== undefined ? Math.floor((body.bytes.length * 3) / 4) : Buffer.byteLength(body.string ?? '');
    if (size > 1024 * 1024) report.error(field(path, 'body'), 'large direct_responses may impact control plane performance, must be less than 1MB');
    else if (size > 100 * 1024) report.warn(field(path, 'body'), 'large direct_responses may impact control plane performance', 'IST0133');
  }
  const err = validateHttpStatus(d.status ?? 0);
  if (err !== undefined) report.error(field(path, 'status'), err);
}

/** `validateHTTPRewrite` (first problem only). */
function checkRewrite(report: Report, path: string, http: HTTPRoute): void {
  const r = http.rewrite;
  if (r === undefined) return;
  if (!empty(r.uri) && r.uriRegexRewrite !== undefined) report.error(path, 'rewrite may only contain one of URI or UriRegexRewrite');
  else if (empty(r.uri) && r.uriRegexRewrite === undefined && empty(r.authority)) {
    report.error(path, 'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified');
  } else if (r.uriRegexRewrite !== undefined) {
    const rr = r.uriRegexRewrite;
    const p = field(path, 'uriRegexRewrite');
    if (empty(rr.match) || empty(rr.rewrite)) report.error(p, 'UriRegexRewrite has errors: UriRegexRewrite requires both Rewrite and Match fields to be specified');
    else checkRegex(report, field(p, 'match'), rr.match ?? '', 'HTTPRewrite.UriRegexRewrite.Match');
  }
}

/** `validateAuthorityRewrite`: the authority is set in one place only. */
function checkAuthority(report: Report, path: string, http: HTTPRoute): void {
  let current = http.rewrite?.authority ?? '';
  for (const ops of [http.headers?.request?.set, http.headers?.request?.add]) {
    for (const [k, v] of Object.entries(ops ?? {})) {
      if (k.toLowerCase() !== ':authority' && k.toLowerCase() !== 'host') continue;
      if (current !== '') {
        report.error(path, `authority header cannot be set multiple times: have ${JSON.stringify(current)}, attempting to set ${JSON.stringify(v)}`);
        return;
      }
      current = v;
    }
  }
}

function checkMirrors(report: Report, path: string, http: HTTPRoute): void {
  const fixed = (n: number): string => n.toFixed(6);
  if (http.mirrorPercent !== undefined) {
    if (http.mirrorPercent > 100) report.error(field(path, 'mirrorPercent'), `mirror_percent must have a max value of 100 (it has ${http.mirrorPercent})`);
    report.warn(field(path, 'mirrorPercent'), 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead', 'IST0133');
  }
  const mp = http.mirrorPercentage?.value;
  if (mp !== undefined && mp > 100) report.error(field(path, 'mirrorPercentage'), `mirror_percentage must have a max value of 100 (it has ${fixed(mp)})`);
  if (mp !== undefined && mp < 0) report.error(field(path, 'mirrorPercentage'), `mirror_percentage must have a min value of 0 (it has ${fixed(mp)})`);
  if (http.mirror !== undefined) checkDestination(report, field(path, 'mirror'), http.mirror);
  (http.mirrors ?? []).forEach((m, i) => {
    const p = at(field(path, 'mirrors'), i);
    if (m.destination === undefined) {
      report.error(p, 'destination is required for mirrors');
      return;
    }
    checkDestination(report, field(p, 'destination'), m.destination);
    const v = m.percentage?.value;
    if (v !== undefined && v > 100) report.error(field(p, 'percentage'), `mirror percentage must have a max value of 100 (it has ${fixed(v)})`);
    if (v !== undefined && v < 0) report.error(field(p, 'percentage'), `mirror percentage must have a min value of 0 (it has ${fixed(v)})`);
  });
}

/** Checks one HTTP route of a VirtualService, in Istio's order. */
export function checkHttpRoute(report: Report, path: string, http: HTTPRoute, ctx: RouteContext): void {
  checkConflicts(report, path, http, ctx);
  (http.match ?? []).forEach((m, i) => { checkMatch(report, at(field(path, 'match'), i), m); });
  if (http.headers !== undefined) checkHeaderOperations(report, field(path, 'headers'), http.headers);
  if (http.corsPolicy !== undefined) checkCors(report, field(path, 'corsPolicy'), http.corsPolicy);
  if (http.fault !== undefined) checkFault(report, field(path, 'fault'), http.fault);
  checkMirrors(report, path, http);
  checkRedirect(report, field(path, 'redirect'), http);
  checkDirectResponse(report, field(path, 'directResponse'), http);
  if (http.retries !== undefined) checkHttpRetry(report, field(path, 'retries'), http.retries);
  checkRewrite(report, field(path, 'rewrite'), http);
  checkAuthority(report, path, http);
  if (http.route !== undefined) checkWeightedDestinations(report, field(path, 'route'), http.route);
  checkDuration(report, field(path, 'timeout'), http.timeout);
}
