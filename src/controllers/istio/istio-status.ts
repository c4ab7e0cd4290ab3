/**
 * The status Weft writes on networking.istio.io objects (istio.md §3: IstioStatus with
 * conditions, validationMessages and observedGeneration). Pure: the verdict and the clock
 * reading come in, the status goes out.
 *
 * - `Accepted` says whether this generation is valid, and which generation is being served: an
 *   invalid update keeps serving the last accepted generation, so a typo never black-holes traffic.
 * - `ResolvedRefs` says whether every referenced object exists (Istio treats these as warnings;
 *   the object is still served).
 * - `validationMessages` carries the analyzer findings with Istio's codes (IST0101, ...).
 */
import type { Finding, FindingLevel } from '../../model/analyze.ts';
import { UNRESOLVED_REFERENCE_CODES } from '../../model/analyze.ts';
import type { FieldIssue } from '../../model/validated.ts';
import { setConditions, type Condition, type ConditionUpdate } from '../../status/conditions.ts';

export interface ValidationMessage {
  readonly type: { readonly code: string; readonly name?: string };
  readonly level: 'ERROR' | 'WARNING' | 'INFO';
  readonly description: string;
  readonly documentationUrl: string;
}

export interface IstioStatus {
  readonly observedGeneration: number;
  readonly conditions: readonly Condition[];
  readonly validationMessages: readonly ValidationMessage[];
}

/** What the controller knows about one object when it computes its status. */
export interface Verdict {
  readonly generation: number;
  /** Field errors of this generation; empty when it is valid. */
  readonly errors: readonly FieldIssue[];
  /** The generation being served: this one when valid, an earlier valid one, or none. */
  readonly servedGeneration: number | undefined;
  /** Analyzer findings about the served generation. */
  readonly findings: readonly Finding[];
}

const LEVELS: Readonly<Record<FindingLevel, ValidationMessage['level']>> = { Error: 'ERROR', Warning: 'WARNING', Info: 'INFO' };
const MAX_LISTED = 10;

function listIssues(issues: readonly { readonly path: string; readonly message: string }[]): string {
  const shown = issues.slice(0, MAX_LISTED).map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`));
  const more = issues.length > MAX_LISTED ? [`and ${issues.length - MAX_LISTED} more`] : [];
  return [...shown, ...more].join('; ');
}

export function acceptedCondition(verdict: Verdict): ConditionUpdate {
  const { generation, servedGeneration, errors } = verdict;
  if (errors.length === 0) {
    return { type: 'Accepted', status: 'True', reason: 'Accepted', observedGeneration: generation, message: `Generation ${generation} is valid and served.` };
  }
  const served =
    servedGeneration === undefined
      ? 'Nothing is served for this object: no generation of it was ever valid.'
      : `Generation ${servedGeneration}, the last valid one, is still served.`;
  return {
    type: 'Accepted',
    status: 'False',
    reason: servedGeneration === undefined ? 'Invalid' : 'InvalidServingPreviousGeneration',
    observedGeneration: generation,
    message: `Generation ${generation} is invalid: ${listIssues(errors)}. ${served}`,
  };
}

export function resolvedRefsCondition(verdict: Verdict): ConditionUpdate {
  const missing = verdict.findings.filter((f) => UNRESOLVED_REFERENCE_CODES.has(f.code));
  if (verdict.servedGeneration === undefined) {
    return { type: 'ResolvedRefs', status: 'Unknown', reason: 'NotServed', observedGeneration: verdict.generation, message: 'References are resolved once a valid generation exists.' };
  }
  if (missing.length === 0) {
    return { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', observedGeneration: verdict.generation, message: 'Every referenced object exists.' };
  }
  return { type: 'ResolvedRefs', status: 'False', reason: 'ReferencedResourceNotFound', observedGeneration: verdict.generation, message: listIssues(missing) };
}

/** Istio's documentation page for an analyzer code, e.g. IST0101 → .../analysis/ist0101/. */
export const documentationUrl = (code: string): string => `https://istio.io/latest/docs/reference/config/analysis/${code.toLowerCase()}/`;

export function validationMessages(findings: readonly Finding[]): ValidationMessage[] {
  return [...findings]
    .sort((a, b) => (a.code === b.code ? (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) : a.code < b.code ? -1 : 1))
    .map((f) => ({ type: { code: f.code }, level: LEVELS[f.level], description: f.path === '' ? f.message : `${f.path}: ${f.message}`, documentationUrl: documentationUrl(f.code) }));
}

/** The desired status; conditions keep their lastTransitionTime unless their status flips. */
export function computeIstioStatus(verdict: Verdict, previous: Partial<IstioStatus> | undefined, now: Date): IstioStatus {
  const conditions = setConditions(previous?.conditions ?? [], [acceptedCondition(verdict), resolvedRefsCondition(verdict)], now);
  return { observedGeneration: verdict.generation, conditions, validationMessages: validationMessages(verdict.findings) };
}
