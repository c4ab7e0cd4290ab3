/**
 * The networking.istio.io controllers: one informer per kind feeding one keyed queue.
 *
 *   informer event ─key─▶ reconcile: validate, update the shared ConfigStore
 *                          └─▶ debounced analysis over everything served (+ Services)
 *                                └─▶ status queue (only keys whose verdict changed) ─▶ /status (leader only)
 *
 * Level-based: every step reads the current state, so replays and resyncs are harmless. A referenced
 * object that appears or disappears re-runs the analysis, which re-evaluates every dependent status.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesListObject, type KubernetesObject, type V1Service } from '@kubernetes/client-node';
import { analyze, type Finding } from '../../model/analyze.ts';
import { ISTIO_KINDS, ISTIO_NETWORKING_GROUP } from '../../model/kinds.ts';
import type { IstioKind, IstioResource, KnownService } from '../../model/types.ts';
import type { Clock } from '../../kube/clock.ts';
import { createInformer, makeListWatch, type KindInformer } from '../../kube/informer.ts';
import { createStatusWriter, statusTargetOf, type StatusTarget, type StoredObject } from '../../kube/status-writer.ts';
import { createWorkQueue, type ReconcileOutcome, type WorkQueue } from '../../kube/work-queue.ts';
import type { Logger } from '../../log.ts';
import { createDebouncer } from '../debounce.ts';
import { configKey, createConfigStore, type ConfigStore } from './config-store.ts';
import { computeIstioStatus, type IstioStatus, type Verdict } from './istio-status.ts';
import { createIstioStatusClient, ISTIO_API_VERSION, parseConfigKey } from './status-client.ts';

export interface IstioConfigControllerOptions {
  readonly kc: KubeConfig;
  readonly log: Logger;
  readonly clock: Clock;
  /** Status is written only while this returns true (the Lease holder). */
  readonly isLeader: () => boolean;
  /** Called (debounced) whenever the served config changes; the translation pipeline listens here. */
  readonly onServedChange?: (served: readonly IstioResource[]) => void;
  readonly analysisQuietMs?: number;
  readonly analysisMaxMs?: number;
  readonly concurrency?: number;
}

export interface IstioConfigController {
  readonly store: ConfigStore;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Re-queues every status (call after winning the Lease). */
  resyncStatuses(): void;
  /** Resolves once queued work, the analysis and status writes have settled (for tests and shutdown). */
  settled(): Promise<void>;
  /** The last analysis, per config key. */
  findings(key: string): readonly Finding[];
}

const KINDS = Object.keys(ISTIO_KINDS) as IstioKind[];

function istioInformer(kc: KubeConfig, kind: IstioKind, log: Logger, clock: Clock, onKey: (key: string) => void): KindInformer<KubernetesObject> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const plural = ISTIO_KINDS[kind].plural;
  const path = `/apis/${ISTIO_NETWORKING_GROUP}/${ISTIO_API_VERSION}/${plural}`;
  const list = (): Promise<KubernetesListObject<KubernetesObject>> =>
    api.listCustomObjectForAllNamespaces({ group: ISTIO_NETWORKING_GROUP, version: ISTIO_API_VERSION, resourcePlural: plural }) as Promise<KubernetesListObject<KubernetesObject>>;
  const enqueue = (obj: KubernetesObject): void => { onKey(configKey(kind, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '')); };
  return createInformer({ kind, listWatch: makeListWatch(kc, path, list), clock, log, handlers: { onAdd: enqueue, onUpdate: enqueue, onDelete: enqueue, onResync: enqueue } });
}

function toKnownService(s: V1Service): KnownService {
  return {
    namespace: s.metadata?.namespace ?? '',
    name: s.metadata?.name ?? '',
    ports: (s.spec?.ports ?? []).map((p) => (p.name === undefined ? { port: p.port } : { name: p.name, port: p.port })),
  };
}

function groupFindings(findings: readonly Finding[]): Map<string, Finding[]> {
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = configKey(f.kind, f.namespace, f.name);
    byKey.set(key, [...(byKey.get(key) ?? []), f]);
  }
  return byKey;
}

/** The informer's copy of a config object as a status-write starting point (saves a GET). */
function cachedTarget(informers: ReadonlyMap<IstioKind, KindInformer<KubernetesObject>>, key: string): StatusTarget<IstioStatus> | undefined {
  const parsed = parseConfigKey(key);
  const obj = parsed === undefined ? undefined : (informers.get(parsed.kind)?.get(parsed.name, parsed.namespace) as StoredObject<IstioStatus> | undefined);
  return obj?.metadata?.resourceVersion === undefined ? undefined : statusTargetOf(obj);
}

