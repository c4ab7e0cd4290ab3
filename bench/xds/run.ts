/**
 * `npm run bench:xds [-- --json] [-- --peer go-control-plane] [--streams N] [--services N] [--changes N]
 *   [--w2-changes N] [--w2-warmup N] [--only w1-sotw,w1-delta,w2,churn] [--per-change]
 *   [--streams-per-connection N] [--gap-ms N] [--floor]`
 *
 * `--only` runs just the listed phases (comma-separated); the others are reported as `-`.
 *
 * Workload 1: N services (clusters, 10-endpoint CLAs, listener + routes) to `--streams` SotW
 * streams, then the same with delta streams. Workload 2: 100 proxyless-gRPC-shaped clients, one
 * service each. Client load runs in a separate process (load-client.ts). With --peer, the same
 * load runs against go-control-plane and our/peer ratios are printed.
 *
 * Changes follow each other as soon as every target stream has received the previous one, so a
 * SotW server is still reading the previous change's ACKs (1,000 × ~10 KB) during the next.
 * `--changes` applies to Workload 1, whose changes take tens of ms at 1,000 streams. Workload 2's
 * take a fraction of a millisecond: it measures `--w2-changes` (2,000) of each kind, so its p99 is
 * not one sample, after `--w2-warmup` (200) unmeasured ones of the same kind, so both subjects
 * are measured in their steady state (V8 has optimized the per-change code by then).
 *
 * `--gap-ms N` waits N ms before each change instead: isolated changes (istiod's own debounce
 * keeps pushes to a proxy ≥ 100 ms apart). Idle processes wake slower, which shows in W2.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TYPE_URLS } from '../../src/xds/type-urls.ts';
import type { ClientMessage } from './load-client.ts';
import { startOurs, startPeer, type Subject } from './subjects.ts';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * Milliseconds on CLOCK_MONOTONIC, which every process on the machine shares: the bench and the
 * load client compare timestamps across processes. (`performance.timeOrigin + now()` does not:
 * each process fixes its own origin from the wall clock at start, off by up to tenths of a ms.)
 */
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

interface Options {
  readonly json: boolean;
  readonly perChange: boolean;
  /** W2: also measure the apparatus floor (Weft subject only). */
  readonly floor: boolean;
  /** Client streams sharing one HTTP/2 connection (default 100; an Envoy has one connection of its own). */
  readonly perConnection: number;
  readonly peer: string | undefined;
  readonly streams: number;
  readonly services: number;
  readonly grpcClients: number;
  readonly changes: number;
  readonly w2Changes: number;
  readonly w2Warmup: number;
  readonly churn: number;
  readonly phaseTimeoutMs: number;
  /** Quiet time before each change after the first (`--gap-ms`). */
  readonly gapMs: number;
  /** Phases to run; all when absent. */
  readonly only: ReadonlySet<Phase>;
}

const PHASES = ['w1-sotw', 'w1-delta', 'w2', 'churn'] as const;
type Phase = (typeof PHASES)[number];

function parseOnly(value: string | undefined): ReadonlySet<Phase> {
  if (value === undefined) return new Set(PHASES);
  const picked = value.split(',').filter((p) => p !== '');
  for (const p of picked) if (!(PHASES as readonly string[]).includes(p)) throw new Error(`--only: unknown phase ${p} (known: ${PHASES.join(', ')})`);
  return new Set(picked as Phase[]);
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const peerAt = argv.indexOf('--peer');
  const onlyAt = argv.indexOf('--only');
  return {
    json: argv.includes('--json'),
    perChange: argv.includes('--per-change'),
    floor: argv.includes('--floor'),
    perConnection: value('--streams-per-connection', 100),
    peer: peerAt >= 0 ? argv[peerAt + 1] : undefined,
    streams: value('--streams', 1000),
    services: value('--services', 1000),
    grpcClients: value('--grpc-clients', 100),
    changes: value('--changes', 5),
    w2Changes: value('--w2-changes', 2000),
    w2Warmup: value('--w2-warmup', 200),
    churn: value('--churn', 10_000),
    phaseTimeoutMs: value('--phase-timeout-s', 120) * 1000,
    gapMs: value('--gap-ms', 0),
    only: parseOnly(onlyAt >= 0 ? argv[onlyAt + 1] : process.env.WEFT_BENCH_ONLY_FIRST === '1' ? 'w1-sotw' : undefined),
  };
}

