/**
 * `npm run bench:operator`: the time from applying install.yaml (one MeshControlPlane, renamed per
 * run) until every child it renders exists, and until its Ready condition is True, over 20 runs;
 * p50 and p99 of both, as a table or one JSON object with `--json`. Target (issue 4): every child
 * exists within 1 s of the apply.
 *
 * The operator runs in-process (no leader election), on WEFT_BENCH_KUBECONFIG if set, else on its
 * own local control plane (kwok runs the pods, so Ready includes kube-controller-manager and the
 * scheduler doing their part). Times come from watches, not polling: a child "exists" when its
 * ADDED event arrives.
 */
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { parse } from 'yaml';
import { applyObjects, kubeRequest } from '../../src/kube/apply.ts';
import { createRealClock } from '../../src/kube/clock.ts';
import { type ManifestObject } from '../../src/kube/manifests.ts';
import { resolveSpec } from '../../src/operator/defaults.ts';
import { CONTROL_PLANE_LABEL } from '../../src/operator/render/common.ts';
import { renderResolved } from '../../src/operator/render/index.ts';
import { runOperator } from '../../src/operator/run.ts';
import type { MeshControlPlane } from '../../src/operator/types.ts';
import { ROOT, installCrds, withBenchCluster } from '../support/cluster.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TARGET_MS = 1000;
const JSON_OUT = process.argv.includes('--json');
const RENDER = { pilotImage: 'weft:bench', version: '0.1.0' };
const COLLECTIONS = [
  '/api/v1/namespaces',
  '/api/v1/serviceaccounts',
  '/api/v1/configmaps',
  '/api/v1/services',
  '/apis/apps/v1/deployments',
  '/apis/policy/v1/poddisruptionbudgets',
  '/apis/autoscaling/v2/horizontalpodautoscalers',
  '/apis/rbac.authorization.k8s.io/v1/roles',
  '/apis/rbac.authorization.k8s.io/v1/rolebindings',
  '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
];

const progress = (line: string): void => {
  process.stderr.write(`[bench:operator] ${line}\n`);
};

interface Run {
  readonly children: number;
  readonly childrenMs: number;
  readonly readyMs: number;
}



/** install.yaml under another name and namespace. */
function installFor(name: string): ManifestObject {
  const doc = parse(readFileSync(resolve(ROOT, '../shared/scenarios/install.yaml'), 'utf8')) as MeshControlPlane;
  return { ...doc, metadata: { name }, spec: { ...doc.spec, namespace: `bench-${name}` } };
}

/** The children the operator will create for it: `kind/namespace/name`. */
function expectedChildren(object: ManifestObject): Set<string> {
  const mcp = { ...(object as unknown as MeshControlPlane), metadata: { name: object.metadata.name, uid: 'bench' } };
  return new Set(renderResolved(mcp, resolveSpec(mcp, RENDER), true).map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`));
}

/** Resolves with the time the last expected child appeared, and when Ready turned True. */
async function timeOneRun(kc: KubeConfig, name: string): Promise<Run> {
  const object = installFor(name);
  const expected = expectedChildren(object);
  const seen = new Set<string>();
  const watch = new Watch(kc);
  const aborts: AbortController[] = [];
  let start = 0;
  let childrenAt: number | undefined;
  let readyAt: number | undefined;
  const done = new Promise<void>((finish, fail) => {
    const timer = setTimeout(() => { fail(new Error(`${name}: not every child and Ready within 120 s (children ${String(seen.size)}/${String(expected.size)})`)); }, 120_000);
    const check = (): void => {
      if (childrenAt !== undefined && readyAt !== undefined) {
        clearTimeout(timer);
        finish();
      }
    };
    const onChild = (_type: string, o: { kind?: string; metadata?: { name?: string; namespace?: string } }): void => {
      seen.add(`${o.kind ?? ''}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);
      if (childrenAt === undefined && [...expected].every((k) => seen.has(k))) childrenAt = performance.now();
      check();
    };
    const onMcp = (_type: string, o: { metadata?: { generation?: number }; status?: { conditions?: { type: string; status: string; observedGeneration?: number }[] } }): void => {
      const ready = o.status?.conditions?.find((c) => c.type === 'Ready');
      if (readyAt === undefined && ready?.status === 'True' && ready.observedGeneration === o.metadata?.generation) readyAt = performance.now();
      check();
    };
    const watches = [
      ...COLLECTIONS.map((path) => watch.watch(path, { labelSelector: `${CONTROL_PLANE_LABEL}=${name}` }, onChild, () => undefined)),
      watch.watch('/apis/mesh.weft.dev/v1alpha1/meshcontrolplanes', { fieldSelector: `metadata.name=${name}` }, onMcp, () => undefined),
    ];
    void Promise.all(watches).then(async (controllers) => {
      aborts.push(...controllers);
      start = performance.now();
      await applyObjects(kc, [object], 'bench');
    }, fail);
  });
  try {
    await done;
  } finally {
    for (const a of aborts) a.abort();
  }
  return { children: expected.size, childrenMs: Math.round((childrenAt ?? Number.NaN) - start), readyMs: Math.round((readyAt ?? Number.NaN) - start) };
}

