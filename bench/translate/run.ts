/**
 * `npm run bench:translate [-- --json]`: translation of a large mesh (1,000 services × 3 ports,
 * 1,000 VirtualServices, 1,000 DestinationRules, 10 endpoints per service) for one Envoy sidecar
 * group and one proxyless gRPC group. Reports the full translation time (registry → IR → xDS
 * objects, and the cache publish that encodes them), the time and bytes of one endpoint change
 * (EndpointSlice event → that service's EDS in the cache, no debounce) and of one VirtualService
 * change (rebuild → diff → publish of the changed resources), and the heap.
 * Targets: full translation ≤ 300 ms, endpoint change ≤ 20 ms, heap ≤ 300 MB.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { buildRegistry, serviceEndpoints } from '../../src/registry/build.ts';
import { indexPods } from '../../src/registry/kubernetes.ts';
import { diffResources, endpointUpserts, serviceEndpointSets, withServiceEndpoints } from '../../src/translate/incremental.ts';
import { translateIr, type XdsResources } from '../../src/translate/ir-to-xds/translate.ts';
import { createMeshContext, type MeshContext } from '../../src/translate/model-to-ir/context.ts';
import { parseProxy, type ProxyDescriptor } from '../../src/translate/model-to-ir/proxy.ts';
import { translateProxy } from '../../src/translate/model-to-ir/translate.ts';
import { createSnapshotCache, type SnapshotCache } from '../../src/xds/snapshot-cache.ts';
import { ADS_ORDER, TYPE_URLS } from '../../src/xds/type-urls.ts';
import { slice, virtualService, workload } from './workload.ts';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 1000);
const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 10);
// Ten cold rounds: the first few still run partly unoptimized code (V8 tiers up over them), and a
// median of five then lands inside that warm-up rather than on the process's running speed.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const json = process.argv.includes('--json');

const round = (n: number): number => Math.round(n * 10) / 10;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const semiSpace = (): string => process.execArgv.find((a) => a.startsWith('--max-semi-space-size'))?.split('=')[1] ?? 'default';
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

function proxy(id: string, metadata: Record<string, unknown>): ProxyDescriptor {
  const parsed = parseProxy(id, metadata);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.proxy;
}

const w = workload(SERVICES, ENDPOINTS);
const config = { virtualServices: w.virtualServices, destinationRules: w.destinationRules, gateways: [], sidecars: [] };
const sidecar = proxy('sidecar~10.0.0.1~client-1.ns-0~ns-0.svc.cluster.local', { LABELS: { app: 'client' } });
const podIndex = indexPods(w.pods);
const grpc = proxy('sidecar~10.0.0.2~client-2.ns-0~ns-0.svc.cluster.local', { GENERATOR: 'grpc', LABELS: { app: 'client' } });

/**
 * Cold: from fresh copies of every object (nothing memoized, like a process start). Warm: from the
 * same objects again (a rebuild after a change elsewhere: informers keep unchanged objects).
 */
function fullTranslation(p: ProxyDescriptor, cold: boolean): { ctx: MeshContext; xds: XdsResources; cpuMs: number; ms: { registry: number; ir: number; xds: number } } {
  const input = cold ? structuredClone(w) : w;
  const cfg = cold ? { ...config, virtualServices: input.virtualServices, destinationRules: input.destinationRules } : config;
  gc();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const ctx = createMeshContext(buildRegistry(input).registry, cfg);
  const t1 = performance.now();
  const { ir } = translateProxy(ctx, p);
  const t2 = performance.now();
  const xds = translateIr(ir);
  const t3 = performance.now();
  const used = process.cpuUsage(cpu);
  return { ctx, xds, cpuMs: (used.user + used.system) / 1000, ms: { registry: t1 - t0, ir: t2 - t1, xds: t3 - t2 } };
}

const timesOf = (t: { cpuMs: number; ms: { registry: number; ir: number; xds: number } }): { cpuMs: number; ms: { registry: number; ir: number; xds: number } } => ({ cpuMs: t.cpuMs, ms: t.ms });

function bytesOf(cache: SnapshotCache, group: string, typeUrl: (typeof ADS_ORDER)[number], names: readonly string[]): number {
  return names.reduce((sum, n) => sum + (cache.get(group, typeUrl, n)?.body.length ?? 0), 0);
}

