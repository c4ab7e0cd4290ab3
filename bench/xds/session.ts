/**
 * One subject under one client load: open the streams (initial sync, memory), make changes and
 * collect convergence samples, close (figures). Workload 1 runs one session per subject at a
 * time; Workload 2 keeps both subjects' sessions open and interleaves their changes (run.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TYPE_URLS } from '../../src/xds/type-urls.ts';
import type { ClientMessage } from './load-client.ts';
import type { Options } from './options.ts';
import type { Subject } from './subjects.ts';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * Milliseconds on CLOCK_MONOTONIC, which every process on the machine shares: the bench and the
 * load client compare timestamps across processes. (`performance.timeOrigin + now()` does not:
 * each process fixes its own origin from the wall clock at start, off by up to tenths of a ms.)
 */
const now = (): number => Number(process.hrtime.bigint()) / 1e6;


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

export interface Client {
  send(message: ClientMessage): void;
  next(type: string): Promise<Record<string, unknown>>;
  /** Like next, but resolves undefined after `ms` (a phase that never completes is reported, not waited on forever). */
  within(type: string, ms: number): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

export function startClient(): Promise<Client> {
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

export function notRun(): Figures {
  const none = measuredNothing();
  return { initialSyncMs: NaN, ...convergence('endpoint', none), ...convergence('route', none), endpointBytesPerChange: NaN, routeBytesPerChange: NaN, rssPerStreamKb: NaN, heapPerStreamKb: NaN, cpuSeconds: NaN, clientCpuSeconds: NaN, floorP50Ms: NaN, floorP99Ms: NaN, floorE2eP50Ms: NaN };
}

let armSeq = 0;

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** `--per-change`: one stderr line per change (min / p50 / max over the streams), to see whether a tail is one slow change or all. */
function logChange(kind: string, k: number, ms: readonly number[], awaitingAck: unknown): void {
  const waiting = typeof awaitingAck === 'number' ? `, ${awaitingAck} streams still awaiting the previous ACK` : '';
  process.stderr.write(`${kind} change ${k}: min ${fmt(percentile(ms, 0))} p50 ${fmt(percentile(ms, 50))} max ${fmt(percentile(ms, 100))} ms${waiting}\n`);
}

export type ChangeKind = 'endpoint' | 'route' | 'floor';

function commandOf(kind: ChangeKind, k: number, service: number, opts: Options): object {
  if (kind === 'endpoint') return { cmd: 'endpoint', service, shift: k + 1, countAwaiting: opts.perChange };
  if (kind === 'floor') return { cmd: 'floor', service };
  return { cmd: 'route', service, timeout: 16 + k };
}

export interface Measured {
  /** From the subject's receipt of the command. */
  readonly p50: number;
  readonly p99: number;
  /** From the bench's write of the command. */
  readonly e2eP50: number;
  readonly e2eP99: number;
  readonly bytes: number;
}

export function measuredNothing(): Measured {
  return { p50: NaN, p99: NaN, e2eP50: NaN, e2eP99: NaN, bytes: NaN };
}

export function convergence<K extends 'endpoint' | 'route'>(kind: K, m: Measured): Record<`${K}${'P50Ms' | 'P99Ms' | 'E2eP50Ms' | 'E2eP99Ms'}`, number> {
  return { [`${kind}P50Ms`]: m.p50, [`${kind}P99Ms`]: m.p99, [`${kind}E2eP50Ms`]: m.e2eP50, [`${kind}E2eP99Ms`]: m.e2eP99 } as Record<`${K}${'P50Ms' | 'P99Ms' | 'E2eP50Ms' | 'E2eP99Ms'}`, number>;
}


/** Convergence samples of one kind of change, pooled over the calls that made them. */
export interface Samples {
  readonly fromReceipt: number[];
  readonly e2e: number[];
  bytes: number;
  changes: number;
}

const noSamples = (): Samples => ({ fromReceipt: [], e2e: [], bytes: 0, changes: 0 });

export function summarize(s: Samples): Measured {
  if (s.changes === 0) return measuredNothing();
  return { p50: percentile(s.fromReceipt, 50), p99: percentile(s.fromReceipt, 99), e2eP50: percentile(s.e2e, 50), e2eP99: percentile(s.e2e, 99), bytes: s.bytes / s.changes };
}

export interface Session {
  readonly subject: Subject;
  readonly client: Client;
  readonly shape: 'mesh' | 'grpc';
  readonly streams: number;
  readonly memoryBefore: { rss: number; heap: number };
  readonly memoryAfter: { rss: number; heap: number };
  readonly cpu0: number;
  readonly initialSyncMs: number;
  readonly samples: Record<ChangeKind, Samples>;
  /** Changes made so far (every change differs from the one before, and targets the next service). */
  made: number;
}

/** Asks the client process to open `streams` streams of `kind`, subscribing like `shape`, to the subject. */
function openStreams(client: Client, subject: Subject, opts: Options, kind: 'sotw' | 'delta', shape: 'mesh' | 'grpc', streams: number): void {
  client.send({ type: 'open', address: `127.0.0.1:${subject.port}`, kind, shape, streams, services: opts.services, perConnection: opts.perConnection });
}

/**
 * Opens the same streams from a throw-away client and closes them again. Memory measured after
 * that leaves out what a process allocates once, on its first streams (code, connection and
 * watch structures): at 100 streams that would be most of a "per stream" figure.
 */
async function prime(subject: Subject, opts: Options, kind: 'sotw' | 'delta', shape: 'mesh' | 'grpc', streams: number): Promise<void> {
  const client = await startClient();
  try {
    openStreams(client, subject, opts, kind, shape, streams);
    await client.within('synced', opts.phaseTimeoutMs);
    client.send({ type: 'close' });
    await client.next('closed');
  } finally {
    await client.stop();
  }
}

/**
 * Loads the workload, starts a client process and opens its streams; resolves once all have the
 * initial state (or the phase timed out). With `primed`, the same streams are opened and closed
 * once first (see prime).
 */
export async function openSession(subject: Subject, opts: Options, kind: 'sotw' | 'delta', shape: 'mesh' | 'grpc', primed = false): Promise<Session> {
  const streams = shape === 'mesh' ? opts.streams : opts.grpcClients;
  await subject.command({ cmd: 'load', workload: shape, services: opts.services });
  if (primed) await prime(subject, opts, kind, shape, streams);
  const client = await startClient();
  const memoryBefore = await subject.memory();
  const cpu0 = subject.cpuSeconds();
  const t0 = now();
  openStreams(client, subject, opts, kind, shape, streams);
  const synced = await client.within('synced', opts.phaseTimeoutMs);
  const initialSyncMs = synced === undefined ? NaN : Number(synced.at) - t0;
  const memoryAfter = await subject.memory();
  return { subject, client, shape, streams, memoryBefore, memoryAfter, cpu0, initialSyncMs, samples: { endpoint: noSamples(), route: noSamples(), floor: noSamples() }, made: 0 };
}

/**
 * Makes `count` changes of `kind`, each once every target stream has received the previous one
 * (after `--gap-ms` when set); records them unless `measured` is false (warm-up). Resolves false
 * if a change did not converge within the phase timeout.
 */
export async function makeChanges(session: Session, kind: ChangeKind, count: number, measured: boolean, opts: Options): Promise<boolean> {
  const { subject, client } = session;
  const modulo = session.shape === 'mesh' ? opts.services : opts.grpcClients;
  const into = session.samples[kind];
  for (let i = 0; i < count; i++) {
    const n = session.made++;
    const service = (n * 7919) % modulo;
    if (i > 0 && opts.gapMs > 0) await new Promise((resolve) => setTimeout(resolve, opts.gapMs));
    const seq = ++armSeq;
    client.send({ type: 'arm', seq, typeUrl: kind === 'route' ? TYPE_URLS.route : TYPE_URLS.endpoint, streams: session.shape === 'mesh' ? 'all' : [service] });
    await client.next('armed');
    const t0 = now();
    const reply = await subject.command(commandOf(kind, n, service, opts));
    let done = await client.within('converged', opts.phaseTimeoutMs);
    while (done !== undefined && done.seq !== seq) done = await client.within('converged', opts.phaseTimeoutMs);
    if (done === undefined) {
      // A change that never converged: the kind is reported as not measured, not as its fast part.
      into.changes = 0;
      return false;
    }
    if (!measured) continue;
    const received = Number(reply.receivedAtMs);
    if (!Number.isFinite(received)) throw new Error(`${subject.name} did not report receivedAtMs for ${kind}`);
    for (const t of done.times as number[]) {
      into.fromReceipt.push(t - received);
      into.e2e.push(t - t0);
    }
    if (opts.perChange) logChange(kind, into.changes, (done.times as number[]).map((t) => t - received), reply.awaitingAck);
    into.bytes += Number(done.bytes);
    into.changes++;
  }
  return true;
}

/** Closes the client's streams and stops it; the session's figures. */
export async function closeSession(session: Session): Promise<Figures> {
  const { subject, client, streams, memoryBefore, memoryAfter } = session;
  const cpuSeconds = subject.cpuSeconds() - session.cpu0;
  try {
    client.send({ type: 'close' });
    const closed = await client.next('closed');
    const endpoint = summarize(session.samples.endpoint);
    const route = summarize(session.samples.route);
    const floor = summarize(session.samples.floor);
    return {
      initialSyncMs: session.initialSyncMs,
      ...convergence('endpoint', endpoint),
      ...convergence('route', route),
      endpointBytesPerChange: endpoint.bytes,
      routeBytesPerChange: route.bytes,
      rssPerStreamKb: (memoryAfter.rss - memoryBefore.rss) / streams / 1024,
      heapPerStreamKb: (memoryAfter.heap - memoryBefore.heap) / streams / 1024,
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

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return '-';
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);
}
