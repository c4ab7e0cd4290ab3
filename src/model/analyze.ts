/**
 * Cross-resource checks of `istioctl analyze` (istio.md §2.3) over a set of valid objects and the
 * known Kubernetes Services. Pure: the controllers and `weft validate` share it. Istio reports
 * these as analysis messages, not admission errors; so do we.
 */
import type { Destination, DestinationRule, Gateway, IstioResource, KnownService, ServiceEntry, VirtualService } from './types.ts';
import { at, field } from './validated.ts';
import { hostsOverlap } from './validation/common.ts';

export type FindingLevel = 'Error' | 'Warning' | 'Info';

export interface Finding {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly path: string;
  readonly code: string;
  readonly level: FindingLevel;
  readonly message: string;
}

/** Codes that mean "a referenced object does not exist": they turn ResolvedRefs False. */
export const UNRESOLVED_REFERENCE_CODES: ReadonlySet<string> = new Set(['IST0101']);

export interface AnalysisInput {
  readonly resources: readonly IstioResource[];
  readonly services: readonly KnownService[];
  /** Cluster DNS suffix; `cluster.local` unless told. */
  readonly domainSuffix?: string;
}

interface Index {
  readonly suffix: string;
  /** FQDN → ports of Kubernetes Services. */
  readonly services: ReadonlyMap<string, readonly number[]>;
  readonly serviceEntries: readonly ServiceEntry[];
  readonly destinationRules: readonly DestinationRule[];
  /** DestinationRules by the FQDN of their (non-wildcard) host. */
  readonly rulesByHost: ReadonlyMap<string, readonly DestinationRule[]>;
  readonly wildcardRules: readonly DestinationRule[];
  readonly gateways: ReadonlyMap<string, Gateway>;
}

type Emit = (path: string, code: string, level: FindingLevel, message: string) => void;

/** `ResolveShortnameToFQDN`: names without a dot live in the object's namespace. */
export const toFqdn = (host: string, namespace: string, suffix: string): string => (host.includes('.') || host.includes('*') ? host : `${host}.${namespace}.svc.${suffix}`);

/** Whether an object with this exportTo, living in `owner`, is visible from namespace `from`. */
export function visibleFrom(exportTo: readonly string[] | undefined, owner: string, from: string): boolean {
  if (exportTo === undefined || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || (e === '.' && owner === from) || e === from);
}

function buildIndex(input: AnalysisInput): Index {
  const suffix = input.domainSuffix ?? 'cluster.local';
  const services = new Map<string, number[]>();
  for (const s of input.services) services.set(`${s.name}.${s.namespace}.svc.${suffix}`, s.ports.map((p) => p.port));
  const gateways = new Map<string, Gateway>();
  for (const r of input.resources) if (r.kind === 'Gateway') gateways.set(`${r.metadata.namespace}/${r.metadata.name}`, r);
  const destinationRules = input.resources.filter((r): r is DestinationRule => r.kind === 'DestinationRule');
  const rulesByHost = new Map<string, DestinationRule[]>();
  const wildcardRules: DestinationRule[] = [];
  for (const dr of destinationRules) {
    const fqdn = toFqdn(dr.spec.host ?? '', dr.metadata.namespace, suffix);
    if (fqdn.startsWith('*')) wildcardRules.push(dr);
    else rulesByHost.set(fqdn, [...(rulesByHost.get(fqdn) ?? []), dr]);
  }
  return {
    suffix,
    services,
    serviceEntries: input.resources.filter((r): r is ServiceEntry => r.kind === 'ServiceEntry'),
    destinationRules,
    rulesByHost,
    wildcardRules,
    gateways,
  };
}

/** Whether `fqdn` names a Service or a ServiceEntry host visible from `from`. */
function hostExists(index: Index, fqdn: string, from: string): boolean {
  if (index.services.has(fqdn)) return true;
  if (fqdn.startsWith('*') && [...index.services.keys()].some((s) => hostsOverlap(s, fqdn))) return true;
  return index.serviceEntries.some(
    (se) => visibleFrom(se.spec.exportTo, se.metadata.namespace, from) && (se.spec.hosts ?? []).some((h) => hostsOverlap(h, fqdn)),
  );
}

