/**
 * VirtualService HTTP routes → IR routes (istio.md §4.3). Every match of a rule becomes one
 * route, in order; matches whose port/sourceLabels/gateways do not hold for this proxy are left
 * out. Unknown destination hosts still produce a route (to a cluster that does not exist), as
 * Istio does, and are reported.
 */
import type { CorsIR, FaultIR, ForwardActionIR, HashPolicyIR, HeaderOpsIR, MirrorIR, RedirectActionIR, RetryIR, RouteActionIR, RouteIR } from '../../ir/types.ts';
import type { Destination, Headers, HTTPRoute, VirtualService } from '../../model/types.ts';
import type { Problem } from './cluster.ts';
import { effectivePolicy, hashPolicyOf } from './cluster.ts';
import { destinationRuleFor, findService, gatewayRef, type MeshContext } from './context.ts';
import { matchApplies, routeMatchOf, stringMatchOf, type MatchEnvironment } from './http-match.ts';
import { durationMs, outboundClusterName, resolveHost } from './names.ts';

export const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

const GRPC_CODES: Readonly<Record<string, number>> = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14,
  DATA_LOSS: 15, UNAUTHENTICATED: 16,
};

export interface RouteEnvironment extends MatchEnvironment {
  readonly ctx: MeshContext;
  readonly problems: Problem[];
  /** Clusters the routes refer to, collected so the caller can build them (e.g. gateways, gRPC). */
  readonly referenced: Set<string>;
}

const vsObject = (vs: VirtualService): string => `VirtualService/${vs.metadata.namespace}/${vs.metadata.name}`;

/** The cluster a destination names; P = destination.port, else the service's only port, else the listener port. */
export function destinationCluster(dest: Destination | undefined, vs: VirtualService, env: RouteEnvironment): string {
  const host = resolveHost(dest?.host ?? '', vs.metadata.namespace, env.ctx.registry.mesh.domainSuffix);
  const service = findService(env.ctx, host, env.namespace);
  let port = dest?.port?.number;
  if (service === undefined) env.problems.push({ object: vsObject(vs), message: `destination host ${host} is not in the service registry` });
  if (port === undefined) port = service?.ports.length === 1 ? service.ports[0]?.port : env.port;
  const name = outboundClusterName(port ?? env.port, dest?.subset ?? '', host);
  env.referenced.add(name);
  return name;
}

export function headerOpsOf(h: Headers | undefined): HeaderOpsIR | undefined {
  if (h === undefined) return undefined;
  const kv = (m: Readonly<Record<string, string>> | undefined): { key: string; value: string }[] =>
    Object.entries(m ?? {}).map(([key, value]) => ({ key, value })).sort((a, b) => a.key.localeCompare(b.key));
  return {
    requestSet: kv(h.request?.set),
    requestAdd: kv(h.request?.add),
    requestRemove: [...(h.request?.remove ?? [])],
    responseSet: kv(h.response?.set),
    responseAdd: kv(h.response?.add),
    responseRemove: [...(h.response?.remove ?? [])],
  };
}

/** Istio's retry policy when a route sets none (shared: IR values are never mutated). */
export const DEFAULT_RETRY: RetryIR = { attempts: 2, retryOn: DEFAULT_RETRY_ON, retriableStatusCodes: [503], retryIgnorePreviousHosts: true };

