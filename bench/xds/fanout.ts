/**
 * `node --expose-gc bench/xds/fanout.ts [--json] [--streams N] [--services N] [--changes N]`
 *
 * The server side of workload 1 alone, in one process with no network and no client process:
 * N Envoy-shaped SotW streams on in-memory transports (each ACKs every response on the next
 * turn) over the mesh workload. It isolates what the ADS server itself costs, which the
 * two-process bench (run.ts) cannot on a shared machine: time and CPU until every stream has
 * been written the initial state, time from one endpoint or route change to the last stream's
 * write, bytes written, and heap per stream after GC.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createXdsMetrics } from '../../src/xds/metrics.ts';
import { messageType } from '../../src/xds/protos.ts';
import { decodeSotwRequest } from '../../src/xds/requests.ts';
import { createSnapshotCache } from '../../src/xds/snapshot-cache.ts';
import { createSotwStream } from '../../src/xds/sotw-stream.ts';
import * as core from '../../src/xds/stream-core.ts';
import { ADS_ORDER, TYPE_URLS } from '../../src/xds/type-urls.ts';
import { concat, stringField } from '../../src/xds/wire.ts';
import { scan } from './scan.ts';
import { loadAssignmentFor, meshResources, meshRoute, serviceName, type WorkloadState } from './workload.ts';

const argv = process.argv.slice(2);
const value = (flag: string, fallback: number): number => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : fallback);
const streams = value('--streams', 1000);
const services = value('--services', 1000);
const changes = value('--changes', 5);
const log = pino({ level: 'warn' });
const requestType = messageType('envoy.service.discovery.v3.DiscoveryRequest');
const node = { id: 'sidecar~10.0.0.1~pod.default~default.svc.cluster.local', cluster: 'mesh', user_agent_name: 'envoy', locality: {} };
const subscriptions = [
  { typeUrl: TYPE_URLS.cluster, names: [] as string[] },
  { typeUrl: TYPE_URLS.endpoint, names: Array.from({ length: services }, (_, i) => serviceName(i)) },
  { typeUrl: TYPE_URLS.listener, names: [] as string[] },
  { typeUrl: TYPE_URLS.route, names: ['80'] },
];
const requestBase = new Map<string, Buffer>(subscriptions.map((s) => [s.typeUrl, Buffer.from(requestType.encode(requestType.fromObject({ type_url: s.typeUrl, resource_names: s.names })).finish())]));
const firstRequest = (typeUrl: string, withNode: boolean): Buffer => concat([requestBase.get(typeUrl) ?? Buffer.alloc(0), withNode ? lengthDelimitedNode() : new Uint8Array(0)]);
let nodeField: Uint8Array | undefined;
function lengthDelimitedNode(): Uint8Array {
  nodeField ??= requestType.encode(requestType.fromObject({ node })).finish();
  return nodeField;
}


const state: WorkloadState = { services, portShift: new Map(), timeouts: new Map() };
const cache = createSnapshotCache({ log });
cache.setResources('mesh', meshResources(state));
const metrics = createXdsMetrics(new Registry());
// Older trees have no shared per-server state; the extra field is ignored there.
const share = (core as { createStreamShare?: () => unknown }).createStreamShare?.();
const counts = Array.from({ length: streams }, () => ADS_ORDER.map(() => 0));
let bytes = 0;
let lastWriteAt = 0;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const heapBefore = heap();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const handles: ((bytes: Buffer) => void)[] = [];
for (let i = 0; i < streams; i++) {
  const ctx = { id: i + 1, kind: 'sotw', share, cache, log, metrics, controlPlane: new Uint8Array(0), versionPrefix: 'bench', resolveGroup: () => 'mesh' } as unknown as core.StreamContext;
  const writer = {
    write(out: Buffer): boolean {
      bytes += out.length;
      lastWriteAt = performance.now();
      const r = scan(out);
      const t = ADS_ORDER.indexOf(r.typeUrl as (typeof ADS_ORDER)[number]);
      const row = counts[i];
      if (row !== undefined) row[t] = (row[t] ?? 0) + 1;
      setImmediate(() => {
        handles[i]?.(concat([requestBase.get(r.typeUrl) ?? Buffer.alloc(0), stringField(1, r.version), stringField(5, r.nonce)]));
      });
      return true;
    },
    onceDrain: () => undefined,
  };
  const stream = createSotwStream(ctx, writer);
  handles.push((request) => {
    stream.handle(decodeSotwRequest(request));
  });
  subscriptions.forEach((s, k) => handles[i]?.(firstRequest(s.typeUrl, k === 0)));
}

const turn = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await turn();
}

await until(() => counts.every((row) => row.every((c) => c > 0)));
const initialSyncMs = performance.now() - t0;
const cpu1 = process.cpuUsage(cpu0);
await until(() => performance.now() - lastWriteAt > 50);
const heapPerStreamKb = (heap() - heapBefore) / streams / 1024;

async function change(kind: 'endpoint' | 'route', k: number): Promise<{ ms: number; bytes: number }> {
  const index = ADS_ORDER.indexOf(kind === 'endpoint' ? TYPE_URLS.endpoint : TYPE_URLS.route);
  const baseline = counts.map((row) => row[index] ?? 0);
  const bytes0 = bytes;
  const start = performance.now();
  if (kind === 'endpoint') {
    cache.updateResources('mesh', TYPE_URLS.endpoint, { upsert: [loadAssignmentFor((k * 7919) % services, k + 1)] });
  } else {
    state.timeouts.set((k * 7919) % services, 16 + k);
    cache.setResources('mesh', { [TYPE_URLS.route]: [meshRoute(state)] });
  }
  await until(() => counts.every((row, i) => (row[index] ?? 0) > (baseline[i] ?? 0)));
  const ms = lastWriteAt - start;
  await until(() => performance.now() - lastWriteAt > 20);
  return { ms, bytes: bytes - bytes0 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const endpoint: number[] = [];
const route: number[] = [];
let endpointBytes = 0;
for (let k = 0; k < changes; k++) {
  const e = await change('endpoint', k);
  endpoint.push(e.ms);
  endpointBytes = e.bytes;
  route.push((await change('route', k)).ms);
}
const result = {
  streams,
  services,
  initialSyncMs,
  initialSyncCpuS: (cpu1.user + cpu1.system) / 1e6,
  endpointFanoutMedianMs: median(endpoint),
  endpointFanoutMaxMs: Math.max(...endpoint),
  routeFanoutMedianMs: median(route),
  endpointBytesPerChange: endpointBytes,
  heapPerStreamKb,
};
if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
else for (const [key, v] of Object.entries(result)) process.stdout.write(`${key.padEnd(26)}${typeof v === 'number' ? v.toFixed(v >= 100 ? 0 : 2) : String(v)}\n`);
process.exit(0);