/** `name`, `ns/name` or legacy `name.ns` → `ns/name`. */
export function gatewayKey(ref: string, vsNamespace: string): string {
  if (ref.includes('/')) return ref;
  const dot = ref.indexOf('.');
  return dot === -1 ? `${vsNamespace}/${ref}` : `${ref.slice(dot + 1).split('.')[0] ?? ''}/${ref.slice(0, dot)}`;
}

function checkDestination(index: Index, vs: VirtualService, path: string, dest: Destination, what: string, emit: Emit): void {
  const ns = vs.metadata.namespace;
  const host = dest.host ?? '';
  const fqdn = toFqdn(host, ns, index.suffix);
  if (!hostExists(index, fqdn, ns)) emit(field(path, 'host'), 'IST0101', 'Error', `Referenced ${what} not found: ${JSON.stringify(host)}`);
  const ports = index.services.get(fqdn);
  const port = dest.port?.number;
  if (ports !== undefined && port !== undefined && !ports.includes(port)) {
    emit(field(field(path, 'port'), 'number'), 'IST0101', 'Error', `Referenced host:port not found: ${JSON.stringify(`${host}:${port}`)}`);
  }
  if (ports !== undefined && ports.length > 1 && dest.port === undefined) {
    emit(path, 'IST0112', 'Error', `This VirtualService routes to a service ${JSON.stringify(fqdn)} that exposes multiple ports [${ports.join(' ')}]. Specifying destination port is required to avoid ambiguity.`);
  }
  const subset = dest.subset;
  if (subset === undefined || subset === '') return;
  const candidates = fqdn.startsWith('*') ? index.destinationRules : [...(index.rulesByHost.get(fqdn) ?? []), ...index.wildcardRules];
  const found = candidates.some(
    (dr) =>
      visibleFrom(dr.spec.exportTo, dr.metadata.namespace, ns) &&
      hostsOverlap(toFqdn(dr.spec.host ?? '', dr.metadata.namespace, index.suffix), fqdn) &&
      (dr.spec.subsets ?? []).some((s) => s.name === subset),
  );
  if (!found) emit(field(path, 'subset'), 'IST0101', 'Error', `Referenced host+subset in destinationrule not found: ${JSON.stringify(`${host}+${subset}`)}`);
}

function eachDestination(vs: VirtualService, fn: (path: string, dest: Destination, what: string) => void): void {
  (vs.spec.http ?? []).forEach((h, i) => {
    const p = at('spec.http', i);
    (h.route ?? []).forEach((r, j) => { if (r.destination !== undefined) fn(field(at(field(p, 'route'), j), 'destination'), r.destination, 'host'); });
    if (h.mirror !== undefined) fn(field(p, 'mirror'), h.mirror, 'mirror host');
    (h.mirrors ?? []).forEach((m, j) => { if (m.destination !== undefined) fn(field(at(field(p, 'mirrors'), j), 'destination'), m.destination, 'mirror host'); });
  });
  for (const kind of ['tcp', 'tls'] as const) {
    (vs.spec[kind] ?? []).forEach((t, i) => {
      (t.route ?? []).forEach((r, j) => { if (r.destination !== undefined) fn(field(at(field(at(`spec.${kind}`, i), 'route'), j), 'destination'), r.destination, 'host'); });
    });
  }
}

function gatewayCovers(gateway: Gateway, vsHosts: readonly string[]): boolean {
  const serverHosts = (gateway.spec.servers ?? []).flatMap((s) => (s.hosts ?? []).map((h) => h.slice(h.indexOf('/') + 1)));
  return serverHosts.some((gh) => vsHosts.some((vh) => gh === '*' || hostsOverlap(gh, vh)));
}