function retryOf(r: HTTPRoute['retries']): RetryIR | undefined {
  if (r === undefined) return DEFAULT_RETRY;
  if ((r.attempts ?? 0) <= 0) return undefined;
  const items = (r.retryOn ?? DEFAULT_RETRY_ON).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const codes = items.filter((s) => /^\d+$/.test(s)).map(Number);
  const policies = items.filter((s) => !/^\d+$/.test(s));
  if (codes.length > 0 && !policies.includes('retriable-status-codes')) policies.push('retriable-status-codes');
  const perTryTimeoutMs = durationMs(r.perTryTimeout);
  const backoffBaseMs = durationMs(r.backoff);
  return {
    attempts: r.attempts ?? 2,
    retryOn: policies.join(','),
    ...(perTryTimeoutMs === undefined ? {} : { perTryTimeoutMs }),
    retriableStatusCodes: codes.length > 0 ? codes : policies.includes('retriable-status-codes') ? [503] : [],
    retryIgnorePreviousHosts: r.retryIgnorePreviousHosts ?? true,
    ...(backoffBaseMs === undefined ? {} : { backoffBaseMs }),
  };
}

const percentOf = (p: { value?: number } | undefined, legacy: number | undefined): number => p?.value ?? legacy ?? 100;

function faultOf(f: HTTPRoute['fault']): FaultIR | undefined {
  if (f === undefined) return undefined;
  const fixedDelayMs = durationMs(f.delay?.fixedDelay);
  const delay = fixedDelayMs === undefined ? undefined : { fixedDelayMs, percent: percentOf(f.delay?.percentage, f.delay?.percent) };
  const grpcStatus = f.abort?.grpcStatus === undefined ? undefined : GRPC_CODES[f.abort.grpcStatus];
  const abort =
    f.abort?.httpStatus !== undefined
      ? { httpStatus: f.abort.httpStatus, percent: percentOf(f.abort.percentage, undefined) }
      : grpcStatus !== undefined
        ? { grpcStatus, percent: percentOf(f.abort?.percentage, undefined) }
        : undefined;
  if (delay === undefined && abort === undefined) return undefined;
  return { ...(delay === undefined ? {} : { delay }), ...(abort === undefined ? {} : { abort }) };
}

function corsOf(c: HTTPRoute['corsPolicy']): CorsIR | undefined {
  if (c === undefined) return undefined;
  const origins = [...(c.allowOrigins ?? []).flatMap((o) => stringMatchOf(o) ?? []), ...(c.allowOrigin ?? []).map((o) => ({ exact: o }))];
  const maxAge = durationMs(c.maxAge);
  return {
    allowOrigins: origins,
    allowMethods: [...(c.allowMethods ?? [])],
    allowHeaders: [...(c.allowHeaders ?? [])],
    exposeHeaders: [...(c.exposeHeaders ?? [])],
    ...(maxAge === undefined ? {} : { maxAgeSeconds: Math.floor(maxAge / 1000) }),
    ...(c.allowCredentials === undefined ? {} : { allowCredentials: c.allowCredentials }),
  };
}

function mirrorsOf(route: HTTPRoute, vs: VirtualService, env: RouteEnvironment): MirrorIR[] {
  const out: MirrorIR[] = [];
  if (route.mirror !== undefined) out.push({ cluster: destinationCluster(route.mirror, vs, env), percent: route.mirrorPercentage?.value ?? route.mirrorPercent ?? 100 });
  for (const m of route.mirrors ?? []) out.push({ cluster: destinationCluster(m.destination, vs, env), percent: m.percentage?.value ?? 100 });
  return out;
}

/** The consistent-hash policy shared by every destination (DestinationRule of the destination service). */
function hashPoliciesOf(dests: NonNullable<HTTPRoute['route']>, vs: VirtualService, env: RouteEnvironment): HashPolicyIR[] {
  const found = dests.map((d) => {
    const host = resolveHost(d.destination?.host ?? '', vs.metadata.namespace, env.ctx.registry.mesh.domainSuffix);
    const service = findService(env.ctx, host, env.namespace);
    if (service === undefined) return undefined;
    const port = d.destination?.port?.number ?? service.ports[0]?.port ?? env.port;
    return hashPolicyOf(effectivePolicy(destinationRuleFor(env.ctx, service, env.namespace), port, d.destination?.subset ?? ''));
  });
  const first = found[0];
  return first !== undefined && found.every((f) => JSON.stringify(f) === JSON.stringify(first)) ? [first] : [];
}

