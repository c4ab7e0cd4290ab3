/**
 * The controller's write ports on the API server, all through kubeRequest's keep-alive pool
 * (client-node's own calls open a TLS connection per request: 26–35 ms against 4–7 ms here).
 * - Children: server-side apply of the rendered object as raw JSON, `force=true` under one field
 *   manager, `fieldValidation=Strict` so a typo in a renderer fails loudly (ADR 38).
 * - Applies go in dependency tiers; a child unchanged since our last apply is skipped (ADR 39).
 * - Every request first asks `canWrite()`: a process that may have lost its Lease writes nothing
 *   (ADR 37), and every request is counted by verb for `weft_controller_writes_total`.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { createResourceResolver, kubeRequest, KubeRequestError } from '../kube/apply.ts';
import type { Logger } from '../log.ts';
import type { ApplyMemo } from './apply-memo.ts';
import { objectRef, type KubeObject } from './render/common.ts';
import type { ApplyResult, ChildRef, CreateResult, ReconcilePorts } from './reconcile.ts';
import { MCP_GROUP } from './types.ts';

/** The field manager of every child the operator applies: one name, so SSA ownership is stable. */
export const OPERATOR_FIELD_MANAGER = 'weft-operator';

export type WriteVerb = 'apply' | 'create' | 'delete' | 'event';

export interface WriteGuard {
  /** False once this process may no longer hold the Lease: no request is sent. */
  readonly canWrite: () => boolean;
  readonly countWrite?: (verb: WriteVerb) => void;
}

export interface WritePortOptions extends WriteGuard {
  readonly kc: KubeConfig;
  readonly log: Logger;
  readonly memo: ApplyMemo;
  /** The resourceVersion of a child as the informer caches hold it. */
  readonly cachedResourceVersion: (object: KubeObject) => string | undefined;
}

/**
 * Dependency tiers for applying: the namespace; what pods and bindings refer to (accounts, roles,
 * ConfigMaps); the bindings (their escalation check needs the role to exist); then workloads and
 * the rest. A Deployment created before its ServiceAccount has its first pods refused and the
 * ReplicaSet backs off, delaying Ready.
 */
export function applyTiers(list: readonly KubeObject[]): KubeObject[][] {
  const tierOf = (kind: string): number =>
    kind === 'Namespace' ? 0 : ['ServiceAccount', 'ClusterRole', 'Role', 'ConfigMap'].includes(kind) ? 1 : ['ClusterRoleBinding', 'RoleBinding'].includes(kind) ? 2 : 3;
  const tiers: KubeObject[][] = [[], [], [], []];
  for (const o of list) tiers[tierOf(o.kind)]?.push(o);
  return tiers.filter((t) => t.length > 0);
}

/** `code: message` from an API error body, else the error's text. */
export function errorText(err: unknown): string {
  if (err instanceof KubeRequestError) {
    try {
      const parsed = JSON.parse(err.body) as { message?: string } | null;
      return `${String(err.code)}: ${parsed?.message ?? err.body}`;
    } catch {
      return `${String(err.code)}: ${err.body}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

const NOT_LEADING = 'not writing: this process no longer holds the leader Lease';
const collectionOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));

export function createWritePorts(options: WritePortOptions): Pick<ReconcilePorts, 'apply' | 'create' | 'delete' | 'recordEvent'> {
  const { kc, log, memo, canWrite } = options;
  const resolve = createResourceResolver(kc);
  const count = (verb: WriteVerb): void => options.countWrite?.(verb);
  const manager = `fieldManager=${encodeURIComponent(OPERATOR_FIELD_MANAGER)}`;
  const lastEvent = new Map<string, string>();

  const applyOne = async (o: KubeObject): Promise<ApplyResult> => {
    if (!memo.needsApply(o, options.cachedResourceVersion(o))) return { ok: true };
    if (!canWrite()) return { ok: false, object: objectRef(o), error: NOT_LEADING };
    try {
      count('apply');
      const path = await resolve(o);
      const answer = (await kubeRequest(kc, 'PATCH', `${path}?${manager}&force=true&fieldValidation=Strict`, o, 'application/apply-patch+yaml')) as { metadata?: { resourceVersion?: string } } | undefined;
      memo.applied(o, answer?.metadata?.resourceVersion ?? '');
      return { ok: true };
    } catch (err) {
      memo.forget(o);
      return { ok: false, object: objectRef(o), error: errorText(err) };
    }
  };

  return {
    async apply(list): Promise<ApplyResult> {
      // Tiers in order, objects within a tier in parallel: keeps the first apply well under a second.
      for (const tier of applyTiers(list)) {
        const failed = (await Promise.all(tier.map(applyOne))).find((r) => !r.ok);
        if (failed !== undefined) return failed;
      }
      return { ok: true };
    },
    async create(o): Promise<CreateResult> {
      if (!canWrite()) return { type: 'failed', object: objectRef(o), error: NOT_LEADING };
      try {
        count('create');
        await kubeRequest(kc, 'POST', `${collectionOf(await resolve(o))}?${manager}&fieldValidation=Strict`, o);
        return { type: 'created' };
      } catch (err) {
        if (err instanceof KubeRequestError && err.code === 409) return { type: 'exists' };
        return { type: 'failed', object: objectRef(o), error: errorText(err) };
      }
    },
    async delete(child: ChildRef): Promise<ApplyResult> {
      if (!canWrite()) return { ok: false, object: objectRef(child), error: NOT_LEADING };
      memo.forget(child);
      try {
        count('delete');
        await kubeRequest(kc, 'DELETE', `${await resolve(child)}?propagationPolicy=Background`);
      } catch (err) {
        if (!(err instanceof KubeRequestError && err.code === 404)) return { ok: false, object: objectRef(child), error: errorText(err) };
      }
      return { ok: true };
    },
    recordEvent(mcp, type, reason, message) {
      // One Event per distinct (reason, message): retries of the same failure do not spam.
      const signature = `${type}/${reason}/${message}`;
      if (lastEvent.get(mcp.metadata.name) === signature || !canWrite()) return;
      lastEvent.set(mcp.metadata.name, signature);
      const now = new Date().toISOString();
      const event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${mcp.metadata.name}.`, namespace: 'default' },
        involvedObject: { apiVersion: mcp.apiVersion, kind: mcp.kind, name: mcp.metadata.name, ...(mcp.metadata.uid !== undefined ? { uid: mcp.metadata.uid } : {}) },
        type,
        reason,
        message,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        source: { component: OPERATOR_FIELD_MANAGER },
        reportingComponent: `${MCP_GROUP}/${OPERATOR_FIELD_MANAGER}`,
      };
      count('event');
      kubeRequest(kc, 'POST', '/api/v1/namespaces/default/events', event).catch((err: unknown) => {
        log.warn({ err, mcp: mcp.metadata.name, reason }, 'recording an event failed');
      });
    },
  };
}