function analyzeVirtualService(index: Index, vs: VirtualService, emit: Emit): void {
  eachDestination(vs, (path, dest, what) => { checkDestination(index, vs, path, dest, what, emit); });
  const hosts = vs.spec.hosts ?? [];
  const refs: [string, string][] = (vs.spec.gateways ?? []).map((g, i) => [at('spec.gateways', i), g]);
  (vs.spec.http ?? []).forEach((h, i) => {
    (h.match ?? []).forEach((m, j) => {
      (m.gateways ?? []).forEach((g, k) => refs.push([at(field(at(field(at('spec.http', i), 'match'), j), 'gateways'), k), g]));
    });
  });
  for (const [path, ref] of refs) {
    if (ref === 'mesh') continue;
    const gw = index.gateways.get(gatewayKey(ref, vs.metadata.namespace));
    if (gw === undefined) emit(path, 'IST0101', 'Error', `Referenced gateway not found: ${JSON.stringify(ref)}`);
    else if (path.startsWith('spec.gateways') && hosts.length > 0 && !gatewayCovers(gw, hosts)) {
      const gwName = `${gw.metadata.namespace}/${gw.metadata.name}`;
      emit(path, 'IST0132', 'Warning', `one or more host [${hosts.join(' ')}] defined in VirtualService ${vs.metadata.namespace}/${vs.metadata.name} not found in Gateway ${gwName}.`);
    }
  }
}

function analyzeMeshHostConflicts(index: Index, all: readonly VirtualService[], emitFor: (r: IstioResource) => Emit): void {
  const byHost = new Map<string, VirtualService[]>();
  for (const vs of all) {
    const gateways = vs.spec.gateways ?? [];
    if (gateways.length > 0 && !gateways.includes('mesh')) continue;
    for (const h of new Set((vs.spec.hosts ?? []).map((x) => toFqdn(x, vs.metadata.namespace, index.suffix)))) byHost.set(h, [...(byHost.get(h) ?? []), vs]);
  }
  for (const [host, list] of [...byHost].sort(([a], [b]) => compare(a, b))) {
    if (list.length < 2) continue;
    const names = list.map((v) => `${v.metadata.namespace}/${v.metadata.name}`).sort().join(',');
    for (const vs of list) {
      emitFor(vs)('spec.hosts', 'IST0109', 'Error', `The VirtualServices ${names} associated with mesh gateway define the same host ${host} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.`);
    }
  }
}

function analyzeDestinationRule(index: Index, dr: DestinationRule, emit: Emit): void {
  const ns = dr.metadata.namespace;
  const host = dr.spec.host ?? '';
  if (!hostExists(index, toFqdn(host, ns, index.suffix), ns)) {
    emit('spec.host', 'IST0174', 'Warning', `The host ${host} defined in the DestinationRule does not match any services in the mesh.`);
  }
  const tls = dr.spec.trafficPolicy?.tls;
  if ((tls?.mode === 'SIMPLE' || tls?.mode === 'MUTUAL') && (tls.caCertificates ?? '') === '' && (tls.credentialName ?? '') === '' && tls.insecureSkipVerify !== true) {
    emit('spec.trafficPolicy.tls', 'IST0128', 'Warning', `DestinationRule ${ns}/${dr.metadata.name} in namespace ${ns} has TLS mode set to ${tls.mode} but no caCertificates are set to validate server identity for host: ${host}`);
  }
}

/**
 * IST0145: Gateways with the same selector serving the same port list the same host (on the same
 * bind), as istiod's `model.CheckDuplicates` sees it: exact host strings, not wildcard overlap.
 */
