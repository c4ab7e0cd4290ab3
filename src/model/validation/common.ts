/**
 * Helpers shared by the validators, each returning Istio's message (pkg/config/validation,
 * pkg/config/labels) or undefined. istio.md §2.2 "Common helpers".
 */
import { isIP } from 'node:net';
import { parseGoDuration } from '../schema/dsl.ts';
import type { StringMatch } from '../types.ts';
import { at, field, type Report } from '../validated.ts';
import { checkRe2 } from './re2.ts';

const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

export const isDns1123Label = (s: string): boolean => s.length <= 63 && DNS1123_LABEL.test(s);
const isWildcardLabel = (s: string): boolean => s.length <= 63 && WILDCARD_LABEL.test(s);
export const isIPAddress = (s: string): boolean => isIP(s) !== 0 && !s.includes('%');

function dnsPreconditions(domain: string): string | undefined {
  if (domain.length > 255) return `domain name ${JSON.stringify(domain)} too long (max 255)`;
  if (domain.length === 0) return 'empty domain name not allowed';
  return undefined;
}

function validateDns1123Labels(domain: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1] ?? '';
  if (/^[-+]?\d+$/.test(tld)) return `domain name ${JSON.stringify(domain)} invalid (top level domain ${JSON.stringify(tld)} cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i] ?? '';
    if (i === parts.length - 1 && label === '') return undefined;
    if (!isDns1123Label(label)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(label)} invalid)`;
  }
  return undefined;
}

/** `ValidateWildcardDomain`: only the first label may be a wildcard (`*`, `*foo`, `*-foo`). */
export function validateWildcardDomain(domain: string): string | undefined {
  const pre = dnsPreconditions(domain);
  if (pre !== undefined) return pre;
  const dot = domain.indexOf('.');
  const first = dot === -1 ? domain : domain.slice(0, dot);
  if (!isWildcardLabel(first)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(first)} invalid)`;
  return dot === -1 ? undefined : validateDns1123Labels(domain.slice(dot + 1));
}

/** `ValidateFQDN`: like a wildcard domain, without the wildcard. */
export function validateFQDN(domain: string): string | undefined {
  return dnsPreconditions(domain) ?? validateDns1123Labels(domain);
}

export function validatePort(port: number): string | undefined {
  return port < 1 || port > 65535 ? `port number ${port} must be in the range 1..65535` : undefined;
}

/** `ValidateDuration`: at least 1ms and whole milliseconds. */
export function validateDuration(text: string, allowZero = false): string | undefined {
  const ns = parseGoDuration(text);
  if (ns === undefined) return `time: invalid duration ${JSON.stringify(text)}`;
  if (allowZero && ns === 0) return undefined;
  if (ns < 1e6) return 'duration must be greater than 1ms';
  if (ns % 1e6 !== 0) return 'only durations to ms precision are supported';
  return undefined;
}

export function checkDuration(report: Report, path: string, text: string | undefined, allowZero = false): void {
  if (text === undefined) return;
  const message = validateDuration(text, allowZero);
  if (message !== undefined) report.error(path, message);
}

const LABEL_NAME = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

function isLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1] ?? '';
  if (name.length > 63 || !LABEL_NAME.test(name)) return false;
  if (parts.length === 1) return true;
  const prefix = parts[0] ?? '';
  return prefix.length > 0 && prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix);
}

export const isLabelValue = (v: string): boolean => v.length <= 63 && (v === '' || LABEL_NAME.test(v));

/** Kubernetes label syntax (`labels.Instance.Validate`). */
export function checkLabels(report: Report, path: string, labels: Readonly<Record<string, string>> | undefined): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!isLabelKey(k)) report.error(field(path, k), `invalid tag key: ${JSON.stringify(k)}`);
    if (!isLabelValue(v)) report.error(field(path, k), `invalid tag value: ${JSON.stringify(v)}`);
  }
}

/** StringMatch checks; `where` is Istio's context word (`uri`, `headers`, ...). */
export function checkStringMatch(report: Report, path: string, match: StringMatch | undefined, where: string): void {
  if (match === undefined) return;
  if (match.prefix !== undefined && match.prefix === '' && where !== 'uri') {
    report.error(field(path, 'prefix'), `${JSON.stringify(where)}: prefix string match should not be empty`);
  }
  if (match.regex !== undefined) checkRegex(report, field(path, 'regex'), match.regex, where);
}

export function checkRegex(report: Report, path: string, regex: string, where: string): void {
  const q = JSON.stringify(where);
  if (regex === '') report.error(path, `${q}: regex string match should not be empty`);
  else if (regex.length > 1024) report.error(path, `${q}: regex is too large, max length allowed is 1024`);
  else {
    const err = checkRe2(regex);
    if (err !== undefined) report.error(path, `${q}: ${err}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`);
  }
}

/** `validateExportTo`; `~` is allowed alone on ServiceEntries only. */
export function checkExportTo(report: Report, path: string, namespace: string, exportTo: readonly string[] | undefined, isServiceEntry: boolean, drWithSelector = false): void {
  if (exportTo === undefined || exportTo.length === 0) return;
  const seen = new Set<string>();
  exportTo.forEach((entry, i) => {
    const key = entry === '.' ? namespace : entry;
    if (seen.has(key)) {
      report.error(at(path, i), key !== entry ? `duplicate entries in exportTo: . and current namespace ${namespace}` : `duplicate entries in exportTo for entry ${entry}`);
    } else if (entry === '~' && !isServiceEntry) {
      report.error(at(path, i), 'exportTo ~ (none) is not allowed for Istio configuration objects');
    } else if (entry !== '~' && entry !== '*' && entry !== '.' && !isDns1123Label(entry)) {
      report.error(at(path, i), 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry');
    } else seen.add(key);
  });
  if (drWithSelector && seen.size > 0) {
    if (!seen.has(namespace)) report.error(path, 'destination rule with workload selector cannot have exportTo beyond current namespace');
    else if (seen.size > 1) report.error(path, 'destination rule with workload selector cannot have multiple entries in exportTo');
  }
  if (seen.has('*') && exportTo.length > 1) report.error(path, 'cannot have both public (*) and non-public exportTo values for a resource');
  if (seen.has('~') && exportTo.length > 1) report.error(path, 'cannot export service entry to no one (~) and someone');
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PSEUDO_HEADERS = new Set([':authority', ':method', ':path', ':scheme', ':status']);

export function validateHeaderName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (PSEUDO_HEADERS.has(name)) return undefined;
  return TOKEN.test(name) ? undefined : `header name ${name} is not a valid header name`;
}

/** Protocols `protocol.Parse` knows (case-insensitive). */
const PROTOCOLS = new Set(['HTTP', 'HTTPS', 'GRPC', 'GRPC-WEB', 'HTTP2', 'HTTP_PROXY', 'TCP', 'TLS', 'UDP', 'MONGO', 'REDIS', 'MYSQL']);
export const isKnownProtocol = (p: string): boolean => PROTOCOLS.has(p.toUpperCase());
export const isHttpProtocol = (p: string): boolean => ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY'].includes(p.toUpperCase());
export const isTlsProtocol = (p: string): boolean => ['HTTPS', 'TLS'].includes(p.toUpperCase());

export function validateProtocol(p: string | undefined): string | undefined {
  return p === undefined || p === '' || isKnownProtocol(p) ? undefined : `unsupported protocol: ${p}`;
}

export function validatePortName(name: string | undefined): string | undefined {
  return name === undefined || !isDns1123Label(name) ? `invalid port name: ${name ?? ''}` : undefined;
}

/** `ValidateIPSubnet`: a CIDR block (exactly one `/`) or an IP. */
export function validateIPSubnet(subnet: string): string | undefined {
  if (subnet.split('/').length !== 2) return isIPAddress(subnet) ? undefined : `${subnet} is not a valid IP`;
  const [ip = '', bits = ''] = subnet.split('/');
  const max = isIP(ip) === 4 ? 32 : 128;
  const ok = isIP(ip) !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= max;
  return ok ? undefined : `${subnet} is not a valid CIDR block`;
}

/** `ValidateUnixAddress` of the path after `unix://`. */
export function validateUnixAddress(address: string): string | undefined {
  if (address === '') return 'unix address must not be empty';
  if (address.startsWith('@')) return undefined;
  return !address.startsWith('/') || address.endsWith('/') ? `${address} is not an absolute path to a file` : undefined;
}

