/**
 * The validating webhook's decision, pure: one decoded `admission.k8s.io/v1` AdmissionReview in,
 * the response review out. It runs the same validator as `weft validate` and the controllers and
 * denies with Istio's text (`configuration is invalid: ...` with each field path). It allows what
 * it does not judge: other kinds and groups, DELETE and CONNECT, subresources. It never throws.
 */
import { ISTIO_NETWORKING_GROUP, isIstioKind } from '../model/kinds.ts';
import { validateIstioObject } from '../model/validate.ts';
import { formatIssues, type FieldWarning } from '../model/validated.ts';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly reason: string; readonly message: string };
  readonly warnings?: readonly string[];
}

export interface AdmissionReviewOut {
  readonly apiVersion: typeof ADMISSION_API_VERSION;
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponse;
}

/** `review`: answer with HTTP 200; `malformed`: not an AdmissionReview we can answer (HTTP 400). */
export type AdmissionOutcome =
  | { readonly type: 'review'; readonly review: AdmissionReviewOut }
  | { readonly type: 'malformed'; readonly message: string };

type Json = Readonly<Record<string, unknown>>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a request is allowed without validation, or undefined when it must be validated. */
function skipReason(request: Json): string | undefined {
  const operation = request.operation;
  if (operation !== 'CREATE' && operation !== 'UPDATE') return 'operation';
  if (typeof request.subResource === 'string' && request.subResource !== '') return 'subresource';
  const kind = isRecord(request.kind) ? request.kind : {};
  if (kind.group !== ISTIO_NETWORKING_GROUP || !isIstioKind(kind.kind)) return 'kind';
  return undefined;
}

const review = (response: AdmissionResponse): AdmissionOutcome => ({ type: 'review', review: { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response } });

/** Kubernetes shows warnings as-is, one per line; analyzer codes lead, as istioctl prints them. */
function warningText(w: FieldWarning): string {
  const where = w.path === '' ? '' : `${w.path}: `;
  return `${w.code === undefined ? '' : `${w.code} `}${where}${w.message}`;
}

export function admit(body: unknown): AdmissionOutcome {
  if (!isRecord(body) || body.kind !== 'AdmissionReview') return { type: 'malformed', message: 'expected an AdmissionReview' };
  if (body.apiVersion !== ADMISSION_API_VERSION) return { type: 'malformed', message: `unsupported AdmissionReview version ${typeof body.apiVersion === 'string' ? JSON.stringify(body.apiVersion) : typeof body.apiVersion}; expected ${ADMISSION_API_VERSION}` };
  const request = body.request;
  if (!isRecord(request) || typeof request.uid !== 'string' || request.uid === '') return { type: 'malformed', message: 'the AdmissionReview has no request.uid' };
  const uid = request.uid;
  if (skipReason(request) !== undefined) return review({ uid, allowed: true });
  const namespace = typeof request.namespace === 'string' && request.namespace !== '' ? request.namespace : undefined;
  const result = validateIstioObject(request.object, namespace === undefined ? {} : { defaultNamespace: namespace });
  const warnings = result.warnings.map(warningText);
  const withWarnings = warnings.length === 0 ? {} : { warnings };
  if (result.ok) return review({ uid, allowed: true, ...withWarnings });
  const message = `configuration is invalid: ${formatIssues(result.errors)}`;
  return review({ uid, allowed: false, status: { code: 400, reason: 'BadRequest', message }, ...withWarnings });
}