function analyzeGatewayConflicts(gateways: readonly Gateway[], emitFor: (r: IstioResource) => Emit): void {
  const selectorOf = (g: Gateway): string => Object.entries(g.spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).sort().join(',');
  const fullName = (g: Gateway): string => `${g.metadata.namespace}/${g.metadata.name}`;
  for (const gw of gateways) {
    (gw.spec.servers ?? []).forEach((server, i) => {
      const port = server.port?.number ?? 0;
      const hosts = new Set((server.hosts ?? []).map((h) => `${server.bind ?? ''}|${h}`));
      const conflicting = gateways.filter(
        (other) =>
          other !== gw &&
          selectorOf(other) === selectorOf(gw) &&
          (other.spec.servers ?? []).some((s) => (s.port?.number ?? 0) === port && (s.hosts ?? []).some((h) => hosts.has(`${s.bind ?? ''}|${h}`))),
      );
      if (conflicting.length === 0) return;
      const names = conflicting.map(fullName).sort().join(',');
      emitFor(gw)(at('spec.servers', i), 'IST0145', 'Error', `Conflict with gateways ${names} (workload selector ${selectorOf(gw)}, port ${port}, hosts ${(server.hosts ?? []).join(',')}).`);
    });
  }
}

/** The certificate a server presents, or undefined without TLS certificates. */
function certificateKey(tls: NonNullable<NonNullable<Gateway['spec']['servers']>[number]['tls']> | undefined): string | undefined {
  if (tls === undefined) return undefined;
  if ((tls.credentialName ?? '') !== '') return `credential:${tls.credentialName ?? ''}`;
  if ((tls.serverCertificate ?? '') === '' && (tls.privateKey ?? '') === '') return undefined;
  return `files:${tls.serverCertificate ?? ''}|${tls.privateKey ?? ''}|${tls.caCertificates ?? ''}`;
}

/** IST0138: Gateways on the same pods present the same certificate (HTTP/2 connection reuse gives 404s). */
function analyzeDuplicateCertificates(gateways: readonly Gateway[], emitFor: (r: IstioResource) => Emit): void {
  const fullName = (g: Gateway): string => `${g.metadata.namespace}/${g.metadata.name}`;
  const keys = (g: Gateway): Set<string> => new Set((g.spec.servers ?? []).flatMap((s) => certificateKey(s.tls) ?? []));
  const selects = (a: Gateway, b: Gateway): boolean => Object.entries(a.spec.selector ?? {}).every(([k, v]) => b.spec.selector?.[k] === v);
  for (const gw of gateways) {
    const mine = keys(gw);
    if (mine.size === 0) continue;
    for (const other of gateways) {
      if (other === gw || !selects(gw, other) || ![...keys(other)].some((k) => mine.has(k))) continue;
      emitFor(gw)('spec.servers', 'IST0138', 'Warning', `Duplicate certificate in multiple gateways [${fullName(gw)} ${fullName(other)}] may cause 404s if clients re-use HTTP2 connections.`);
    }
  }
}

/** Code-unit order: deterministic and independent of the locale (and much cheaper than localeCompare). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const LEVEL_ORDER: Readonly<Record<FindingLevel, number>> = { Error: 0, Warning: 1, Info: 2 };

/** Runs every cross-resource check; findings are sorted by object, then path and code. */
export function analyze(input: AnalysisInput): readonly Finding[] {
  const index = buildIndex(input);
  const findings: Finding[] = [];
  const emitFor = (r: IstioResource): Emit => (path, code, level, message) => {
    findings.push({ kind: r.kind, namespace: r.metadata.namespace, name: r.metadata.name, path, code, level, message });
  };
  for (const r of input.resources) {
    if (r.kind === 'VirtualService') analyzeVirtualService(index, r, emitFor(r));
    if (r.kind === 'DestinationRule') analyzeDestinationRule(index, r, emitFor(r));
  }
  analyzeMeshHostConflicts(index, input.resources.filter((r): r is VirtualService => r.kind === 'VirtualService'), emitFor);
  analyzeGatewayConflicts([...index.gateways.values()], emitFor);
  analyzeDuplicateCertificates([...index.gateways.values()], emitFor);
  return findings.sort(
    (a, b) =>
      compare(a.kind, b.kind) || compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.path, b.path) || compare(a.code, b.code) || LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level],
  );
}
