/**
 * Outcome of validating user input. Validation never throws on user input: every problem is a
 * `FieldIssue` with the field path (`spec.http[0].route[1].weight`) and Istio's message text.
 */

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** A warning; `code` is the istioctl analyzer code when one applies (e.g. `IST0133`). */
export interface FieldWarning extends FieldIssue {
  readonly code?: string;
}

export type Validated<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly FieldWarning[] }
  | { readonly ok: false; readonly errors: readonly FieldIssue[]; readonly warnings: readonly FieldWarning[] };

/** Collects issues while a validator walks an object. Mutable only inside one validation run. */
export interface Report {
  readonly errors: FieldIssue[];
  readonly warnings: FieldWarning[];
  error(path: string, message: string): void;
  warn(path: string, message: string, code?: string): void;
}

export function createReport(): Report {
  const errors: FieldIssue[] = [];
  const warnings: FieldWarning[] = [];
  return {
    errors,
    warnings,
    error: (path, message) => void errors.push({ path, message }),
    warn: (path, message, code) => void warnings.push(code === undefined ? { path, message } : { path, message, code }),
  };
}

/** Turns a finished report into the outcome for `value`. */
export function finish<T>(report: Report, value: T): Validated<T> {
  if (report.errors.length > 0) return { ok: false, errors: report.errors, warnings: report.warnings };
  return { ok: true, value, warnings: report.warnings };
}

/** `spec.http` + 0 → `spec.http[0]`. */
export const at = (path: string, index: number): string => `${path}[${index}]`;

/** `spec` + `hosts` → `spec.hosts`; map keys that are not identifiers are quoted: `labels["app.kubernetes.io/name"]`. */
export function field(path: string, name: string): string {
  return isIdentifier(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

function isIdentifier(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!letter && (i === 0 || c < 48 || c > 57)) return false;
  }
  return true;
}

/**
 * Istio's multi-error text (hashicorp/go-multierror), each item prefixed with its field path:
 * `2 errors occurred:\n\t* spec.hosts[0]: ...\n\t* ...\n\n`. The webhook prefixes it with
 * `configuration is invalid: `, as istiod does.
 */
export function formatIssues(issues: readonly FieldIssue[]): string {
  const items = issues.map((i) => `\t* ${i.path === '' ? '' : `${i.path}: `}${i.message}`);
  return `${issues.length} ${issues.length === 1 ? 'error' : 'errors'} occurred:\n${items.join('\n')}\n\n`;
}
