/**
 * The MeshControlPlane controller on a real API server: informers → keyed work queue → reconcile.
 * Run it only while leading (leader-election.ts): start() on onStartedLeading; on onStoppedLeading
 * call stop() and exit, as client-go advises, so a deposed leader can never write again.
 * The queue opens only once every informer has synced, so a fresh leader never computes status
 * from half-filled caches (which would flap Ready).
 */
import { ApiException, CoreV1Api, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import type { Clock } from '../kube/clock.ts';
import { createInformer, ownerKey, type InformerMetrics, type KindInformer } from '../kube/informer.ts';
import { createClusterCustomObjectStatusClient, createStatusWriter } from '../kube/status-writer.ts';
import { createWorkQueue, type WorkQueue, type WorkQueueMetrics } from '../kube/work-queue.ts';
import type { ObservedNamespace } from './conflict.ts';
import type { RenderOptions } from './defaults.ts';
import { childListWatches, meshControlPlaneListWatch, namespaceListWatch, type ChildKind } from './informers.ts';
import { objectRef, type KubeObject } from './render/common.ts';
import { reconcileMeshControlPlane, type ApplyResult, type ChildRef, type CreateResult, type ReconcilePorts } from './reconcile.ts';
import type { ObservedDeployment } from './status.ts';
import { MCP_GROUP, MCP_KIND, MCP_PLURAL, MCP_VERSION, type MeshControlPlane, type MeshControlPlaneStatus } from './types.ts';

/** The field manager of every child the operator applies: one name, so SSA ownership is stable. */
export const OPERATOR_FIELD_MANAGER = 'weft-operator';
const OWNER = { group: MCP_GROUP, kind: MCP_KIND };

export interface ControllerOptions {
  readonly kc: KubeConfig;
  readonly log: Logger;
  readonly clock: Clock;
  readonly render: RenderOptions;
  readonly concurrency?: number;
  readonly resyncPeriodMs?: number;
  readonly queueMetrics?: WorkQueueMetrics;
  readonly informerMetrics?: InformerMetrics;
}

export interface MeshControlPlaneController {
  /** Starts the informers; resolves once all have synced and the queue is open. */
  start(): Promise<void>;
  /** Stops the informers and drains the running reconciles. */
  stop(): Promise<void>;
  /** True once every informer has synced and the queue is open (for /readyz). */
  synced(): boolean;
  readonly queue: WorkQueue;
}

const errorText = (err: unknown): string => {
  if (err instanceof ApiException) {
    const body = (err as ApiException<unknown>).body;
    const parsed = typeof body === 'string' ? (JSON.parse(body) as { message?: string } | null) : (body as { message?: string } | null);
    return `${(err as ApiException<unknown>).code}: ${parsed?.message ?? String(body)}`;
  }
  return err instanceof Error ? err.message : String(err);
};

/**
 * Dependency tiers for applying: the namespace; then what pods and bindings refer to (accounts,
 * roles, ConfigMaps); then everything else. A Deployment created before its ServiceAccount would
 * have its first pods refused and the ReplicaSet back off, delaying Ready.
 */
export function applyTiers(list: readonly KubeObject[]): KubeObject[][] {
  const tierOf = (kind: string): number => (kind === 'Namespace' ? 0 : ['ServiceAccount', 'ClusterRole', 'Role', 'ConfigMap'].includes(kind) ? 1 : 2);
  const tiers: KubeObject[][] = [[], [], []];
  for (const o of list) tiers[tierOf(o.kind)]?.push(o);
  return tiers.filter((t) => t.length > 0);
}

const ownedBy = (o: KubernetesObject, uid: string): boolean => o.metadata?.ownerReferences?.some((r) => r.uid === uid && r.controller === true) === true;

function writePorts(kc: KubeConfig, log: Logger): Pick<ReconcilePorts, 'apply' | 'create' | 'delete' | 'recordEvent'> {
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const lastEvent = new Map<string, string>();
  return {
    async apply(list): Promise<ApplyResult> {
      const applyOne = async (o: KubeObject): Promise<ApplyResult> => {
        try {
          await objects.patch(o, undefined, undefined, OPERATOR_FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
          return { ok: true };
        } catch (err) {
          return { ok: false, object: objectRef(o), error: errorText(err) };
        }
      };
      // Tiers in order, objects within a tier in parallel: keeps the first apply well under a second.
      for (const tier of applyTiers(list)) {
        const failed = (await Promise.all(tier.map(applyOne))).find((r) => !r.ok);
        if (failed !== undefined) return failed;
      }
      return { ok: true };
    },
    async create(o): Promise<CreateResult> {
      try {
        await objects.create(o, undefined, undefined, OPERATOR_FIELD_MANAGER);
        return { type: 'created' };
      } catch (err) {
        if (err instanceof ApiException && (err as ApiException<unknown>).code === 409) return { type: 'exists' };
        return { type: 'failed', object: objectRef(o), error: errorText(err) };
      }
    },
    async delete(child: ChildRef): Promise<ApplyResult> {
      try {
        await objects.delete(child, undefined, undefined, undefined, undefined, 'Background');
      } catch (err) {
        if (!(err instanceof ApiException && (err as ApiException<unknown>).code === 404)) return { ok: false, object: objectRef(child), error: errorText(err) };
      }
      return { ok: true };
    },
    recordEvent(mcp, type, reason, message) {
      // One Event per distinct (reason, message): retries of the same failure do not spam.
      const signature = `${type}/${reason}/${message}`;
      if (lastEvent.get(mcp.metadata.name) === signature) return;
      lastEvent.set(mcp.metadata.name, signature);
      const now = new Date();
      const event = {
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
      core.createNamespacedEvent({ namespace: 'default', body: event }).catch((err: unknown) => {
        log.warn({ err, mcp: mcp.metadata.name, reason }, 'recording an event failed');
      });
    },
  };
}

export function createMeshControlPlaneController(options: ControllerOptions): MeshControlPlaneController {
  const { kc, clock } = options;
  const log = options.log.child({ controller: 'meshcontrolplane' });
  let open = false;
  const statusWriter = createStatusWriter<MeshControlPlaneStatus>(createClusterCustomObjectStatusClient(kc, { group: MCP_GROUP, version: MCP_VERSION, plural: MCP_PLURAL }), { log });
  const enqueue = (key: string | undefined): void => {
    if (open && key !== undefined && key !== '') queue.add(key);
  };
  const mcps = (): MeshControlPlane[] => mcpInformer.list() as unknown as MeshControlPlane[];
  const common = { clock, log, ...(options.resyncPeriodMs !== undefined ? { resyncPeriodMs: options.resyncPeriodMs } : {}), ...(options.informerMetrics !== undefined ? { metrics: options.informerMetrics } : {}) };

  const mcpInformer = createInformer({
    ...common,
    kind: MCP_KIND,
    listWatch: meshControlPlaneListWatch(kc),
    handlers: {
      onAdd: (o) => {
        enqueue(o.metadata?.name);
      },
      onUpdate: (o) => {
        enqueue(o.metadata?.name);
      },
      onResync: (o) => {
        enqueue(o.metadata?.name);
      },
      // A deleted claimant may free a namespace another MeshControlPlane waits for.
      onDelete: () => {
        for (const m of mcps()) enqueue(m.metadata.name);
      },
    },
  });
  const toOwner = (o: KubernetesObject): void => {
    enqueue(ownerKey(o, OWNER));
  };
  const childKinds: ChildKind[] = [...childListWatches(kc), namespaceListWatch(kc)];
  const children = new Map<string, KindInformer<KubernetesObject>>(
    childKinds.map((c) => [c.kind, createInformer({ ...common, kind: c.kind, listWatch: c.listWatch, handlers: { onAdd: toOwner, onUpdate: toOwner, onDelete: toOwner } })]),
  );
  const child = (kind: string): KindInformer<KubernetesObject> | undefined => children.get(kind);

  const ports: ReconcilePorts = {
    getMeshControlPlane: (name) => mcpInformer.get(name) as unknown as MeshControlPlane | undefined,
    listMeshControlPlanes: mcps,
    getNamespace: (name) => child('Namespace')?.get(name) as ObservedNamespace | undefined,
    listOwnedChildren: (mcp) => {
      const uid = mcp.metadata.uid ?? '';
      return childKinds.flatMap((c) =>
        (child(c.kind)?.list() ?? []).filter((o) => ownedBy(o, uid)).map((o) => ({ apiVersion: c.apiVersion, kind: c.kind, metadata: { name: o.metadata?.name ?? '', ...(o.metadata?.namespace !== undefined ? { namespace: o.metadata.namespace } : {}) } })),
      );
    },
    deployments: (namespace) => new Map((child('Deployment')?.list(namespace) ?? []).map((d) => [d.metadata?.name ?? '', d as unknown as ObservedDeployment])),
    writeStatus: (name, compute) => statusWriter.write(name, compute),
    ...writePorts(kc, log),
  };

  const queue = createWorkQueue({
    clock,
    log,
    concurrency: options.concurrency ?? 2,
    reconcile: (key) => reconcileMeshControlPlane(key, { ports, render: options.render, now: () => new Date(clock.now()), log }),
    ...(options.queueMetrics !== undefined ? { metrics: options.queueMetrics } : {}),
  });

  return {
    queue,
    synced: () => open,
    async start() {
      await Promise.all([mcpInformer.start(), ...[...children.values()].map((i) => i.start())]);
      open = true;
      log.info({ meshControlPlanes: mcps().length }, 'caches synced, reconciling');
      for (const m of mcps()) enqueue(m.metadata.name);
    },
    async stop() {
      open = false;
      await Promise.all([mcpInformer.stop(), ...[...children.values()].map((i) => i.stop())]);
      await queue.shutdown({ drain: false });
    },
  };
}