/** `ValidatePartialWildCard`: `*` alone or a `*.` prefix, nothing else. */
export function validatePartialWildcard(host: string): string | undefined {
  return host.includes('*') && host.length !== 1 && !host.startsWith('*.') ? `partial wildcard ${JSON.stringify(host)} not allowed` : undefined;
}

/** `ValidateAlphaWorkloadSelector` / `validateWorkloadSelector`: no empty keys, no wildcards. */
export function checkSelectorLabels(report: Report, path: string, labels: Readonly<Record<string, string>>): boolean {
  let ok = true;
  for (const [k, v] of Object.entries(labels)) {
    const kv = JSON.stringify(`${k}=${v}`);
    if (k === '') {
      report.error(path, `empty key is not supported in selector: ${kv}`);
      ok = false;
    }
    if (k.includes('*') || v.includes('*')) {
      report.error(field(path, k), `wildcard is not supported in selector: ${kv}`);
      ok = false;
    }
  }
  return ok;
}

/** Go's `%v` of a float64. */
export function goFloat(v: number): string {
  if (v !== 0 && (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e21)) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(v);
}

/** Strips a leading `*` so wildcard hosts compare by suffix. */
const suffixOf = (host: string): string => (host.startsWith('*') ? host.slice(1) : host);

/** `host.Name.Matches`: the two hosts have names in common. */
export function hostsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (aw && b.endsWith(suffixOf(a))) return true;
  if (bw && a.endsWith(suffixOf(b))) return true;
  return false;
}

/** `host.Name.SubsetOf`: every name matched by `a` is matched by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  if (b.startsWith('*')) return a.endsWith(suffixOf(b)) && (!a.startsWith('*') || suffixOf(a).endsWith(suffixOf(b)));
  return a === b;
}
