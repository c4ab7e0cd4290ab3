/**
 * The MeshControlPlane controller on a real API server: informers → keyed work queue → reconcile.
 * Run it only while leading (leader-election.ts): start() on onStartedLeading; on onStoppedLeading
 * call stop() and exit, as client-go advises, so a deposed leader can never write again.
 * The queue opens only once every informer has synced, so a fresh leader never computes status
 * from half-filled caches (which would flap Ready).
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import type { Clock } from '../kube/clock.ts';
import { createInformer, ownerKey, type InformerMetrics, type KindInformer } from '../kube/informer.ts';
import { createClusterCustomObjectStatusClient, createStatusWriter, type StatusClient } from '../kube/status-writer.ts';
import { createWorkQueue, type WorkQueue, type WorkQueueMetrics } from '../kube/work-queue.ts';
import type { ObservedNamespace } from './conflict.ts';
import type { RenderOptions } from './defaults.ts';
import { childListWatches, meshControlPlaneListWatch, namespaceListWatch, type ChildKind } from './informers.ts';
import { createApplyMemo } from './apply-memo.ts';
import { reconcileMeshControlPlane, type ReconcilePorts } from './reconcile.ts';
import { createWritePorts, type WriteVerb } from './writes.ts';
import type { ObservedDeployment } from './status.ts';
import { MCP_GROUP, MCP_KIND, MCP_PLURAL, MCP_VERSION, type MeshControlPlane, type MeshControlPlaneStatus } from './types.ts';

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
  /** Asked before every write; false once the Lease may be lost (ADR 37). Always true by default. */
  readonly canWrite?: () => boolean;
  /** Counts each write request by verb (weft_controller_writes_total). */
  readonly countWrite?: (verb: WriteVerb | 'status') => void;
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

const ownedBy = (o: KubernetesObject, uid: string): boolean => o.metadata?.ownerReferences?.some((r) => r.uid === uid && r.controller === true) === true;

/** The status client, refusing to write without the Lease and counting its writes. */
function guardedStatusClient(options: ControllerOptions, canWrite: () => boolean): StatusClient<MeshControlPlaneStatus> {
  const client = createClusterCustomObjectStatusClient<MeshControlPlaneStatus>(options.kc, { group: MCP_GROUP, version: MCP_VERSION, plural: MCP_PLURAL });
  return {
    ...client,
    patchStatus: (name, resourceVersion, status) => {
      if (!canWrite()) return Promise.reject(new Error('not writing status: this process no longer holds the leader Lease'));
      options.countWrite?.('status');
      return client.patchStatus(name, resourceVersion, status);
    },
  };
}

export function createMeshControlPlaneController(options: ControllerOptions): MeshControlPlaneController {
  const { kc, clock } = options;
  const log = options.log.child({ controller: 'meshcontrolplane' });
  let open = false;
  let stopped = false;
  const canWrite = options.canWrite ?? ((): boolean => true);
  const statusWriter = createStatusWriter<MeshControlPlaneStatus>(guardedStatusClient(options, canWrite), { log });
  const enqueue = (key: string | undefined): void => {
    if (open && key !== undefined && key !== '') queue.add(key);
  };
  const onList = (kind: string): void => options.informerMetrics?.list?.(kind);
  const mcps = (): MeshControlPlane[] => mcpInformer.list() as unknown as MeshControlPlane[];
  const common = { clock, log, ...(options.resyncPeriodMs !== undefined ? { resyncPeriodMs: options.resyncPeriodMs } : {}), ...(options.informerMetrics !== undefined ? { metrics: options.informerMetrics } : {}) };

  const mcpInformer = createInformer({
    ...common,
    kind: MCP_KIND,
    listWatch: meshControlPlaneListWatch(kc, onList),
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
  const childKinds: ChildKind[] = [...childListWatches(kc, onList), namespaceListWatch(kc, onList)];
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
    ...createWritePorts({
      kc,
      log,
      canWrite,
      memo: createApplyMemo(),
      cachedResourceVersion: (o) => child(o.kind)?.get(o.metadata.name, o.metadata.namespace)?.metadata?.resourceVersion,
      ...(options.countWrite !== undefined ? { countWrite: options.countWrite } : {}),
    }),
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
      // stop() may have come while the caches filled (the Lease lost meanwhile): stay closed.
      if (stopped) return;
      open = true;
      log.info({ meshControlPlanes: mcps().length }, 'caches synced, reconciling');
      for (const m of mcps()) enqueue(m.metadata.name);
    },
    async stop() {
      stopped = true;
      open = false;
      await Promise.all([mcpInformer.stop(), ...[...children.values()].map((i) => i.stop())]);
      await queue.shutdown({ drain: false });
    },
  };
}
