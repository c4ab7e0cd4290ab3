/**
 * One level-based reconcile of a MeshControlPlane, keyed by name. Reads come from informer caches,
 * writes go through injected ports (server-side apply, delete, status), so the whole decision is
 * testable without a cluster. Order: conflict → validate → render → apply → prune → status.
 * A bad spec leaves the running children alone (a typo must not take the mesh down).
 */
import type { Logger } from '../log.ts';
import type { StatusTarget, StatusWrite } from '../kube/status-writer.ts';
import type { ReconcileOutcome } from '../kube/work-queue.ts';
import { detectNamespaceConflict, shouldOwnNamespace, type ObservedNamespace } from './conflict.ts';
import { resolveSpec, type RenderOptions, type ResolvedSpec } from './defaults.ts';
import { compareObjects, objectRef, type KubeObject } from './render/common.ts';
import { renderResolved } from './render/index.ts';
import { computeStatus, type ObservedDeployment, type ReconcileReport } from './status.ts';
import type { MeshControlPlane, MeshControlPlaneStatus } from './types.ts';
import { validateSpec } from './validate.ts';

/** A child as the caches know it: enough to compare with the desired set and to delete it. */
export interface ChildRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

export type ApplyResult = { readonly ok: true } | { readonly ok: false; readonly object: string; readonly error: string };

export interface ReconcilePorts {
  getMeshControlPlane(name: string): MeshControlPlane | undefined;
  listMeshControlPlanes(): readonly MeshControlPlane[];
  getNamespace(name: string): ObservedNamespace | undefined;
  /** Objects whose controller ownerReference points at this MeshControlPlane's uid. */
  listOwnedChildren(mcp: MeshControlPlane): readonly ChildRef[];
  /** Deployments in a namespace, by name. */
  deployments(namespace: string): ReadonlyMap<string, ObservedDeployment>;
  /** Server-side apply, in order, under the operator's field manager. */
  apply(objects: readonly KubeObject[]): Promise<ApplyResult>;
  delete(child: ChildRef): Promise<ApplyResult>;
  writeStatus(name: string, compute: (current: StatusTarget<MeshControlPlaneStatus>) => MeshControlPlaneStatus): Promise<StatusWrite>;
  /** A Kubernetes Event on the MeshControlPlane. */
  recordEvent(mcp: MeshControlPlane, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface ReconcileContext {
  readonly ports: ReconcilePorts;
  readonly render: RenderOptions;
  readonly now: () => Date;
  readonly log: Logger;
}

const refKey = (o: ChildRef): string => `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;

/** Owned children that are no longer desired, sorted in reverse apply order (dependents first). */
export function staleChildren(owned: readonly ChildRef[], desired: readonly ChildRef[]): ChildRef[] {
  const wanted = new Set(desired.map(refKey));
  return owned.filter((o) => !wanted.has(refKey(o))).sort((a, b) => compareObjects(b, a));
}

async function finish(ctx: ReconcileContext, mcp: MeshControlPlane, spec: ResolvedSpec | undefined, report: ReconcileReport): Promise<StatusWrite> {
  const namespace = spec?.namespace;
  const deployments = namespace === undefined ? new Map<string, ObservedDeployment>() : ctx.ports.deployments(namespace);
  // observedGeneration is the generation we rendered from (the cached object), even if a newer one
  // arrived meanwhile; only the stored conditions come from the latest read (lastTransitionTime).
  return ctx.ports.writeStatus(mcp.metadata.name, (current) => {
    const base: MeshControlPlane = { apiVersion: mcp.apiVersion, kind: mcp.kind, metadata: mcp.metadata, ...(mcp.spec !== undefined ? { spec: mcp.spec } : {}), ...(current.status !== undefined ? { status: current.status } : {}) };
    return computeStatus({ mcp: base, spec, report, deployments, now: ctx.now() });
  });
}

function statusOutcome(write: StatusWrite, otherwise: ReconcileOutcome): ReconcileOutcome {
  if (write.type === 'failed') return { type: 'retry', error: write.error };
  return otherwise;
}

async function failWith(ctx: ReconcileContext, mcp: MeshControlPlane, spec: ResolvedSpec | undefined, report: ReconcileReport & { type: 'failed' }, outcome: ReconcileOutcome): Promise<ReconcileOutcome> {
  ctx.log.warn({ mcp: mcp.metadata.name, reason: report.reason, message: report.message }, 'meshcontrolplane not reconciled');
  ctx.ports.recordEvent(mcp, 'Warning', report.reason, report.message);
  return statusOutcome(await finish(ctx, mcp, spec, report), outcome);
}

export async function reconcileMeshControlPlane(name: string, ctx: ReconcileContext): Promise<ReconcileOutcome> {
  const { ports } = ctx;
  const mcp = ports.getMeshControlPlane(name);
  // Gone or going: garbage collection removes the children through their ownerReferences.
  if (mcp?.metadata.uid === undefined || mcp.metadata.deletionTimestamp !== undefined) return { type: 'done' };

  const claim = detectNamespaceConflict(mcp, ports.listMeshControlPlanes());
  if (claim.conflict) {
    const report = { type: 'failed', reason: 'NamespaceConflict', message: claim.message } as const;
    return failWith(ctx, mcp, undefined, report, { type: 'terminal', error: new Error(claim.message) });
  }

  const spec = resolveSpec(mcp, ctx.render);
  const allGatewayNames = [...(mcp.spec?.components?.ingressGateways ?? []), ...(mcp.spec?.components?.egressGateways ?? [])].map((g) => g.name);
  const check = validateSpec(spec, allGatewayNames);
  if (!check.valid) {
    const report = { type: 'failed', reason: check.reason, message: check.message } as const;
    return failWith(ctx, mcp, undefined, report, { type: 'terminal', error: new Error(check.message) });
  }

  const desired = renderResolved(mcp, spec, shouldOwnNamespace(ports.getNamespace(spec.namespace), mcp.metadata.uid));
  const applied = await ports.apply(desired);
  if (!applied.ok) {
    const report = { type: 'failed', reason: 'ApplyFailed', message: `applying ${applied.object}: ${applied.error}` } as const;
    return failWith(ctx, mcp, spec, report, { type: 'retry', error: new Error(report.message) });
  }

  for (const child of staleChildren(ports.listOwnedChildren(mcp), desired)) {
    const deleted = await ports.delete(child);
    if (!deleted.ok) {
      const report = { type: 'failed', reason: 'PruneFailed', message: `deleting ${deleted.object}: ${deleted.error}` } as const;
      return failWith(ctx, mcp, spec, report, { type: 'retry', error: new Error(report.message) });
    }
    ctx.log.info({ mcp: name, child: objectRef(child) }, 'pruned child');
  }

  return statusOutcome(await finish(ctx, mcp, spec, { type: 'applied' }), { type: 'done' });
}
