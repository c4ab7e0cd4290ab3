/**
 * The MeshControlPlane's status, computed purely from the reconcile result and the Deployments the
 * informer observed. Ready means istiod and every enabled gateway Deployment is available.
 */
import { setConditions, type Condition, type ConditionUpdate } from '../status/conditions.ts';
import type { ResolvedSpec } from './defaults.ts';
import { istiodName } from './render/istiod.ts';
import type { ComponentStatus, MeshControlPlane, MeshControlPlaneStatus } from './types.ts';

export const CONDITION_RECONCILED = 'Reconciled';
export const CONDITION_READY = 'Ready';

/** What the last reconcile achieved. Reasons are CamelCase. */
export type ReconcileReport =
  | { readonly type: 'applied' }
  | { readonly type: 'failed'; readonly reason: 'InvalidSpec' | 'NamespaceConflict' | 'ApplyFailed' | 'PruneFailed'; readonly message: string };

/** The parts of an apps/v1 Deployment readiness depends on. */
export interface ObservedDeployment {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly generation?: number };
  readonly spec?: { readonly replicas?: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
    readonly updatedReplicas?: number;
    readonly conditions?: readonly { readonly type: string; readonly status: string; readonly reason?: string; readonly message?: string }[];
  };
}

export interface ExpectedComponent {
  readonly name: string;
  readonly role: 'istiod' | 'gateway';
}

export function expectedComponents(spec: ResolvedSpec): ExpectedComponent[] {
  return [{ name: istiodName(spec.revision), role: 'istiod' as const }, ...spec.gateways.map((g) => ({ name: g.name, role: 'gateway' as const }))].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
}

/** Why a Deployment is not available, or undefined when it is. */
export function deploymentProblem(d: ObservedDeployment | undefined, c: ExpectedComponent): string | undefined {
  if (d === undefined) return 'Deployment not found';
  const desired = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  if (desired === 0) return c.role === 'istiod' ? 'scaled to zero replicas' : undefined;
  if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) return 'rollout not observed yet';
  const stalled = s.conditions?.find((x) => x.type === 'Progressing' && x.status === 'False');
  const available = s.availableReplicas ?? 0;
  const updated = s.updatedReplicas ?? 0;
  if (available >= desired && updated >= desired && s.conditions?.some((x) => x.type === 'Available' && x.status === 'True') === true) return undefined;
  const detail = stalled !== undefined ? ` (${stalled.reason ?? 'NotProgressing'}: ${stalled.message ?? ''})` : '';
  return `${Math.min(available, desired)}/${desired} replicas available${detail}`;
}

function readyCondition(problems: readonly { component: ExpectedComponent; problem: string }[], generation: number): ConditionUpdate {
  if (problems.length === 0) {
    return { type: CONDITION_READY, status: 'True', reason: 'ComponentsReady', message: 'istiod and all enabled gateways are available', observedGeneration: generation };
  }
  const reason = problems.some((p) => p.component.role === 'istiod') ? 'IstiodNotReady' : 'GatewaysNotReady';
  const message = problems.map((p) => `${p.component.name}: ${p.problem}`).join('; ');
  return { type: CONDITION_READY, status: 'False', reason, message, observedGeneration: generation };
}

function componentStatuses(expected: readonly ExpectedComponent[], observed: ReadonlyMap<string, ObservedDeployment>): ComponentStatus[] {
  return expected.map((c) => {
    const d = observed.get(c.name);
    return { name: c.name, kind: 'Deployment', desiredReplicas: d?.spec?.replicas ?? 0, readyReplicas: d?.status?.readyReplicas ?? 0 };
  });
}

export interface StatusInput {
  readonly mcp: MeshControlPlane;
  /** Undefined when the spec could not be resolved into anything to run (InvalidSpec, NamespaceConflict). */
  readonly spec: ResolvedSpec | undefined;
  readonly report: ReconcileReport;
  /** Deployments in spec.namespace, by name. */
  readonly deployments: ReadonlyMap<string, ObservedDeployment>;
  readonly now: Date;
}

export function computeStatus(input: StatusInput): MeshControlPlaneStatus {
  const { mcp, spec, report, now } = input;
  const generation = mcp.metadata.generation ?? 0;
  const previous: readonly Condition[] = mcp.status?.conditions ?? [];
  const expected = spec === undefined ? [] : expectedComponents(spec);
  const updates: ConditionUpdate[] = [];
  if (report.type === 'applied') {
    updates.push({ type: CONDITION_RECONCILED, status: 'True', reason: 'Applied', message: 'all children are applied', observedGeneration: generation });
  } else {
    updates.push({ type: CONDITION_RECONCILED, status: 'False', reason: report.reason, message: report.message, observedGeneration: generation });
  }
  if (spec === undefined && report.type === 'failed') {
    updates.push({ type: CONDITION_READY, status: 'False', reason: report.reason, message: `not reconciled: ${report.message}`, observedGeneration: generation });
  } else {
    const problems = expected.flatMap((component) => {
      const problem = deploymentProblem(input.deployments.get(component.name), component);
      return problem === undefined ? [] : [{ component, problem }];
    });
    updates.push(readyCondition(problems, generation));
  }
  return {
    observedGeneration: generation,
    conditions: setConditions(previous, updates, now),
    components: componentStatuses(expected, input.deployments),
    ...(spec !== undefined ? { revision: spec.revision === '' ? 'default' : spec.revision, version: spec.version } : {}),
  };
}