/**
 * Convergence after a change (`endpoint…`, `route…`, `floor…`) is measured per target stream
 * until its client has read the response carrying the change:
 * - `…P50Ms`/`…P99Ms` from the moment the subject read the change command (its `receivedAtMs`,
 *   stamped before parsing): the "from a setResources call", the same point in both
 *   subjects, without the bench's pipe to the subject and that process's wake-up;
 * - `…E2eP50Ms`/`…E2eP99Ms` from the bench's write of the command, pipe and wake-up included.
 */
export interface Figures {
  initialSyncMs: number;
  endpointP50Ms: number;
  endpointP99Ms: number;
  routeP50Ms: number;
  routeP99Ms: number;
  endpointE2eP50Ms: number;
  endpointE2eP99Ms: number;
  routeE2eP50Ms: number;
  routeE2eP99Ms: number;
  endpointBytesPerChange: number;
  routeBytesPerChange: number;
  rssPerStreamKb: number;
  heapPerStreamKb: number;
  cpuSeconds: number;
  /** CPU of the load-client process over the workload (for context: it shares the machine). */
  clientCpuSeconds: number;
  /** W2 with `--floor`, Weft only: a ready-made response written on receipt of the command (the bench's own latency). */
  floorP50Ms: number;
  floorP99Ms: number;
  floorE2eP50Ms: number;
}

interface Client {
  send(message: ClientMessage): void;
  next(type: string): Promise<Record<string, unknown>>;
  /** Like next, but resolves undefined after `ms` (a phase that never completes is reported, not waited on forever). */
  within(type: string, ms: number): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

function startClient(): Promise<Client> {
  const child: ChildProcess = fork(join(here, 'load-client.ts'), [], { execArgv: (process.env.WEFT_BENCH_CLIENT_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox: Record<string, unknown>[] = [];
  const waiters: { type: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  child.on('message', (m: Record<string, unknown>) => {
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(m);
    else inbox.push(m);
  });
  const client: Client = {
    send: (m) => void child.send(m),
    next: (type) => {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] ?? {});
      return new Promise((resolve) => waiters.push({ type, resolve }));
    },
    within: (type, ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          const i = waiters.findIndex((w) => w.type === type);
          if (i >= 0) waiters.splice(i, 1);
          resolve(undefined);
        }, ms);
        void client.next(type).then((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      }),
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => {
          done();
        });
        child.kill();
      }),
  };
  return client.next('ready').then(() => client);
}

function notRun(): Figures {
  const none = measuredNothing();
  return { initialSyncMs: NaN, ...convergence('endpoint', none), ...convergence('route', none), endpointBytesPerChange: NaN, routeBytesPerChange: NaN, rssPerStreamKb: NaN, heapPerStreamKb: NaN, cpuSeconds: NaN, clientCpuSeconds: NaN, floorP50Ms: NaN, floorP99Ms: NaN, floorE2eP50Ms: NaN };
}

let armSeq = 0;

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** `--per-change`: one stderr line per change (min / p50 / max over the streams), to see whether a tail is one slow change or all. */
function logChange(kind: string, k: number, ms: readonly number[], awaitingAck: unknown): void {
  const waiting = typeof awaitingAck === 'number' ? `, ${awaitingAck} streams still awaiting the previous ACK` : '';
  process.stderr.write(`${kind} change ${k}: min ${fmt(percentile(ms, 0))} p50 ${fmt(percentile(ms, 50))} max ${fmt(percentile(ms, 100))} ms${waiting}\n`);
}

type ChangeKind = 'endpoint' | 'route' | 'floor';

function commandOf(kind: ChangeKind, k: number, service: number, opts: Options): object {
  if (kind === 'endpoint') return { cmd: 'endpoint', service, shift: k + 1, countAwaiting: opts.perChange };
  if (kind === 'floor') return { cmd: 'floor', service };
  return { cmd: 'route', service, timeout: 16 + k };
}

interface Measured {
  /** From the subject's receipt of the command. */
  readonly p50: number;
  readonly p99: number;
  /** From the bench's write of the command. */
  readonly e2eP50: number;
  readonly e2eP99: number;
  readonly bytes: number;
}

function measuredNothing(): Measured {
  return { p50: NaN, p99: NaN, e2eP50: NaN, e2eP99: NaN, bytes: NaN };
}