function forwardOf(route: HTTPRoute, vs: VirtualService, env: RouteEnvironment): ForwardActionIR {
  const dests = (route.route ?? []).filter((d, _i, all) => all.length === 1 || (d.weight ?? 0) > 0);
  const clusters = dests.map((d) => {
    const headers = headerOpsOf(d.headers);
    return { cluster: destinationCluster(d.destination, vs, env), weight: dests.length === 1 ? 100 : (d.weight ?? 0), ...(headers === undefined ? {} : { headers }) };
  });
  const rw = route.rewrite;
  const retry = retryOf(route.retries);
  return {
    type: 'forward',
    clusters,
    timeoutMs: durationMs(route.timeout) ?? 0,
    ...(retry === undefined ? {} : { retry }),
    mirrors: mirrorsOf(route, vs, env),
    ...(rw?.uri === undefined ? {} : { prefixRewrite: rw.uri }),
    ...(rw?.uriRegexRewrite === undefined ? {} : { regexRewrite: { pattern: rw.uriRegexRewrite.match ?? '', substitution: rw.uriRegexRewrite.rewrite ?? '' } }),
    ...(rw?.authority === undefined ? {} : { authorityRewrite: rw.authority }),
    hashPolicies: hashPoliciesOf(dests, vs, env),
  };
}

function redirectOf(r: NonNullable<HTTPRoute['redirect']>): RedirectActionIR {
  const code = ([301, 302, 303, 307, 308] as const).find((c) => c === (r.redirectCode ?? 301)) ?? 301;
  return {
    type: 'redirect',
    ...(r.uri === undefined ? {} : { path: r.uri }),
    ...(r.prefixRewrite === undefined ? {} : { prefixRewrite: r.prefixRewrite }),
    ...(r.authority === undefined ? {} : { authority: r.authority }),
    ...(r.port === undefined ? {} : { port: r.port }),
    ...(r.scheme === undefined ? {} : { scheme: r.scheme }),
    code,
  };
}

function actionOf(route: HTTPRoute, vs: VirtualService, env: RouteEnvironment): RouteActionIR {
  if (route.redirect !== undefined) return redirectOf(route.redirect);
  if (route.directResponse !== undefined) {
    const body = route.directResponse.body;
    const text = body?.string ?? (body?.bytes === undefined ? undefined : Buffer.from(body.bytes, 'base64').toString('utf8'));
    return { type: 'directResponse', status: route.directResponse.status ?? 200, ...(text === undefined ? {} : { body: text }) };
  }
  return forwardOf(route, vs, env);
}

/** All routes of one VS for one (listener port, gateway, proxy). */
export function translateHttpRoutes(vs: VirtualService, env: RouteEnvironment): RouteIR[] {
  const out: RouteIR[] = [];
  for (const route of vs.spec.http ?? []) {
    if (route.delegate !== undefined) {
      env.problems.push({ object: vsObject(vs), message: 'delegate VirtualServices are not supported; the rule is skipped' });
      continue;
    }
    const matches = route.match === undefined || route.match.length === 0 ? [undefined] : route.match;
    const applicable = matches.filter((m) => matchApplies(m, env, vs.metadata.namespace, gatewayRef));
    if (applicable.length === 0) continue;
    const action = actionOf(route, vs, env);
    const headers = headerOpsOf(route.headers);
    const fault = faultOf(route.fault);
    const cors = corsOf(route.corsPolicy);
    for (const m of applicable) {
      const name = route.name === undefined ? '' : m?.name === undefined ? route.name : `${route.name}.${m.name}`;
      out.push({
        name,
        match: routeMatchOf(m),
        action,
        ...(headers === undefined ? {} : { headers }),
        ...(fault === undefined ? {} : { fault }),
        ...(cors === undefined ? {} : { cors }),
        source: vsObject(vs),
      });
    }
  }
  return out;
}
