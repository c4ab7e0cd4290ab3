/**
 * The entry point of validation: one untrusted object in, `Validated<IstioResource>` out. It first
 * runs the structural check of the kind's schema (types, enums, unknown fields), then Istio's
 * semantic rules (istio.md §2.2) on the type-correct remainder. It never throws on user input.
 */
import { ISTIO_KINDS, isIstioKind, isIstioNetworkingApiVersion } from './kinds.ts';
import { checkValue } from './schema/check.ts';
import type { IstioKind, IstioResource, ObjectMeta } from './types.ts';
import { createReport, field, finish, type Report, type Validated } from './validated.ts';
import { checkDestinationRule } from './validation/destination-rule.ts';
import { checkGateway } from './validation/gateway.ts';
import { checkServiceEntry, checkWorkloadEntry } from './validation/service-entry.ts';
import { checkSidecar } from './validation/sidecar.ts';
import { checkVirtualService } from './validation/virtual-service.ts';

export interface ValidateOptions {
  /** Namespace of objects that name none (as `kubectl apply` does with the current namespace). */
  readonly defaultNamespace?: string;
}

const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const LABEL_MESSAGE = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const SUBDOMAIN_MESSAGE = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
/** Annotations Istio's webhook rejects on networking objects (`validateMetadata`). */
const RESERVED_ANNOTATIONS: Readonly<Record<string, string>> = {
  'internal.istio.io/webhook-always-reject': '"internal.istio.io/webhook-always-reject" annotation found, rejecting',
  'internal.istio.io/parent-namespace': '"internal.istio.io/parent-namespace" annotation found, this may not be set by users',
  'internal.istio.io/parents': '"internal.istio.io/parents" annotation found, this may not be set by users',
};

type Json = Readonly<Record<string, unknown>>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(report: Report, path: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    report.error(path, 'Invalid value: must be of type object');
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') report.error(field(path, k), 'Invalid value: must be of type string');
    else if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

function checkName(report: Report, path: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    report.error(path, 'Required value: name or generateName is required');
    return '';
  }
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) report.error(path, `Invalid value: ${JSON.stringify(value)}: ${SUBDOMAIN_MESSAGE}`);
  return value;
}

function readMetadata(report: Report, value: unknown, options: ValidateOptions): ObjectMeta {
  const meta = isRecord(value) ? value : {};
  if (!isRecord(value)) report.error('metadata', 'Required value');
  const name = checkName(report, 'metadata.name', meta.name);
  const rawNs = meta.namespace;
  let namespace = options.defaultNamespace ?? 'default';
  if (typeof rawNs === 'string' && rawNs !== '') {
    namespace = rawNs;
    if (rawNs.length > 63 || !DNS1123_LABEL.test(rawNs)) report.error('metadata.namespace', `Invalid value: ${JSON.stringify(rawNs)}: ${LABEL_MESSAGE}`);
  } else if (rawNs !== undefined && rawNs !== null && rawNs !== '') report.error('metadata.namespace', 'Invalid value: must be of type string');
  const labels = stringMap(report, 'metadata.labels', meta.labels);
  const annotations = stringMap(report, 'metadata.annotations', meta.annotations);
  for (const key of Object.keys(annotations ?? {})) {
    const message = Object.hasOwn(RESERVED_ANNOTATIONS, key) ? RESERVED_ANNOTATIONS[key] : undefined;
    if (message !== undefined) report.error(field('metadata.annotations', key), message);
    if (key === 'istio.io/dry-run') report.error(field('metadata.annotations', key), `${namespace}/${name} has unsupported annotation istio.io/dry-run, please remove the annotation`);
  }
  const generation = typeof meta.generation === 'number' ? meta.generation : undefined;
  return {
    name,
    namespace,
    ...(generation === undefined ? {} : { generation }),
    ...(labels === undefined ? {} : { labels }),
    ...(annotations === undefined ? {} : { annotations }),
  };
}

function checkSemantics(report: Report, resource: IstioResource): void {
  const ns = resource.metadata.namespace;
  switch (resource.kind) {
    case 'VirtualService':
      checkVirtualService(report, ns, resource.spec);
      return;
    case 'DestinationRule':
      checkDestinationRule(report, ns, resource.spec);
      return;
    case 'Gateway':
      checkGateway(report, resource.metadata.name, resource.spec);
      return;
    case 'ServiceEntry':
      checkServiceEntry(report, ns, resource.spec);
      return;
    case 'Sidecar':
      checkSidecar(report, ns, resource.spec);
      return;
    case 'WorkloadEntry':
      checkWorkloadEntry(report, resource.spec);
      return;
  }
}

/** True when `value` claims to be one of the six networking.istio.io kinds Weft validates. */
export function isIstioObject(value: unknown): value is Json & { readonly kind: IstioKind } {
  return isRecord(value) && isIstioNetworkingApiVersion(value.apiVersion) && isIstioKind(value.kind);
}

/**
 * Validates one object as `kubectl apply` plus Istio's webhook would. The returned spec shares
 * structure with the input when nothing had to be dropped: treat both as immutable.
 */
export function validateIstioObject(input: unknown, options: ValidateOptions = {}): Validated<IstioResource> {
  const report = createReport();
  if (!isIstioObject(input)) {
    report.error('', 'not a networking.istio.io/v1, v1beta1 or v1alpha3 VirtualService, DestinationRule, Gateway, ServiceEntry, Sidecar or WorkloadEntry');
    return { ok: false, errors: report.errors, warnings: report.warnings };
  }
  for (const key of Object.keys(input)) if (!TOP_LEVEL.has(key)) report.error(key, `unknown field ${JSON.stringify(key)}`);
  const metadata = readMetadata(report, input.metadata, options);
  const info = ISTIO_KINDS[input.kind];
  const spec = checkValue(info.spec, input.spec ?? {}, 'spec', report, { cel: false }) ?? {};
  // The structural check dropped every ill-typed field, so the remainder has the kind's inferred type.
  const resource = { apiVersion: input.apiVersion, kind: input.kind, metadata, spec } as IstioResource;
  checkSemantics(report, resource);
  return finish(report, resource);
}