export function createIstioConfigController(options: IstioConfigControllerOptions): IstioConfigController {
  const { kc, clock } = options;
  const log = options.log.child({ controller: 'istio-config' });
  const store = createConfigStore();
  let findingsByKey = new Map<string, Finding[]>();
  const lastVerdict = new Map<string, string>();
  const informers = new Map<IstioKind, KindInformer<KubernetesObject>>();
  const statusWriter = createStatusWriter<IstioStatus>({ ...createIstioStatusClient<IstioStatus>(kc), peek: (key) => cachedTarget(informers, key) }, { log });

  const verdictOf = (key: string): Verdict | undefined => {
    const stored = store.get(key);
    if (stored === undefined) return undefined;
    return { generation: stored.generation, errors: stored.errors, servedGeneration: stored.served?.generation, findings: findingsByKey.get(key) ?? [] };
  };

  const statusQueue: WorkQueue = createWorkQueue({
    clock,
    log: log.child({ queue: 'status' }),
    concurrency: options.concurrency ?? 8,
    reconcile: (key) => writeStatus(key),
  });

  async function writeStatus(key: string): Promise<ReconcileOutcome> {
    const verdict = verdictOf(key);
    if (verdict === undefined || !options.isLeader()) return { type: 'done' };
    const result = await statusWriter.write(key, (current) =>
      // A newer generation is on its way through the informer; its own reconcile writes its status.
      current.generation !== undefined && current.generation !== verdict.generation ? (current.status ?? ({} as IstioStatus)) : computeIstioStatus(verdict, current.status, new Date(clock.now())),
    );
    if (result.type === 'failed') {
      log.warn({ key, err: result.error }, 'status write failed');
      return { type: 'retry', error: result.error };
    }
    log.debug({ key, result: result.type }, 'status reconciled');
    return { type: 'done' };
  }

  const analysis = createDebouncer(clock, { quietMs: options.analysisQuietMs ?? 100, maxMs: options.analysisMaxMs ?? 1000 }, () => {
    const services = (services$.list() as V1Service[]).map(toKnownService);
    findingsByKey = groupFindings(analyze({ resources: store.served(), services }));
    log.debug({ served: store.served().length, findings: findingsByKey.size }, 'analysed config');
    for (const key of store.keys()) {
      const fingerprint = JSON.stringify(verdictOf(key));
      if (lastVerdict.get(key) !== fingerprint) {
        lastVerdict.set(key, fingerprint);
        statusQueue.add(key);
      }
    }
    options.onServedChange?.(store.served());
  });

  const configQueue = createWorkQueue({
    clock,
    log: log.child({ queue: 'config' }),
    concurrency: options.concurrency ?? 8,
    reconcile: (key) => Promise.resolve(observe(key)),
  });

  function observe(key: string): ReconcileOutcome {
    const parsed = parseConfigKey(key);
    if (parsed === undefined) return { type: 'terminal', error: new Error(`malformed key ${key}`) };
    const obj = informers.get(parsed.kind)?.get(parsed.name, parsed.namespace);
    if (obj === undefined) {
      store.remove(key);
      lastVerdict.delete(key);
      analysis.trigger();
      return { type: 'done' };
    }
    const change = store.observe(key, obj);
    if (change.servedChanged || change.verdictChanged) analysis.trigger();
    return { type: 'done' };
  }

  const services$ = createInformer<V1Service>({
    kind: 'Service',
    listWatch: makeListWatch(kc, '/api/v1/services', () => kc.makeApiClient(CoreV1Api).listServiceForAllNamespaces()),
    clock,
    log,
    handlers: { onAdd: () => { analysis.trigger(); }, onUpdate: () => { analysis.trigger(); }, onDelete: () => { analysis.trigger(); } },
  });
  for (const kind of KINDS) informers.set(kind, istioInformer(kc, kind, log, clock, (key) => { configQueue.add(key); }));

  return {
    store,
    async start() {
      await Promise.all([services$.start(), ...[...informers.values()].map((i) => i.start())]);
      log.info({ kinds: KINDS.length }, 'istio config informers synced');
    },
    async stop() {
      await Promise.all([services$.stop(), ...[...informers.values()].map((i) => i.stop())]);
      analysis.cancel();
      await configQueue.shutdown({ drain: false });
      await statusQueue.shutdown({ drain: true });
    },
    resyncStatuses() {
      for (const key of store.keys()) statusQueue.add(key);
    },
    async settled() {
      await configQueue.idle();
      await analysis.flush();
      await statusQueue.idle();
    },
    findings: (key) => findingsByKey.get(key) ?? [],
  };
}
