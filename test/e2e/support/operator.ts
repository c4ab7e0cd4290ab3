/**
 * Support for the operator e2e files: MeshControlPlanes as plain objects applied with kubectl,
 * an in-process operator with its metrics registry, status reads, and event counting on watches.
 */
import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { Registry } from 'prom-client';
import { createRealClock } from '../../../src/kube/clock.ts';
import { kubeRequest } from '../../../src/kube/apply.ts';
import { runOperator, type OperatorExit } from '../../../src/operator/run.ts';
import type { MeshControlPlaneSpec } from '../../../src/operator/types.ts';
import { eventually, type Clients } from './kube.ts';
import { kubectl } from './kubectl.ts';

export const MCP_PATH = '/apis/mesh.weft.dev/v1alpha1/meshcontrolplanes';
export const USER_MANAGER = 'weft-e2e-user';

export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration?: number;
}

export interface Mcp {
  readonly metadata: { readonly name: string; readonly generation: number; readonly uid: string; readonly resourceVersion: string };
  readonly spec?: MeshControlPlaneSpec;
  readonly status?: { readonly observedGeneration?: number; readonly conditions?: readonly Condition[] };
}

/** A fresh name suffix, so files and reruns never collide. */
export const suffix = (): string => randomBytes(3).toString('hex');

/** install.yaml's spec: istiod, one ingress and one egress gateway. */
export function installSpec(namespace: string): MeshControlPlaneSpec {
  return {
    namespace,
    meshConfig: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
    components: { pilot: { replicas: 1 }, ingressGateways: [{ name: 'istio-ingressgateway', enabled: true }], egressGateways: [{ name: 'istio-egressgateway', enabled: true }] },
  };
}

export const mcpManifest = (name: string, spec: unknown): string => JSON.stringify({ apiVersion: 'mesh.weft.dev/v1alpha1', kind: 'MeshControlPlane', metadata: { name }, spec });

/** `kubectl apply --server-side` of one MeshControlPlane as a user would; the result, failed or not. */
export function applyMcp(name: string, spec: unknown): ReturnType<typeof kubectl> {
  return kubectl(['apply', '--server-side', `--field-manager=${USER_MANAGER}`, '-f', '-'], mcpManifest(name, spec));
}

export async function applyMcpOk(name: string, spec: unknown): Promise<void> {
  const result = await applyMcp(name, spec);
  if (result.code !== 0) throw new Error(`kubectl apply of ${name} failed: ${result.stderr}`);
}

export async function readMcp(c: Clients, name: string): Promise<Mcp> {
  return (await c.kc.makeApiClient(CustomObjectsApi).getClusterCustomObject({ group: 'mesh.weft.dev', version: 'v1alpha1', plural: 'meshcontrolplanes', name })) as Mcp;
}

export const conditionOf = (m: Mcp, type: string): Condition | undefined => m.status?.conditions?.find((x) => x.type === type);

/** The condition once it has `status` for the current generation. */
export async function conditionFor(c: Clients, name: string, type: string, status: string): Promise<Condition | undefined> {
  const m = await readMcp(c, name);
  const cond = conditionOf(m, type);
  return cond?.status === status && cond.observedGeneration === m.metadata.generation ? cond : undefined;
}

export async function deleteMcp(name: string): Promise<void> {
  await kubectl(['delete', 'mcp', name, '--ignore-not-found', '--wait=false']);
}

export interface InProcessOperator {
  readonly registry: Registry;
  /** True once its caches synced and it reconciles. */
  reconciling(): boolean;
  /** Whether runOperator ended by itself (it must not: the operator never crashes). */
  ended(): OperatorExit | Error | undefined;
  stop(): Promise<void>;
}

/** `weft operator` in this process, without leader election, its metrics in `registry`. */
export function startOperator(c: Clients): InProcessOperator {
  const abort = new AbortController();
  const registry = new Registry();
  let reconciling = false;
  let ended: OperatorExit | Error | undefined;
  const run = runOperator({
    kc: c.kc,
    log: pino({ level: process.env.WEFT_E2E_LOG_LEVEL ?? 'warn' }),
    clock: createRealClock(),
    render: { pilotImage: 'weft:e2e', version: '0.1.0' },
    leaderElect: false,
    leaseNamespace: 'default',
    identity: 'e2e',
    monitoringHost: '127.0.0.1',
    monitoringPort: 0,
    signal: abort.signal,
    registry,
    onReconciling: () => (reconciling = true),
  }).then(
    (exit) => (ended = exit),
    (err: unknown) => (ended = err instanceof Error ? err : new Error(String(err))),
  );
  return {
    registry,
    reconciling: () => reconciling,
    ended: () => ended,
    async stop() {
      abort.abort();
      await run;
    },
  };
}