interface Row {
  readonly flavor: string;
  readonly resources: Record<string, number>;
  /** The first translation in the process (JIT compiling included), fresh objects. */
  readonly firstTranslationMs: number;
  /** Cold: fresh objects, nothing memoized (after the first translation). */
  readonly fullTranslationMs: number;
  /** CPU time of this process for the same work (less distorted than wall time on a loaded machine). */
  readonly fullTranslationCpuMs: number;
  /** The slowest cold round (the warm-up tail). */
  readonly fullTranslationMaxMs: number;
  /** Warm: the same input objects again (a rebuild where nothing changed for these services). */
  readonly warmRebuildMs: number;
  readonly warmRebuildCpuMs: number;
  readonly registryMs: number;
  readonly modelToIrMs: number;
  readonly irToXdsMs: number;
  readonly firstPublishMs: number;
  readonly endpointChangeMs: number;
  /** Part of endpointChangeMs spent in SnapshotCache.updateResources (encode + consistency check + notify). */
  readonly endpointChangeCachePublishMs: number;
  readonly endpointChangeBytes: number;
  readonly endpointChangeResources: number;
  readonly virtualServiceChangeMs: number;
  readonly virtualServiceChangeBytes: number;
  readonly virtualServiceChangeResources: number;
}

function benchFlavor(p: ProxyDescriptor): Row {
  // The very first translation also pays for compiling the code (process start); then cold rounds.
  // Only the figures of the cold rounds are kept: a process holds one translation at a time, and
  // keeping every round's outputs alive would make each later round pay the GC for the earlier ones.
  const first = timesOf(fullTranslation(p, true));
  const full = [...Array<number>(ROUNDS)].map(() => timesOf(fullTranslation(p, true)));
  fullTranslation(p, false);
  const warm = [...Array<number>(ROUNDS)].map(() => fullTranslation(p, false));
  const last = warm[warm.length - 1];
  if (last === undefined) throw new Error('no rounds');
  const cache = createSnapshotCache({ log: pino({ level: 'silent' }) });
  const group = `bench/${p.flavor}`;
  const t0 = performance.now();
  const published = cache.setResources(group, last.xds);
  const firstPublishMs = performance.now() - t0;
  if (!published.ok) throw new Error(published.problems.slice(0, 3).join('; '));

  // One endpoint change: svc-7 gets a new pod IP, from the EndpointSlice event to the cache.
  const { ir } = translateProxy(last.ctx, p);
  const epTimes: number[] = [];
  const epPublishTimes: number[] = [];
  let epBytes = 0;
  let epCount = 0;
  for (let r = 1; r <= ROUNDS; r++) {
    const start = performance.now();
    const registry = last.ctx.registry;
    const endpoints = serviceEndpoints(registry, 'ns-7', 'svc-7', [slice(7, ENDPOINTS, r)], podIndex) ?? [];
    const service = registry.services.find((s) => s.namespace === 'ns-7' && s.name === 'svc-7');
    if (service === undefined) throw new Error('svc-7 missing');
    const sets = serviceEndpointSets(withServiceEndpoints(last.ctx, service, endpoints), ir, p.namespace, service);
    const upsert = endpointUpserts(sets);
    const publishStart = performance.now();
    const outcome = cache.updateResources(group, TYPE_URLS.endpoint, { upsert });
    const end = performance.now();
    epTimes.push(end - start);
    epPublishTimes.push(end - publishStart);
    if (!outcome.ok) throw new Error(outcome.problems.join('; '));
    epCount = sets.length;
    epBytes = bytesOf(cache, group, TYPE_URLS.endpoint, sets.map((s) => s.clusterName));
  }

  // One VirtualService change: svc-3's split goes 90/10 → 50/50; rebuild, diff, publish the changes.
  let previous = last.xds;
  const vsTimes: number[] = [];
  let vsBytes = 0;
  let vsCount = 0;
  for (let r = 1; r <= ROUNDS; r++) {
    const start = performance.now();
    const changed = { ...config, virtualServices: w.virtualServices.map((v, i) => (i === 3 ? virtualService(3, r % 2 === 0 ? 90 : 50) : v)) };
    const ctx = createMeshContext(last.ctx.registry, changed);
    const diff = diffResources(previous, translateIr(translateProxy(ctx, p).ir));
    const outcome = cache.setResources(group, diff.resources);
    vsTimes.push(performance.now() - start);
    if (!outcome.ok) throw new Error(outcome.problems.join('; '));
    previous = diff.resources;
    vsCount = diff.changedCount;
    vsBytes = [...diff.changes].reduce((sum, [typeUrl, c]) => sum + bytesOf(cache, group, typeUrl, c.upsert.map((u) => String(u.name ?? u.cluster_name))), 0);
  }
  return {
    flavor: p.flavor,
    resources: Object.fromEntries(ADS_ORDER.map((t) => [t.slice(t.lastIndexOf('.') + 1), last.xds[t].length])),
    firstTranslationMs: round(first.ms.registry + first.ms.ir + first.ms.xds),
    fullTranslationMs: round(median(full.map((f) => f.ms.registry + f.ms.ir + f.ms.xds))),
    fullTranslationCpuMs: round(median(full.map((f) => f.cpuMs))),
    fullTranslationMaxMs: round(Math.max(...full.map((f) => f.ms.registry + f.ms.ir + f.ms.xds))),
    warmRebuildMs: round(median(warm.map((f) => f.ms.registry + f.ms.ir + f.ms.xds))),
    warmRebuildCpuMs: round(median(warm.map((f) => f.cpuMs))),
    registryMs: round(median(full.map((f) => f.ms.registry))),
    modelToIrMs: round(median(full.map((f) => f.ms.ir))),
    irToXdsMs: round(median(full.map((f) => f.ms.xds))),
    firstPublishMs: round(firstPublishMs),
    endpointChangeMs: round(median(epTimes)),
    endpointChangeCachePublishMs: round(median(epPublishTimes)),
    endpointChangeBytes: epBytes,
    endpointChangeResources: epCount,
    virtualServiceChangeMs: round(median(vsTimes)),
    virtualServiceChangeBytes: vsBytes,
    virtualServiceChangeResources: vsCount,
  };
}

