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
import type { Condition } from '../status/conditions.ts';
import { CONDITION_READY, computeStatus, type ObservedDeployment, type ReconcileReport } from './status.ts';
import type { MeshControlPlane, MeshControlPlaneStatus } from './types.ts';
import { validateSpec } from './validate.ts';

/** A child as the caches know it: enough to compare with the desired set and to delete it. */
export interface ChildRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

export type ApplyResult = { readonly ok: true } | { readonly ok: false; readonly object: string; readonly error: string };

export type CreateResult = { readonly type: 'created' } | { readonly type: 'exists' } | { readonly type: 'failed'; readonly object: string; readonly error: string };

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
  /** Plain create (POST): `exists` on 409 AlreadyExists. */
  create(object: KubeObject): Promise<CreateResult>;
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

/**
 * Owned children that are no longer desired, sorted in reverse apply order (dependents first).
 * Never the Namespace: spec.namespace is immutable, so an owned namespace only goes away with the
 * MeshControlPlane (garbage collection); pruning it on a stale cache read would delete everything.
 */
export function staleChildren(owned: readonly ChildRef[], desired: readonly ChildRef[]): ChildRef[] {
  const wanted = new Set(desired.map(refKey));
  return owned.filter((o) => o.kind !== 'Namespace' && !wanted.has(refKey(o))).sort((a, b) => compareObjects(b, a));
}

/** The Ready condition's status, or undefined. */
const readyOf = (status: MeshControlPlaneStatus | undefined): Condition | undefined => status?.conditions?.find((c) => c.type === CONDITION_READY);

async function finish(ctx: ReconcileContext, mcp: MeshControlPlane, spec: ResolvedSpec | undefined, report: ReconcileReport): Promise<StatusWrite> {
  const namespace = spec?.namespace;
  const deployments = namespace === undefined ? new Map<string, ObservedDeployment>() : ctx.ports.deployments(namespace);
  let before: Condition | undefined;
  let after: Condition | undefined;
  // observedGeneration is the generation we rendered from (the cached object), even if a newer one
  // arrived meanwhile; only the stored conditions come from the latest read (lastTransitionTime).
  const write = await ctx.ports.writeStatus(mcp.metadata.name, (current) => {
    const base: MeshControlPlane = { apiVersion: mcp.apiVersion, kind: mcp.kind, metadata: mcp.metadata, ...(mcp.spec !== undefined ? { spec: mcp.spec } : {}), ...(current.status !== undefined ? { status: current.status } : {}) };
    const status = computeStatus({ mcp: base, spec, report, deployments, now: ctx.now() });
    before = readyOf(current.status);
    after = readyOf(status);
    return status;
  });
  // An Event when readiness flips, so `kubectl describe mcp` tells the story.
  if (write.type === 'written' && after !== undefined && after.status !== before?.status) {
    ctx.ports.recordEvent(mcp, after.status === 'True' ? 'Normal' : 'Warning', after.reason, after.message);
  }
  return write;
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

/**
 * Decides whether Weft owns the namespace, creating it if absent. Creation is a plain create, never
 * an apply: applying would adopt (add our ownerReference to) a namespace someone created a moment
 * ago that the cache has not seen yet, and deleting the MeshControlPlane would then delete it.
 */
async function ensureNamespace(ctx: ReconcileContext, mcp: MeshControlPlane, spec: ResolvedSpec): Promise<{ ok: true; owned: boolean } | { ok: false; object: string; error: string }> {
  const uid = mcp.metadata.uid ?? '';
  const existing = ctx.ports.getNamespace(spec.namespace);
  if (existing !== undefined) return { ok: true, owned: shouldOwnNamespace(existing, uid) };
  const namespace = renderResolved(mcp, spec, true).find((o) => o.kind === 'Namespace');
  if (namespace === undefined) throw new Error('renderResolved(createNamespace: true) rendered no Namespace');
  const created = await ctx.ports.create(namespace);
  switch (created.type) {
    case 'created':
      return { ok: true, owned: true };
    case 'exists':
      return { ok: true, owned: false };
    case 'failed':
      return { ok: false, object: created.object, error: created.error };
  }
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

  const ns = await ensureNamespace(ctx, mcp, spec);
  if (!ns.ok) {
    const report = { type: 'failed', reason: 'ApplyFailed', message: `creating ${ns.object}: ${ns.error}` } as const;
    return failWith(ctx, mcp, spec, report, { type: 'retry', error: new Error(report.message) });
  }
  const desired = renderResolved(mcp, spec, ns.owned);
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
