/** Policies attached to an HTTP route: retries, fault injection, CORS, header operations, gateway names. */
import { parseGoDuration } from '../schema/dsl.ts';
import type { Headers, HTTPRoute } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import { checkDuration, checkRegex, goFloat, isDns1123Label, validateFQDN } from './common.ts';

const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream', 'retriable-status-codes',
  'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure', 'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);
/** Status codes Go's `http.StatusText` knows. */
const HTTP_STATUS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408,
  409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);
const GRPC_STATUS = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);

export const percentageMessage = (v: number): string => `percentage ${goFloat(v)} is neither 0.0, nor in range [0.0001, 100.0]`;

function checkPercentage(report: Report, path: string, value: number | undefined): void {
  if (value === undefined) return;
  if (value < 0 || value > 100 || (value > 0 && value < 0.0001)) report.error(path, percentageMessage(value));
}

/**
 * `validateGatewayNames`: `namespace/name`, or a name without a slash (`mesh`, a short name or the
 * legacy `name.namespace`). Like Istio, checking stops after the first name without a slash.
 */
export function checkGatewayNames(report: Report, path: string, gateways: readonly string[]): void {
  for (let i = 0; i < gateways.length; i++) {
    const gw = gateways[i] ?? '';
    const p = at(path, i);
    const slash = gw.indexOf('/');
    if (slash === -1) {
      if (gw.includes('.')) {
        const parts = gw.split('.');
        report.warn(p, `using legacy gatewayName format ${JSON.stringify(gw)}; prefer the <namespace>/<name> format: ${JSON.stringify(`${parts[1] ?? ''}/${parts[0] ?? ''}`)}`, 'IST0133');
      }
      const err = validateFQDN(gw);
      if (err !== undefined) report.error(p, err);
      return;
    }
    const ns = gw.slice(0, slash);
    const name = gw.slice(slash + 1);
    if (ns === '' || name === '') report.error(p, 'config namespace and gateway name cannot be empty');
    if (!isDns1123Label(ns)) report.error(p, `invalid value for namespace: ${JSON.stringify(ns)}`);
    if (!isDns1123Label(name)) report.error(p, `invalid value for gateway name: ${JSON.stringify(name)}`);
  }
}

function checkHeaderValue(report: Report, path: string, value: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
    report.error(path, `header value configuration ${value} is invalid`);
    return;
  }
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '%') continue;
    if (value[i + 1] === '%') {
      i++;
      continue;
    }
    const end = value.indexOf('%', i + 1);
    if (end === -1) {
      report.error(path, `header value configuration: invalid header configuration. Un-terminated variable expression '${value.slice(i)}'`);
      return;
    }
    i = end;
  }
}

/** `ValidateHTTPHeaderWithAuthorityOperationName` (request set/add) and `ValidateHTTPHeaderOperationName` (the rest). */
function checkOpName(report: Report, path: string, name: string, allowAuthority: boolean): void {
  const lower = name.toLowerCase();
  const authority = lower === ':authority' || lower === 'host';
  if (name === '') report.error(path, 'header name cannot be empty');
  else if (allowAuthority) {
    if ((name.startsWith(':') || lower === 'host') && !authority) report.error(path, `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`);
  } else if (lower === 'host') report.error(path, `invalid header ${JSON.stringify(name)}: cannot set Host header`);
  else if (name.startsWith(':')) report.error(path, `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`);
}

/** Request/response header operations (set, add, remove). */
export function checkHeaderOperations(report: Report, path: string, headers: Headers): void {
  for (const side of ['request', 'response'] as const) {
    const ops = headers[side];
    if (ops === undefined) continue;
    const sp = field(path, side);
    for (const kind of ['set', 'add'] as const) {
      for (const [k, v] of Object.entries(ops[kind] ?? {})) {
        const p = field(field(sp, kind), k);
        checkOpName(report, p, k, side === 'request');
        checkHeaderValue(report, p, v);
      }
    }
    (ops.remove ?? []).forEach((k, i) => { checkOpName(report, at(field(sp, 'remove'), i), k, false); });
  }
}

