import type { Logger } from '../log.ts';
import type { Clock, TimerHandle } from './clock.ts';

/**
 * The result of one reconcile (controller-runtime's Result/error/TerminalError as a union).
 * - done: desired state holds; forget the key's backoff.
 * - requeueAfter: come back after delayMs even if nothing changes (polling readiness).
 * - retry: a transient failure; requeue with per-key exponential backoff.
 * - terminal: will not fix itself (bad input); surface it and do not requeue.
 */
export type ReconcileOutcome =
  | { readonly type: 'done' }
  | { readonly type: 'requeueAfter'; readonly delayMs: number }
  | { readonly type: 'retry'; readonly error: unknown }
  | { readonly type: 'terminal'; readonly error: unknown };

/** A result label for metrics: the outcome type, or `error` when the reconciler threw. */
export type ReconcileResult = ReconcileOutcome['type'] | 'error';

export type Reconciler = (key: string, signal: AbortSignal) => Promise<ReconcileOutcome>;

/** Optional hooks so metrics (prom-client) are wired by the caller. */
export interface WorkQueueMetrics {
  /** Keys waiting to run (not counting the ones running). */
  readonly depth?: (depth: number) => void;
  readonly reconciled?: (result: ReconcileResult, durationMs: number) => void;
}

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

export interface WorkQueueOptions {
  readonly reconcile: Reconciler;
  readonly clock: Clock;
  readonly log: Logger;
  /** Reconciles running at once across different keys. */
  readonly concurrency?: number;
  readonly backoff?: BackoffOptions;
  readonly metrics?: WorkQueueMetrics;
}

export interface WorkQueue {
  /** Queues a key; a key already waiting is not queued twice, a running key runs once more after. */
  add(key: string): void;
  /** Queues a key after a delay; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): void;
  /** Keys waiting to run. */
  depth(): number;
  /** Failures in a row for a key (the backoff exponent). */
  failures(key: string): number;
  /** Resolves once nothing is queued or running (delayed keys don't count). */
  idle(): Promise<void>;
  /**
   * Stops accepting keys and cancels delayed ones. With `drain`, runs what is queued; without, waits
   * only for running reconciles (their AbortSignal is aborted). Resolves when nothing runs any more.
   */
  shutdown(options?: { readonly drain?: boolean }): Promise<void>;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 300_000 };

/** Delay before the n-th retry (n starts at 1): base·2^(n-1), capped. */
export function backoffDelayMs(failures: number, backoff: BackoffOptions): number {
  const exponent = Math.max(0, failures - 1);
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(exponent, 40));
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

interface QueueState {
  readonly queue: string[];
  readonly dirty: Set<string>;
  readonly processing: Set<string>;
  readonly delayed: Map<string, { readonly dueMs: number; readonly handle: TimerHandle }>;
  readonly failures: Map<string, number>;
  readonly idleWaiters: (() => void)[];
  shuttingDown: boolean;
  drain: boolean;
}

export function createWorkQueue(options: WorkQueueOptions): WorkQueue {
  const { clock, log, reconcile } = options;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const abort = new AbortController();
  const s: QueueState = {
    queue: [],
    dirty: new Set(),
    processing: new Set(),
    delayed: new Map(),
    failures: new Map(),
    idleWaiters: [],
    shuttingDown: false,
    drain: false,
  };

  const reportDepth = (): void => options.metrics?.depth?.(s.queue.length);

  const notifyIdle = (): void => {
    if (s.queue.length > 0 || s.processing.size > 0) return;
    for (const waiter of s.idleWaiters.splice(0)) waiter();
  };

  const add = (key: string): void => {
    if (s.shuttingDown || s.dirty.has(key)) return;
    s.dirty.add(key);
    if (s.processing.has(key)) return; // re-queued when the running reconcile finishes
    s.queue.push(key);
    reportDepth();
    pump();
  };

  const addAfter = (key: string, delayMs: number): void => {
    if (s.shuttingDown) return;
    if (delayMs <= 0) {
      add(key);
      return;
    }
    const dueMs = clock.now() + delayMs;
    const existing = s.delayed.get(key);
    if (existing !== undefined) {
      if (existing.dueMs <= dueMs) return;
      clock.clearTimeout(existing.handle);
    }
    const handle = clock.setTimeout(() => {
      s.delayed.delete(key);
      add(key);
    }, delayMs);
    s.delayed.set(key, { dueMs, handle });
  };

  const handleOutcome = (key: string, outcome: ReconcileOutcome, klog: Logger): void => {
    switch (outcome.type) {
      case 'done':
        s.failures.delete(key);
        return;
      case 'requeueAfter':
        s.failures.delete(key);
        addAfter(key, outcome.delayMs);
        return;
      case 'retry': {
        const failures = (s.failures.get(key) ?? 0) + 1;
        s.failures.set(key, failures);
        const delayMs = backoffDelayMs(failures, backoff);
        klog.warn({ err: outcome.error, failures, delayMs }, 'reconcile failed, retrying');
        addAfter(key, delayMs);
        return;
      }
      case 'terminal':
        s.failures.delete(key);
        klog.error({ err: outcome.error }, 'reconcile failed permanently');
        return;
      default:
        assertNever(outcome);
    }
  };

  const runOne = async (key: string): Promise<void> => {
    const klog = log.child({ key });
    const startMs = clock.now();
    let outcome: ReconcileOutcome;
    let result: ReconcileResult;
    try {
      outcome = await reconcile(key, abort.signal);
      result = outcome.type;
    } catch (err) {
      // A throwing reconciler is a bug, but one bad key must not stop the others.
      klog.error({ err }, 'reconciler threw');
      outcome = { type: 'retry', error: err };
      result = 'error';
    }
    options.metrics?.reconciled?.(result, clock.now() - startMs);
    handleOutcome(key, outcome, klog);
  };

  const finish = (key: string): void => {
    s.processing.delete(key);
    if (s.dirty.has(key)) {
      if (s.shuttingDown && !s.drain) s.dirty.delete(key);
      else {
        s.queue.push(key);
        reportDepth();
      }
    }
    pump();
    notifyIdle();
  };

  function pump(): void {
    while (s.processing.size < concurrency && s.queue.length > 0) {
      if (s.shuttingDown && !s.drain) break;
      const key = s.queue.shift();
      if (key === undefined) break;
      s.dirty.delete(key);
      s.processing.add(key);
      reportDepth();
      void runOne(key).finally(() => {
        finish(key);
      });
    }
  }

  return {
    add,
    addAfter,
    depth: () => s.queue.length,
    failures: (key) => s.failures.get(key) ?? 0,
    idle() {
      if (s.queue.length === 0 && s.processing.size === 0) return Promise.resolve();
      return new Promise((resolve) => s.idleWaiters.push(resolve));
    },
    shutdown(opts) {
      s.shuttingDown = true;
      s.drain = opts?.drain ?? false;
      for (const { handle } of s.delayed.values()) clock.clearTimeout(handle);
      s.delayed.clear();
      if (!s.drain) {
        for (const key of s.queue.splice(0)) s.dirty.delete(key);
        reportDepth();
        abort.abort(new Error('work queue shut down'));
      }
      const done = new Promise<void>((resolve) => s.idleWaiters.push(resolve));
      notifyIdle();
      return done;
    },
  };
}
