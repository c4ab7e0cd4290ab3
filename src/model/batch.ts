/**
 * Validation of a batch of manifests as `weft validate` sees them: parse multi-document YAML/JSON
 * texts, validate every object, run the cross-resource checks across the whole batch, and report
 * one entry per object. Pure: the caller reads the files.
 */
import { LineCounter, parseAllDocuments, type Tags } from 'yaml';
import { analyze } from './analyze.ts';
import { ISTIO_NETWORKING_GROUP, ISTIO_NETWORKING_VERSIONS, isIstioKind, isIstioNetworkingApiVersion } from './kinds.ts';
import type { IstioResource, KnownService } from './types.ts';
import { isIstioObject, validateIstioObject, type ValidateOptions } from './validate.ts';
import type { FieldIssue } from './validated.ts';

export interface SourceText {
  /** File path, or `-` for stdin. */
  readonly source: string;
  readonly text: string;
}

export interface ObjectWarning extends FieldIssue {
  readonly code: string;
}

export interface ObjectReport {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly name: string;
  readonly valid: boolean;
  readonly errors: readonly FieldIssue[];
  readonly warnings: readonly ObjectWarning[];
  /** Present (true) for objects of kinds weft validate does not check. */
  readonly skipped?: true;
  /** Why it was skipped. */
  readonly reason?: string;
  /** `file:line` of the document. */
  readonly location: string;
}

export interface BatchResult {
  readonly objects: readonly ObjectReport[];
  /** Unreadable input: malformed YAML/JSON, with file and line. */
  readonly readErrors: readonly string[];
}

interface Doc {
  readonly location: string;
  readonly value: unknown;
}

type Json = Readonly<Record<string, unknown>>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * YAML as kubectl reads manifests (go-yaml v2, YAML 1.1): `on`, `yes`, `off` are booleans and `0755`
 * is octal, but timestamps and base-60 numbers stay strings.
 */
const KUBECTL_YAML = {
  version: '1.1',
  customTags: (tags: Tags): Tags =>
    tags.filter((t) => (typeof t === 'string' ? !['timestamp', 'intTime', 'floatTime'].includes(t) : t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME')),
} as const;

/** Splits texts into documents; `kind: List` documents are expanded into their items. */
export function parseDocuments(texts: readonly SourceText[]): { docs: Doc[]; readErrors: string[] } {
  const docs: Doc[] = [];
  const readErrors: string[] = [];
  for (const { source, text } of texts) {
    const json = parseJson(text);
    if (json !== undefined) {
      for (const value of json) pushDoc(docs, `${source}:1`, value);
      continue;
    }
    const lineCounter = new LineCounter();
    for (const doc of parseAllDocuments(text, { lineCounter, ...KUBECTL_YAML })) {
      const line = lineCounter.linePos(doc.range[0]).line;
      const error = doc.errors[0];
      if (error !== undefined) {
        const pos = error.linePos?.[0] ?? { line, col: 1 };
        readErrors.push(`${source}:${pos.line}:${pos.col}: ${error.message.split('\n')[0] ?? error.message}`);
        continue;
      }
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      if (value === null || value === undefined) continue;
      pushDoc(docs, `${source}:${line}`, value);
    }
  }
  return { docs, readErrors };
}

/** `kind: List` documents are expanded into their items. */
function pushDoc(docs: Doc[], location: string, value: unknown): void {
  if (isRecord(value) && str(value.kind).endsWith('List') && Array.isArray(value.items)) {
    for (const item of value.items as unknown[]) docs.push({ location, value: item });
  } else docs.push({ location, value });
}

/**
 * Fast path for JSON (a YAML subset): an object, or an array of objects. Anything else, including
 * malformed JSON, goes through the YAML parser, which reports errors with their line.
 */
function parseJson(text: string): unknown[] | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as unknown[]) : [value];
  } catch {
    return undefined;
  }
}

function identity(value: unknown, defaultNamespace: string): Pick<ObjectReport, 'kind' | 'apiVersion' | 'namespace' | 'name'> {
  const v = isRecord(value) ? value : {};
  const meta = isRecord(v.metadata) ? v.metadata : {};
  return { kind: str(v.kind), apiVersion: str(v.apiVersion), namespace: str(meta.namespace) || defaultNamespace, name: str(meta.name) };
}