/** Nearest-rank percentile. */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

async function benchmark(kc: KubeConfig): Promise<Run[]> {
  await installCrds(kc);
  const abort = new AbortController();
  let reconciling: () => void = () => undefined;
  const ready = new Promise<void>((r) => (reconciling = r));
  const operator = runOperator({
    kc,
    log: pino({ level: 'warn' }, process.stderr),
    clock: createRealClock(),
    render: RENDER,
    leaderElect: false,
    leaseNamespace: 'default',
    identity: 'bench',
    monitoringHost: '127.0.0.1',
    monitoringPort: 0,
    signal: abort.signal,
    onReconciling: () => { reconciling(); },
  });
  await ready;
  const runs: Run[] = [];
  const names: string[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const name = `bench-${String(Date.now() % 100_000)}-${String(i)}`;
      names.push(name);
      const run = await timeOneRun(kc, name);
      progress(`run ${String(i + 1)}/${String(RUNS)}: ${String(run.children)} children in ${String(run.childrenMs)} ms, Ready in ${String(run.readyMs)} ms`);
      runs.push(run);
    }
  } finally {
    for (const name of names) await kubeRequest(kc, 'DELETE', `/apis/mesh.weft.dev/v1alpha1/meshcontrolplanes/${name}`).catch(() => undefined);
    abort.abort();
    await operator;
  }
  return runs;
}

const runs = await withBenchCluster('bench-operator', benchmark, progress);
const children = runs.map((r) => r.childrenMs);
const ready = runs.map((r) => r.readyMs);
const report = {
  benchmark: 'operator',
  node: process.version,
  loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  cpus: cpus().length,
  runs: runs.length,
  childrenPerRun: runs[0]?.children ?? 0,
  allChildrenMs: { p50: percentile(children, 50), p99: percentile(children, 99) },
  readyMs: { p50: percentile(ready, 50), p99: percentile(ready, 99) },
  targetAllChildrenMs: TARGET_MS,
  meetsTarget: percentile(children, 99) <= TARGET_MS,
  samples: runs,
};

if (JSON_OUT) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  const rows = [
    ['apply → every child exists', String(report.allChildrenMs.p50), String(report.allChildrenMs.p99), `${String(TARGET_MS)} ms: ${report.meetsTarget ? 'met' : 'MISSED'}`],
    ['apply → Ready True', String(report.readyMs.p50), String(report.readyMs.p99), '-'],
  ];
  const header = ['install.yaml', 'p50 ms', 'p99 ms', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(
    [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', `${String(report.runs)} runs, ${String(report.childrenPerRun)} children each; load average ${String(report.loadAverage1m)} on ${String(report.cpus)} CPUs`, ''].join('\n'),
  );
}