function convergence<K extends 'endpoint' | 'route'>(kind: K, m: Measured): Record<`${K}${'P50Ms' | 'P99Ms' | 'E2eP50Ms' | 'E2eP99Ms'}`, number> {
  return { [`${kind}P50Ms`]: m.p50, [`${kind}P99Ms`]: m.p99, [`${kind}E2eP50Ms`]: m.e2eP50, [`${kind}E2eP99Ms`]: m.e2eP99 } as Record<`${K}${'P50Ms' | 'P99Ms' | 'E2eP50Ms' | 'E2eP99Ms'}`, number>;
}

/** How many changes of each kind a workload makes: unmeasured first (`warmup`), then measured (`count`). */
interface ChangePlan {
  readonly warmup: number;
  readonly count: number;
}

async function measureChanges(subject: Subject, client: Client, kind: ChangeKind, opts: Options, plan: ChangePlan, targets: (k: number) => number[] | 'all', service: (k: number) => number): Promise<Measured> {
  const samples: number[] = [];
  const e2e: number[] = [];
  let bytes = 0;
  for (let n = 0; n < plan.warmup + plan.count; n++) {
    // n numbers every change (each differs from the one before); k < 0 is the warm-up.
    const k = n - plan.warmup;
    if (n > 0 && opts.gapMs > 0) await new Promise((resolve) => setTimeout(resolve, opts.gapMs));
    const seq = ++armSeq;
    client.send({ type: 'arm', seq, typeUrl: kind === 'route' ? TYPE_URLS.route : TYPE_URLS.endpoint, streams: targets(n) });
    await client.next('armed');
    const t0 = now();
    const reply = await subject.command(commandOf(kind, n, service(n), opts));
    let done = await client.within('converged', opts.phaseTimeoutMs);
    while (done !== undefined && done.seq !== seq) done = await client.within('converged', opts.phaseTimeoutMs);
    if (done === undefined) return measuredNothing();
    if (k < 0) continue;
    const received = Number(reply.receivedAtMs);
    if (!Number.isFinite(received)) throw new Error(`${subject.name} did not report receivedAtMs for ${kind}`);
    for (const t of done.times as number[]) {
      samples.push(t - received);
      e2e.push(t - t0);
    }
    if (opts.perChange) logChange(kind, k, (done.times as number[]).map((t) => t - received), reply.awaitingAck);
    bytes += Number(done.bytes);
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), e2eP50: percentile(e2e, 50), e2eP99: percentile(e2e, 99), bytes: bytes / plan.count };
}

async function runWorkload(subject: Subject, opts: Options, kind: 'sotw' | 'delta', shape: 'mesh' | 'grpc'): Promise<Figures> {
  const streams = shape === 'mesh' ? opts.streams : opts.grpcClients;
  await subject.command({ cmd: 'load', workload: shape, services: opts.services });
  const client = await startClient();
  try {
    const before = await subject.memory();
    const cpu0 = subject.cpuSeconds();
    const t0 = now();
    client.send({ type: 'open', address: `127.0.0.1:${subject.port}`, kind, shape, streams, services: opts.services, perConnection: opts.perConnection });
    const synced = await client.within('synced', opts.phaseTimeoutMs);
    const initialSyncMs = synced === undefined ? NaN : Number(synced.at) - t0;
    const after = await subject.memory();
    const all = (): 'all' => 'all';
    const spread = (k: number): number => (k * 7919) % (shape === 'mesh' ? opts.services : opts.grpcClients);
    const targets = shape === 'mesh' ? all : (k: number): number[] => [spread(k)];
    const plan: ChangePlan = shape === 'mesh' ? { warmup: 0, count: opts.changes } : { warmup: opts.w2Warmup, count: opts.w2Changes };
    const endpoint = await measureChanges(subject, client, 'endpoint', opts, plan, targets, spread);
    const route = await measureChanges(subject, client, 'route', opts, plan, targets, spread);
    const floor = opts.floor && shape === 'grpc' && subject.name === 'weft' ? await measureChanges(subject, client, 'floor', opts, plan, targets, spread) : measuredNothing();
    const cpuSeconds = subject.cpuSeconds() - cpu0;
    client.send({ type: 'close' });
    const closed = await client.next('closed');
    return {
      initialSyncMs,
      ...convergence('endpoint', endpoint),
      ...convergence('route', route),
      endpointBytesPerChange: endpoint.bytes,
      routeBytesPerChange: route.bytes,
      rssPerStreamKb: (after.rss - before.rss) / streams / 1024,
      heapPerStreamKb: (after.heap - before.heap) / streams / 1024,
      cpuSeconds,
      clientCpuSeconds: Number(closed.cpuSeconds),
      floorP50Ms: floor.p50,
      floorP99Ms: floor.p99,
      floorE2eP50Ms: floor.e2eP50,
    };
  } finally {
    await client.stop();
  }
}

