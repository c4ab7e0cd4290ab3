/**
 * One informer per kind on client-node's ListWatch (list, then watch from the list's resourceVersion;
 * 410 Gone → relist with synthesised deletes; client-side timeouts → reconnect), plus what ListWatch
 * leaves out (operator.md §4.2):
 * - ListWatch stops for good on any other error: we restart it with capped exponential backoff.
 * - No resync: every resyncPeriodMs each cached object goes to onResync (level-based safety net).
 * - An exception thrown in a handler is caught here, logged and counted: client-node would swallow
 *   it inside the watch stream (or reject an unobserved promise during a list).
 */
import { ListWatch, Watch, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { backoffDelayMs, type BackoffOptions } from './work-queue.ts';

export type InformerEvent = 'add' | 'update' | 'delete' | 'resync';

export interface InformerHandlers<T> {
  readonly onAdd?: (obj: T) => void;
  readonly onUpdate?: (obj: T) => void;
  readonly onDelete?: (obj: T) => void;
  /** Called for every cached object each resync period. */
  readonly onResync?: (obj: T) => void;
}

export interface InformerMetrics {
  readonly handlerError?: (kind: string, event: InformerEvent) => void;
  readonly restart?: (kind: string) => void;
  readonly connect?: (kind: string) => void;
  /** One full list of the kind (first sync or relist). */
  readonly list?: (kind: string) => void;
}

/** client-node's ListWatch as we drive it (a fake Watch can be injected into it for tests). */
export type ListWatchLike<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

export interface InformerOptions<T extends KubernetesObject> {
  /** For logs and metrics, e.g. `MeshControlPlane`. */
  readonly kind: string;
  readonly listWatch: ListWatchLike<T>;
  readonly handlers: InformerHandlers<T>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly resyncPeriodMs?: number;
  readonly restartBackoff?: BackoffOptions;
  readonly metrics?: InformerMetrics;
}

export interface KindInformer<T extends KubernetesObject> {
  /** Lists and starts watching; resolves once the first list succeeded (later failures retry on their own). */
  start(): Promise<void>;
  stop(): Promise<void>;
  hasSynced(): boolean;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
}

export const DEFAULT_RESYNC_MS = 10 * 60_000;
export const DEFAULT_RESTART_BACKOFF: BackoffOptions = { baseMs: 800, maxMs: 30_000 };

export function createInformer<T extends KubernetesObject>(options: InformerOptions<T>): KindInformer<T> {
  const { kind, listWatch, clock } = options;
  const log = options.log.child({ informer: kind });
  const backoff = options.restartBackoff ?? DEFAULT_RESTART_BACKOFF;
  const resyncMs = options.resyncPeriodMs ?? DEFAULT_RESYNC_MS;
  let stopped = true;
  let synced = false;
  let failures = 0;
  let erroredDuringStart = false;
  let restartTimer: TimerHandle | undefined;
  let resyncTimer: TimerHandle | undefined;
  let firstSync: { resolve: () => void } | undefined;

  const guard = (event: InformerEvent, handler: ((obj: T) => void) | undefined) => (obj: T): void => {
    // Backoff resets only when the watch delivers again: a watch that connects and then fails at
    // once keeps backing off.
    if (event !== 'resync') failures = 0;
    if (handler === undefined) return;
    try {
      handler(obj);
    } catch (err) {
      log.error({ err, event, name: obj.metadata?.name, namespace: obj.metadata?.namespace }, 'informer handler threw');
      options.metrics?.handlerError?.(kind, event);
    }
  };

  listWatch.on('add', guard('add', options.handlers.onAdd));
  listWatch.on('update', guard('update', options.handlers.onUpdate));
  listWatch.on('delete', guard('delete', options.handlers.onDelete));
  listWatch.on('connect', () => options.metrics?.connect?.(kind));
  listWatch.on('error', (err?: unknown) => {
    erroredDuringStart = true;
    if (stopped) return; // stop() aborts the request, which ListWatch reports as an error
    failures++;
    const delayMs = backoffDelayMs(failures, backoff);
    log.warn({ err, failures, delayMs }, 'watch stopped, restarting');
    options.metrics?.restart?.(kind);
    if (restartTimer !== undefined) clock.clearTimeout(restartTimer);
    restartTimer = clock.setTimeout(() => {
      restartTimer = undefined;
      void run();
    }, delayMs);
  });

  const scheduleResync = (): void => {
    if (stopped || options.handlers.onResync === undefined) return;
    resyncTimer = clock.setTimeout(() => {
      const onResync = guard('resync', options.handlers.onResync);
      for (const obj of listWatch.list()) onResync(obj);
      scheduleResync();
    }, resyncMs);
  };

  // Read through a function: both flags change in callbacks while start() is awaited.
  const startSucceeded = (): boolean => !erroredDuringStart && !stopped;

  async function run(): Promise<void> {
    if (stopped) return;
    erroredDuringStart = false;
    await listWatch.start();
    if (startSucceeded()) {
      if (!synced) log.info({ objects: listWatch.list().length }, 'informer synced');
      synced = true;
      firstSync?.resolve();
      firstSync = undefined;
    }
  }

  return {
    start() {
      if (!stopped) return Promise.resolve();
      stopped = false;
      const done = new Promise<void>((resolve) => (firstSync = { resolve }));
      scheduleResync();
      void run();
      return done;
    },
    async stop() {
      stopped = true;
      if (restartTimer !== undefined) clock.clearTimeout(restartTimer);
      if (resyncTimer !== undefined) clock.clearTimeout(resyncTimer);
      firstSync?.resolve();
      firstSync = undefined;
      await listWatch.stop();
    },
    hasSynced: () => synced,
    get: (name, namespace) => listWatch.get(name, namespace),
    list: (namespace) => listWatch.list(namespace),
  };
}

/**
 * A ListWatch on a real API server: `path` like `/apis/apps/v1/deployments`. `onList` runs before
 * each full list (weft_informer_lists_total).
 */
export function makeListWatch<T extends KubernetesObject>(kc: KubeConfig, path: string, list: () => Promise<KubernetesListObject<T>>, labelSelector?: string, onList?: () => void): ListWatchLike<T> {
  const counted = (): Promise<KubernetesListObject<T>> => {
    onList?.();
    return list();
  };
  return new ListWatch<T>(path, new Watch(kc), counted, false, labelSelector);
}

export interface OwnerKind {
  readonly group: string;
  readonly kind: string;
}

interface Owned {
  readonly metadata?: { readonly namespace?: string; readonly ownerReferences?: readonly { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly controller?: boolean }[] };
}

/**
 * The work-queue key of the object's controlling owner of the given kind, or undefined. A
 * cluster-scoped owner's key is its name; a namespaced owner lives in the child's namespace.
 */
export function ownerKey(child: Owned, owner: OwnerKind, ownerNamespaced = false): string | undefined {
  const ref = child.metadata?.ownerReferences?.find((r) => r.controller === true && r.kind === owner.kind && groupOf(r.apiVersion) === owner.group);
  if (ref === undefined) return undefined;
  const namespace = child.metadata?.namespace;
  return ownerNamespaced && namespace !== undefined ? `${namespace}/${ref.name}` : ref.name;
}

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: { readonly metadata?: { readonly name?: string; readonly namespace?: string } }): string {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace;
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}