export function checkHttpRetry(report: Report, path: string, retries: NonNullable<HTTPRoute['retries']>): void {
  const attempts = retries.attempts ?? 0;
  if (attempts < 0) report.error(field(path, 'attempts'), 'attempts cannot be negative');
  if (attempts === 0 && (retries.perTryTimeout !== undefined || (retries.retryOn ?? '') !== '' || retries.retryRemoteLocalities !== undefined)) {
    report.error(path, 'http retry policy configured when attempts are set to 0 (disabled)');
  }
  checkDuration(report, field(path, 'perTryTimeout'), retries.perTryTimeout);
  if (retries.retryOn !== undefined && retries.retryOn !== '') {
    for (const policy of retries.retryOn.split(',')) {
      const valid = /^[-+]?\d+$/.test(policy) ? HTTP_STATUS.has(Number(policy)) : RETRY_ON.has(policy);
      if (!valid) report.error(field(path, 'retryOn'), `${JSON.stringify(policy)} is not a valid retryOn policy`);
    }
  }
  checkDuration(report, field(path, 'backoff'), retries.backoff);
}

export function checkFault(report: Report, path: string, fault: NonNullable<HTTPRoute['fault']>): void {
  if (fault.abort === undefined && fault.delay === undefined) report.error(path, 'HTTP fault injection must have an abort and/or a delay');
  const abort = fault.abort;
  if (abort !== undefined) {
    const p = field(path, 'abort');
    checkPercentage(report, field(p, 'percentage'), abort.percentage?.value);
    if (abort.grpcStatus !== undefined) {
      if (!GRPC_STATUS.has(abort.grpcStatus)) {
        report.error(
          field(p, 'grpcStatus'),
          `gRPC status ${JSON.stringify(abort.grpcStatus)} is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'`,
        );
      }
    } else if (abort.http2Error !== undefined) report.error(field(p, 'http2Error'), 'HTTP/2 abort fault injection not supported yet');
    else if (abort.httpStatus !== undefined) {
      if (abort.httpStatus < 200 || abort.httpStatus > 600) report.error(field(p, 'httpStatus'), `HTTP status ${abort.httpStatus} is not in range 200-599`);
    } else report.warn(p, 'abort configured, but error type not set', 'IST0133');
  }
  const delay = fault.delay;
  if (delay !== undefined) {
    const p = field(path, 'delay');
    checkPercentage(report, field(p, 'percentage'), delay.percentage?.value);
    checkDuration(report, field(p, 'fixedDelay'), delay.fixedDelay);
    if (delay.exponentialDelay !== undefined) {
      checkDuration(report, field(p, 'exponentialDelay'), delay.exponentialDelay);
      report.error(field(p, 'exponentialDelay'), 'exponentialDelay not supported yet');
    }
  }
}

/** `ValidateCORSHTTPHeaderName`: a token or `*` (no pseudo-headers). */
function checkCorsHeaderNames(report: Report, path: string, names: readonly string[] | undefined): void {
  (names ?? []).forEach((name, i) => {
    if (name === '*') return;
    if (name === '') report.error(at(path, i), 'header name cannot be empty');
    else if (!TOKEN.test(name)) report.error(at(path, i), `header name ${name} is not a valid header name`);
  });
}

export function checkCors(report: Report, path: string, cors: NonNullable<HTTPRoute['corsPolicy']>): void {
  (cors.allowOrigins ?? []).forEach((origin, i) => {
    const p = at(field(path, 'allowOrigins'), i);
    const value = origin.exact ?? origin.prefix ?? origin.regex ?? '';
    if (value === '') report.error(p, `'${value}' is not a valid match type for CORS allow origins`);
    else if (origin.regex !== undefined) checkRegex(report, field(p, 'regex'), origin.regex, 'corsPolicy.allowOrigins');
  });
  (cors.allowMethods ?? []).forEach((m, i) => {
    if (!CORS_METHODS.has(m)) report.error(at(field(path, 'allowMethods'), i), `${JSON.stringify(m)} is not a supported HTTP method`);
  });
  checkCorsHeaderNames(report, field(path, 'allowHeaders'), cors.allowHeaders);
  checkCorsHeaderNames(report, field(path, 'exposeHeaders'), cors.exposeHeaders);
  if (cors.maxAge !== undefined) {
    const before = report.errors.length;
    checkDuration(report, field(path, 'maxAge'), cors.maxAge);
    if (report.errors.length === before && (parseGoDuration(cors.maxAge) ?? 0) % 1e9 !== 0) {
      report.error(field(path, 'maxAge'), 'max_age duration is accurate only to seconds precision');
    }
  }
}