async function runChurn(subject: Subject, opts: Options): Promise<{ heapBeforeMb: number; heapAfterMb: number; rssBeforeMb: number; rssAfterMb: number }> {
  await subject.command({ cmd: 'load', workload: 'mesh', services: 10 });
  const client = await startClient();
  try {
    const before = await subject.memory();
    client.send({ type: 'churn', address: `127.0.0.1:${subject.port}`, count: opts.churn });
    await client.next('churned');
    const after = await subject.memory();
    const mb = (b: number): number => b / 1024 / 1024;
    return { heapBeforeMb: mb(before.heap), heapAfterMb: mb(after.heap), rssBeforeMb: mb(before.rss), rssAfterMb: mb(after.rss) };
  } finally {
    await client.stop();
  }
}

type SubjectResult = Record<'workload1Sotw' | 'workload1Delta' | 'workload2', Figures> & { churn: Awaited<ReturnType<typeof runChurn>> };

async function runSubject(start: () => Promise<Subject>, opts: Options): Promise<SubjectResult> {
  const subject = await start();
  try {
    const run = (phase: Phase, kind: 'sotw' | 'delta', shape: 'mesh' | 'grpc'): Promise<Figures> => (opts.only.has(phase) ? runWorkload(subject, opts, kind, shape) : Promise.resolve(notRun()));
    const workload1Sotw = await run('w1-sotw', 'sotw', 'mesh');
    const workload1Delta = await run('w1-delta', 'delta', 'mesh');
    const workload2 = await run('w2', 'sotw', 'grpc');
    const churn = opts.only.has('churn') ? await runChurn(subject, opts) : { heapBeforeMb: NaN, heapAfterMb: NaN, rssBeforeMb: NaN, rssAfterMb: NaN };
    return { workload1Sotw, workload1Delta, workload2, churn };
  } finally {
    await subject.stop();
  }
}

function ratios(ours: SubjectResult, peer: SubjectResult): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const w of ['workload1Sotw', 'workload1Delta', 'workload2'] as const) {
    const row: Record<string, number> = {};
    for (const [key, value] of Object.entries(ours[w])) row[key] = value / (peer[w][key as keyof Figures] || NaN);
    out[w] = row;
  }
  return out;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '-';
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);
}

function table(result: Record<string, unknown>): string {
  const rows: string[] = [];
  const subjects = Object.entries(result).filter(([k]) => k !== 'ratios' && k !== 'options') as [string, SubjectResult][];
  const cols = ['workload1Sotw', 'workload1Delta', 'workload2'] as const;
  for (const [name, r] of subjects) {
    rows.push(`\n${name}`, ['figure'.padEnd(24), ...cols.map((c) => c.padStart(16))].join(''));
    for (const key of Object.keys(r.workload1Sotw) as (keyof Figures)[]) rows.push([key.padEnd(24), ...cols.map((c) => fmt(r[c][key]).padStart(16))].join(''));
    rows.push(`churn: heap ${fmt(r.churn.heapBeforeMb)} → ${fmt(r.churn.heapAfterMb)} MB, rss ${fmt(r.churn.rssBeforeMb)} → ${fmt(r.churn.rssAfterMb)} MB`);
  }
  const ratio = result.ratios as Record<string, Record<string, number>> | undefined;
  if (ratio !== undefined) {
    rows.push('\nours / peer', ['figure'.padEnd(24), ...cols.map((c) => c.padStart(16))].join(''));
    for (const key of Object.keys(ratio.workload1Sotw ?? {})) rows.push([key.padEnd(24), ...cols.map((c) => fmt(ratio[c]?.[key] ?? NaN).padStart(16))].join(''));
  }
  return `${rows.join('\n')}\n`;
}

const opts = parseArgs(process.argv.slice(2));
const result: Record<string, unknown> = { options: opts };
const ours = await runSubject(startOurs, opts);
result.weft = ours;
if (opts.peer === 'go-control-plane') {
  const peer = await runSubject(startPeer, opts);
  result['go-control-plane'] = peer;
  result.ratios = ratios(ours, peer);
} else if (opts.peer !== undefined) {
  throw new Error(`unknown peer ${opts.peer}`);
}
process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : table(result));
process.exit(0);