const rows = [benchFlavor(sidecar), benchFlavor(grpc)];
gc();
const heapMB = round(process.memoryUsage().heapUsed / 1048576);
const result = {
  machine: { cpus: cpus().length, loadAverage1m: round(loadavg()[0] ?? 0), node: process.version, semiSpaceMB: semiSpace() },
  workload: { services: SERVICES, portsPerService: 3, virtualServices: SERVICES, destinationRules: SERVICES, endpointsPerService: ENDPOINTS, rounds: ROUNDS },
  targets: { fullTranslationMs: 300, endpointChangeMs: 20, heapMB: 300 },
  rows,
  heapMB,
  note: 'times are medians over rounds; full translation is cold (fresh objects), warm rebuild reuses unchanged objects; both exclude the cache publish (encoding), listed as firstPublishMs',
};

if (json) console.log(JSON.stringify(result, null, 2));
else {
  console.table(
    rows.map((r) => ({
      flavor: r.flavor,
      'first ms': r.firstTranslationMs,
      'full translation ms (cpu, max)': `${r.fullTranslationMs} (${r.fullTranslationCpuMs}, ${r.fullTranslationMaxMs})`,
      'warm rebuild ms (cpu)': `${r.warmRebuildMs} (${r.warmRebuildCpuMs})`,
      'registry / IR / xDS ms': `${r.registryMs} / ${r.modelToIrMs} / ${r.irToXdsMs}`,
      'first publish (encode) ms': r.firstPublishMs,
      'endpoint change ms (cache publish)': `${r.endpointChangeMs} (${r.endpointChangeCachePublishMs})`,
      'endpoint change bytes': `${r.endpointChangeBytes} (${r.endpointChangeResources} EDS)`,
      'VS change ms': r.virtualServiceChangeMs,
      'VS change bytes': `${r.virtualServiceChangeBytes} (${r.virtualServiceChangeResources} res.)`,
    })),
  );
  console.log(`machine: ${result.machine.cpus} cpus, load average ${result.machine.loadAverage1m}, node ${result.machine.node}, semi-space ${result.machine.semiSpaceMB} MB`);
  console.log(`heap used: ${heapMB} MB (target ≤ 300); resources: ${rows.map((r) => `${r.flavor} ${JSON.stringify(r.resources)}`).join('; ')}`);
}