function skipReason(value: unknown): string | undefined {
  if (!isRecord(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') return undefined;
  if (value.apiVersion.startsWith('mesh.weft.dev/')) return 'a Weft kind: the operator validates it, weft validate does not';
  return `not a networking.istio.io kind weft validate checks`;
}

/** One of the six kinds under a version the CRDs do not serve: `kubectl apply` would fail too. */
function unservedVersion(value: unknown): string | undefined {
  if (!isRecord(value) || !isIstioKind(value.kind) || typeof value.apiVersion !== 'string') return undefined;
  if (!value.apiVersion.startsWith(`${ISTIO_NETWORKING_GROUP}/`) || isIstioNetworkingApiVersion(value.apiVersion)) return undefined;
  return `no matches for kind "${value.kind}" in version "${value.apiVersion}": served versions are ${ISTIO_NETWORKING_VERSIONS.join(', ')}`;
}

/** A Kubernetes Service from the batch, as the cross-resource checks see it. */
function asService(value: unknown, defaultNamespace: string): KnownService | undefined {
  if (!isRecord(value) || value.apiVersion !== 'v1' || value.kind !== 'Service') return undefined;
  const id = identity(value, defaultNamespace);
  const spec = isRecord(value.spec) ? value.spec : {};
  const ports = (Array.isArray(spec.ports) ? (spec.ports as unknown[]) : []).filter(isRecord).map((p) => ({ port: typeof p.port === 'number' ? p.port : 0, name: str(p.name) }));
  return id.name === '' ? undefined : { namespace: id.namespace, name: id.name, ports };
}

interface Entry {
  readonly report: ObjectReport;
  readonly resource?: IstioResource;
}

function validateDoc(doc: Doc, options: ValidateOptions, defaultNamespace: string): Entry {
  const id = { ...identity(doc.value, defaultNamespace), location: doc.location };
  const unserved = unservedVersion(doc.value);
  if (unserved !== undefined) return { report: { ...id, valid: false, errors: [{ path: 'apiVersion', message: unserved }], warnings: [] } };
  if (!isIstioObject(doc.value)) {
    const reason = skipReason(doc.value);
    if (reason === undefined) {
      return { report: { ...id, valid: false, errors: [{ path: '', message: 'not a Kubernetes object: apiVersion and kind are required' }], warnings: [] } };
    }
    return { report: { ...id, valid: true, errors: [], warnings: [], skipped: true, reason } };
  }
  const result = validateIstioObject(doc.value, options);
  const warnings = result.warnings.map((w) => ({ path: w.path, message: w.message, code: w.code ?? 'IST0133' }));
  if (!result.ok) return { report: { ...id, valid: false, errors: result.errors, warnings } };
  return { report: { ...id, valid: true, errors: [], warnings }, resource: result.value };
}

/** Validates every object of the texts and runs the cross-resource checks over the valid ones. */
export function validateBatch(texts: readonly SourceText[], options: ValidateOptions = {}): BatchResult {
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const { docs, readErrors } = parseDocuments(texts);
  const entries = docs.map((d) => validateDoc(d, options, defaultNamespace));
  const resources = entries.flatMap((e) => (e.resource === undefined ? [] : [e.resource]));
  const services = docs.flatMap((d) => asService(d.value, defaultNamespace) ?? []);
  const findings = analyze({ resources, services });
  const byObject = new Map<IstioResource, ObjectWarning[]>();
  const key = (kind: string, ns: string, name: string): string => `${kind}/${ns}/${name}`;
  const resourceByKey = new Map(resources.map((r) => [key(r.kind, r.metadata.namespace, r.metadata.name), r]));
  for (const f of findings) {
    const r = resourceByKey.get(key(f.kind, f.namespace, f.name));
    if (r === undefined) continue;
    const list = byObject.get(r) ?? [];
    list.push({ path: f.path, message: f.message, code: f.code });
    byObject.set(r, list);
  }
  const objects = entries.map((e) => {
    const extra = e.resource === undefined ? undefined : byObject.get(e.resource);
    return extra === undefined ? e.report : { ...e.report, warnings: [...e.report.warnings, ...extra] };
  });
  return { objects, readErrors };
}