/**
 * Registers hooks that start an in-process operator, apply install.yaml's spec as `name` in
 * `namespace` and wait for Ready; afterwards the MeshControlPlane is deleted and the operator
 * stopped. Returns the running operator (defined once beforeAll has run).
 */
export function withReadyMeshControlPlane(c: Clients, name: string, namespace: string): () => InProcessOperator {
  let operator: InProcessOperator | undefined;
  beforeAll(async () => {
    operator = startOperator(c);
    await applyMcpOk(name, installSpec(namespace));
    await eventually('Ready True', () => conditionFor(c, name, 'Ready', 'True'), 90_000);
  });
  afterAll(async () => {
    await deleteMcp(name);
    await operator?.stop();
  });
  return () => {
    if (operator === undefined) throw new Error('the operator starts in beforeAll');
    return operator;
  };
}

/** The sum of a counter or gauge's samples whose labels include `labels`. */
export async function metricSum(registry: Registry, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const data = await metric.get();
  return data.values.filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want)).reduce((sum, v) => sum + v.value, 0);
}

/** Every sample of one metric in Prometheus text, e.g. scraped from another process's /metrics. */
export function parseMetric(text: string, name: string): { labels: string; value: number }[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => {
      const i = l.lastIndexOf(' ');
      return { labels: l.slice(name.length, i), value: Number(l.slice(i + 1)) };
    });
}

export interface EventCount {
  /** `kind/name type` of every watch event seen. */
  readonly events: string[];
  stop(): void;
}

/**
 * Watches each collection path from its current resourceVersion and records every event: the
 * children never changing shows as no events at all (a change of resourceVersion is an event).
 * A watch the client or server ends (client-node times requests out) resumes from the last
 * resourceVersion seen, so nothing in between is missed.
 */
export async function watchEvents(c: Clients, paths: readonly { readonly path: string; readonly labelSelector?: string; readonly fieldSelector?: string }[]): Promise<EventCount> {
  const watch = new Watch(c.kc);
  const events: string[] = [];
  const controllers = new Map<string, AbortController>();
  let stopped = false;
  const follow = async (path: string, query: Record<string, string>, resourceVersion: string): Promise<void> => {
    let last = resourceVersion;
    const controller = await watch.watch(
      path,
      { ...query, resourceVersion: last, allowWatchBookmarks: true },
      (type: string, obj: { kind?: string; metadata?: { name?: string; resourceVersion?: string } }) => {
        last = obj.metadata?.resourceVersion ?? last;
        if (type !== 'BOOKMARK') events.push(`${obj.kind ?? path}/${obj.metadata?.name ?? ''} ${type} rv=${obj.metadata?.resourceVersion ?? ''}`);
      },
      (err: unknown) => {
        if (stopped) return;
        const timedOut = err === null || err === undefined || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'));
        if (timedOut) void follow(path, query, last);
        else events.push(`${path} watch failed: ${err instanceof Error ? err.message : JSON.stringify(err)}`);
      },
    );
    controllers.set(path, controller);
  };
  for (const p of paths) {
    const query = { ...(p.labelSelector !== undefined ? { labelSelector: p.labelSelector } : {}), ...(p.fieldSelector !== undefined ? { fieldSelector: p.fieldSelector } : {}) };
    const list = (await kubeRequest(c.kc, 'GET', `${p.path}?${new URLSearchParams(query).toString()}`)) as { metadata?: { resourceVersion?: string } };
    await follow(p.path, query, list.metadata?.resourceVersion ?? '');
  }
  return {
    events,
    stop: () => {
      stopped = true;
      for (const ac of controllers.values()) ac.abort();
    },
  };
}

/**
 * The collection paths of every kind of child of one MeshControlPlane: in its namespace, plus the
 * cluster-scoped RBAC (selected by the control-plane label, so other tests' objects never show).
 */
export function childPaths(namespace: string, mcpName: string): { path: string; labelSelector: string }[] {
  const labelSelector = `app.kubernetes.io/managed-by=weft-operator,mesh.weft.dev/control-plane=${mcpName}`;
  const namespaced = ['/api/v1/serviceaccounts', '/api/v1/configmaps', '/api/v1/services', '/apis/apps/v1/deployments', '/apis/policy/v1/poddisruptionbudgets', '/apis/autoscaling/v2/horizontalpodautoscalers', '/apis/rbac.authorization.k8s.io/v1/roles', '/apis/rbac.authorization.k8s.io/v1/rolebindings'];
  return [
    ...namespaced.map((p) => ({ path: p.replace(/\/([a-z]+)$/, `/namespaces/${namespace}/$1`), labelSelector })),
    { path: '/apis/rbac.authorization.k8s.io/v1/clusterroles', labelSelector },
    { path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', labelSelector },
  ];
}
