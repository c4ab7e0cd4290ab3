/**
 * metav1.Condition helpers (https://github.com/kubernetes/apimachinery pkg/apis/meta/v1 Condition).
 * Pure: callers pass the clock reading, the helpers never read it.
 */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly observedGeneration?: number;
  /** RFC 3339 with seconds precision, as the API server stores it. */
  readonly lastTransitionTime: string;
  /** CamelCase, as metav1.Condition's validation requires. */
  readonly reason: string;
  readonly message: string;
}

export type ConditionUpdate = Omit<Condition, 'lastTransitionTime'>;

/** The pattern the API server validates `reason` against (metav1.Condition, kubebuilder markers). */
const REASON_PATTERN = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
/** Condition types are qualified names; ours are plain CamelCase words. */
const TYPE_PATTERN = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const MAX_MESSAGE_LENGTH = 32768;

export function isValidReason(reason: string): boolean {
  return reason.length <= 1024 && REASON_PATTERN.test(reason);
}

/** Formats a time the way the API server serialises metav1.Time (seconds, UTC, `Z`). */
export function toMetaTime(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function findCondition(conditions: readonly Condition[], type: string): Condition | undefined {
  return conditions.find((c) => c.type === type);
}

/**
 * Returns the conditions with `next` set, sorted by type. `lastTransitionTime` moves to `now` only when
 * the status changes (or the condition is new), as apimachinery's meta.SetStatusCondition does.
 * A reason or type our own code got wrong is a programmer bug, so it throws.
 */
export function setCondition(conditions: readonly Condition[], next: ConditionUpdate, now: Date): Condition[] {
  if (!isValidReason(next.reason)) throw new Error(`invalid condition reason ${JSON.stringify(next.reason)}`);
  if (!TYPE_PATTERN.test(next.type)) throw new Error(`invalid condition type ${JSON.stringify(next.type)}`);
  const previous = findCondition(conditions, next.type);
  const lastTransitionTime = previous !== undefined && previous.status === next.status ? previous.lastTransitionTime : toMetaTime(now);
  const message = next.message.length > MAX_MESSAGE_LENGTH ? next.message.slice(0, MAX_MESSAGE_LENGTH) : next.message;
  const updated: Condition = { ...next, message, lastTransitionTime };
  return [...conditions.filter((c) => c.type !== next.type), updated].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** Sets several conditions at once, in order. */
export function setConditions(conditions: readonly Condition[], updates: readonly ConditionUpdate[], now: Date): Condition[] {
  return updates.reduce<Condition[]>((acc, u) => setCondition(acc, u, now), [...conditions]);
}

/** True when both lists say the same thing, ignoring lastTransitionTime and order. */
export function conditionsEquivalent(a: readonly Condition[], b: readonly Condition[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((ca) => {
    const cb = findCondition(b, ca.type);
    return (
      cb !== undefined &&
      cb.status === ca.status &&
      cb.reason === ca.reason &&
      cb.message === ca.message &&
      cb.observedGeneration === ca.observedGeneration
    );
  });
}
